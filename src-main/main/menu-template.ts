/**
 * The application menu as data (no `electron` import), so its shape is testable; menu.ts builds it.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  importPhoto(): void;
}

export function buildMenuTemplate(
  actions: MenuActions,
  platform: NodeJS.Platform,
): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Import Photo…', accelerator: 'CmdOrCtrl+O', click: () => actions.importPhoto() },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
}
