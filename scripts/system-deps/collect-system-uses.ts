/**
 * Finds what code takes from the operating system: absolute system paths, programs it runs and
 * Python modules it imports. Pure text scanning (no file system), so the rules are testable on
 * strings. Comments are skipped: a path named in a comment is documentation, not a use.
 */

export type SystemUse =
  | { kind: 'path'; path: string; file: string; line: number }
  | { kind: 'program'; name: string; file: string; line: number }
  | { kind: 'python-module'; module: string; interpreter: 'python3' | 'blender'; file: string; line: number };

/**
 * A line marked `system-deps: optional (reason)` (a use that may be missing, e.g. the user's own
 * TensorFlow) or `system-deps: ignore (reason)` (a path that is data, e.g. a hostile path a test
 * must see refused) is not checked.
 */
const OPTIONAL_MARK = /system-deps:\s*(?:optional|ignore)\s*\(([^)]+)\)/;

const SYSTEM_PATH = /(?<![\w./-])\/(?:usr|opt|etc|lib|lib64|bin|sbin)\/[\w.+@-]+(?:\/[\w.+@-]+)*/g;

/** Modules built into Blender's own Python: a script that imports them runs inside Blender. */
export const BLENDER_MODULES = new Set(['bpy', 'bmesh', 'mathutils', 'gpu', 'bgl', 'aud', 'bpy_extras']);

export function isOptionalUse(lineText: string): boolean {
  return OPTIONAL_MARK.test(lineText);
}

