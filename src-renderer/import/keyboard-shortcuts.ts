/**
 * The studio's keyboard shortcuts as data plus one pure lookup, so the help lists exactly what the
 * window handles. Typing in a field never triggers the single-key ones.
 */
export type ShortcutAction =
  'import' | 'delete' | 'escape' | 'next-job' | 'previous-job' | 'generate' | 'export' | 'help';

export interface Shortcut {
  action: ShortcutAction;
  keys: string;
  description: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'import', keys: 'Ctrl+O / ⌘O', description: 'Import photos (dialog)' },
  { action: 'import', keys: 'Ctrl+V / ⌘V', description: 'Import the image on the clipboard' },
  { action: 'delete', keys: 'Delete', description: 'Delete the selected job (asks first)' },
  { action: 'escape', keys: 'Escape', description: 'Close a dialog or the enlarged view' },
  { action: 'next-job', keys: '↓', description: 'Next job in the list' },
  { action: 'previous-job', keys: '↑', description: 'Previous job in the list' },
  { action: 'generate', keys: 'G', description: 'Generate again with the side panel’s settings' },
  { action: 'export', keys: 'E', description: 'Export the selected job (when it is done)' },
  { action: 'help', keys: '?', description: 'Show these shortcuts' },
];

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focus is in a text field, a select or an editable element (where keys are typing). */
  inField: boolean;
}

export function shortcutFor(press: KeyPress): ShortcutAction | undefined {
  const command = press.ctrlKey || press.metaKey;
  if (command && !press.altKey && press.key.toLowerCase() === 'o') return 'import';
  if (press.key === 'Escape') return 'escape';
  if (command || press.altKey || press.inField) return undefined;
  switch (press.key) {
    case 'Delete':
      return 'delete';
    case 'ArrowDown':
      return 'next-job';
    case 'ArrowUp':
      return 'previous-job';
    case 'g':
    case 'G':
      return 'generate';
    case 'e':
    case 'E':
      return 'export';
    case '?':
      return 'help';
    default:
      return undefined;
  }
}

/** The job after (+1) or before (-1) the selected one in the list's order, stopping at the ends. */
export function neighbourJob(
  ids: readonly string[],
  selected: string | undefined,
  step: 1 | -1,
): string | undefined {
  if (ids.length === 0) return undefined;
  const at = selected === undefined ? -1 : ids.indexOf(selected);
  if (at < 0) return ids[0];
  return ids[Math.min(Math.max(at + step, 0), ids.length - 1)];
}

/** Whether keys typed at this element are text (inputs other than buttons/checkboxes/ranges, selects…). */
export function isTypingTarget(
  element: { tagName?: string; type?: string; isContentEditable?: boolean } | null,
): boolean {
  if (!element?.tagName) return false;
  const tag = element.tagName.toLowerCase();
  if (tag === 'textarea' || tag === 'select' || element.isContentEditable) return true;
  if (tag !== 'input') return false;
  return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset', 'color', 'file'].includes(
    element.type ?? 'text',
  );
}