/** Lines with comments blanked, keeping line numbers. `#!` shebangs stay: they name a program. */
function codeLines(text: string, language: 'ts' | 'sh' | 'py' | 'cmake'): string[] {
  const lines = text.split('\n');
  let inBlock = false;
  return lines.map((raw, i) => {
    if (i === 0 && raw.startsWith('#!')) return raw;
    if (language === 'ts') {
      let line = raw;
      if (inBlock) {
        const end = line.indexOf('*/');
        if (end < 0) return '';
        inBlock = false;
        line = line.slice(end + 2);
      }
      const start = line.indexOf('/*');
      if (start >= 0 && line.indexOf('*/', start) < 0) {
        inBlock = true;
        line = line.slice(0, start);
      }
      return line.replace(/\/\*.*?\*\//g, '').replace(/(^|\s)\/\/.*$/, '$1');
    }
    // '#' starts a comment at the line start or after whitespace (not inside "$#" or a URL fragment).
    return raw.replace(/(^|\s)#.*$/, '$1');
  });
}

function languageOf(file: string): 'ts' | 'sh' | 'py' | 'cmake' | undefined {
  if (/\.(ts|mts|cts|js|mjs|cjs|vue)$/.test(file)) return 'ts';
  if (/\.sh$/.test(file) || /(^|\/)\.ci\/run$/.test(file)) return 'sh';
  if (/\.py$/.test(file)) return 'py';
  if (/(CMakeLists\.txt|\.cmake)$/.test(file)) return 'cmake';
  return undefined;
}

export function isScannedFile(file: string): boolean {
  return languageOf(file) !== undefined;
}

/** Every system use in one file's text. `file` is only reported, never read. */
export function collectSystemUses(file: string, text: string): SystemUse[] {
  const language = languageOf(file);
  if (!language) return [];
  const rawLines = text.split('\n');
  const lines = codeLines(text, language);
  const uses: SystemUse[] = [];
  const shellFunctions = new Set(
    [...text.matchAll(/^\s*(?:function\s+)?([A-Za-z_][\w-]*)\s*\(\)/gm)].map((m) => m[1]!),
  );
  const runsInBlender = language === 'py' && /^\s*(import|from)\s+bpy\b/m.test(text);
  lines.forEach((line, i) => {
    if (isOptionalUse(rawLines[i] ?? '')) return;
    const at = { file, line: i + 1 };
    for (const match of line.matchAll(SYSTEM_PATH)) {
      // `#!/usr/bin/env bash` runs `bash`: the shebang's program is the use.
      if (match[0] === '/usr/bin/env') continue;
      uses.push({ kind: 'path', path: match[0], ...at });
    }
    // A Python tool's shebang is the user's own python3; tests run them with Debian's, by path.
    if (i === 0 && language !== 'py' && line.startsWith('#!/usr/bin/env ')) {
      const program = line.slice('#!/usr/bin/env '.length).trim().split(/\s+/)[0];
      if (program) uses.push({ kind: 'program', name: program, ...at });
    }
    if (language === 'sh' && i > 0) {
      for (const name of programsRunFromShell(line)) {
        if (!shellFunctions.has(name)) uses.push({ kind: 'program', name, ...at });
      }
    }
    if (language === 'py') {
      for (const module of pythonImports(line)) {
        uses.push({
          kind: 'python-module',
          module,
          interpreter: runsInBlender ? 'blender' : 'python3',
          ...at,
        });
      }
    }
  });
  if (language === 'ts') {
    // Calls often break after `(` (Prettier), so programs are found in the whole text.
    const code = lines.map((l, i) => (isOptionalUse(rawLines[i] ?? '') ? '' : l)).join('\n');
    for (const { name, index } of programsRunFromNode(code)) {
      uses.push({ kind: 'program', name, file, line: code.slice(0, index).split('\n').length });
    }
  }
  return uses;
}

/** `execFile('blender', …)`, `spawnSync('umount', …)`, `promisify(execFile)('x', …)`, `execSync('x …')`. */
export function programsRunFromNode(code: string): { name: string; index: number }[] {
  const found: { name: string; index: number }[] = [];
  const call = /\b(?:execFile|execFileSync|spawn|spawnSync)\)?\s*\(\s*(['"`])([^'"`$]+)\1/g;
  for (const m of code.matchAll(call)) found.push({ name: m[2]!, index: m.index });
  const shellCall = /\b(?:exec|execSync)\s*\(\s*(['"`])([^'"`$\s]+)/g;
  for (const m of code.matchAll(shellCall)) found.push({ name: m[2]!, index: m.index });
  return found.filter(({ name }) => !name.includes('/') || name.startsWith('/'));
}

/** Words a POSIX shell line runs as commands (first word of each simple command). */
export function programsRunFromShell(line: string): string[] {
  const names: string[] = [];
  // Split into simple commands at control operators and command substitutions.
  const pieces = unquoteShell(line)
    .replace(/\d*(?:>>|>|<)&?\d*/g, ' ')
    .split(/;;|&&|\|\||[;|&]|\$\(|`|\(|\)/);
  for (const piece of pieces) {
    const words = piece.trim().split(/\s+/).filter(Boolean);
    while (words.length > 0) {
      const w = words[0]!;
      if (SHELL_PREFIXES.has(w) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || /^[<>0-9&]*[<>]/.test(w)) {
        words.shift();
        continue;
      }
      break;
    }
    const word = words[0];
    if (!word || !/^[A-Za-z0-9_./+-]+$/.test(word)) continue;
    if (word.startsWith('-') || SHELL_BUILTINS.has(word)) continue;
    // Repository scripts (relative paths) are scanned as files themselves.
    if (word.includes('/') && !word.startsWith('/')) continue;
    names.push(word);
  }
  return names;
}

/**
 * The line with quoted text removed: single-quoted text is data (awk or node programs); of
 * double-quoted text only command substitutions `$(…)` run.
 */
function unquoteShell(line: string): string {
  let out = '';
  // What we are inside: unquoted code ('code', the line or a `$(…)`), or double quotes ('"').
  const stack: ('code' | '"')[] = ['code'];
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    const top = stack[stack.length - 1]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '$' && line.startsWith('((', i + 1)) {
      // Arithmetic $((…)) runs nothing.
      const close = line.indexOf('))', i + 3);
      i = close < 0 ? line.length : close + 1;
      continue;
    }
    if (c === '$' && line[i + 1] === '(') {
      stack.push('code');
      out += ' $(';
      i++;
      continue;
    }
    if (top === '"') {
      if (c === '"') stack.pop();
      continue;
    }
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      i = close < 0 ? line.length : close;
      out += ' ';
    } else if (c === '"') {
      stack.push('"');
      out += ' ';
    } else if (c === ')' && stack.length > 1) {
      stack.pop();
      out += ')';
    } else {
      out += c;
    }
  }
  return out;
}

const SHELL_PREFIXES = new Set([
  '!',
  'then',
  'do',
  'else',
  'elif',
  'if',
  'while',
  'until',
  'time',
  'exec',
  'sudo',
  '$SUDO',
  'env',
  'command',
  '{',
  'nohup',
]);
const SHELL_BUILTINS = new Set(
  (
    'case esac fi done in for function return exit set unset export local readonly declare typeset ' +
    'echo printf read cd pwd test [ [[ ]] ] true false shift trap wait eval source . mapfile readarray ' +
    'let break continue getopts umask ulimit type hash alias unalias jobs kill builtin caller compgen ' +
    'complete dirs disown enable fc fg bg help history logout popd pushd shopt suspend times'
  ).split(' '),
);

/** Top-level module names a Python line imports (`import a.b, c as d`, `from a.b import x`). */
export function pythonImports(line: string): string[] {
  const fromImport = /^\s*from\s+([A-Za-z_][\w.]*)\s+import\b/.exec(line);
  if (fromImport) return [fromImport[1]!.split('.')[0]!];
  const plain = /^\s*import\s+(.+)$/.exec(line);
  if (!plain) return [];
  return plain[1]!
    .split(',')
    .map((part) => part.trim().split(/\s+/)[0]!.split('.')[0]!)
    .filter((name) => /^[A-Za-z_]\w*$/.test(name));
}
