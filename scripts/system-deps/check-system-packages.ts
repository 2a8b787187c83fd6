/**
 * The set-up's drift check: every system file, program and Python module the code uses must come
 * from a Debian package the set-up installs (scripts/debian-packages.txt, or a package one of those
 * pulls in), or from a package every Debian has (Priority: required). A fresh machine then has it.
 *
 *   npx tsx scripts/system-deps/check-system-packages.ts [repository root]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BLENDER_MODULES, collectSystemUses, isScannedFile, type SystemUse } from './collect-system-uses';
import {
  dependencyClosure,
  installedPackages,
  owningPackages,
  pythonFacts,
  whichProgram,
} from './debian-owners';

/** Folders whose code runs on the machine: tests, training, set-up, benchmarks, the app. */
export const SCANNED_FOLDERS = ['tests', 'training', 'scripts', 'bench', 'native', 'src-main', 'bin', '.ci'];
export const PACKAGE_LIST = 'scripts/debian-packages.txt';
/** The README's fresh machine: Debian with Node.js and npm (not Debian's packages of them). */
const MACHINE_PROGRAMS = new Set(['node', 'npm', 'npx']);
const SKIPPED_DIRS = new Set(['node_modules', 'build', 'out', 'dist', 'test-output', '__pycache__', '.git']);

export interface ListedPackage {
  name: string;
  group: string;
}

export interface Problem {
  use: SystemUse;
  /** What the use is, in words, and why it fails the check. */
  message: string;
}

export interface CheckResult {
  uses: SystemUse[];
  problems: Problem[];
  /** Packages the set-up lists that are not installed on this machine (the set-up did not run?). */
  notInstalled: string[];
}

export function readPackageList(text: string): ListedPackage[] {
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [name, group] = l.trim().split(/\s+/);
      return { name: name!, group: group ?? '' };
    });
}

/** Relative paths of every scanned file under `root`'s scanned folders. */
export function scannedFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(root, rel);
    let entries: string[];
    try {
      entries = readdirSync(abs);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      const child = path.join(rel, name);
      const info = statSync(path.join(root, child), { throwIfNoEntry: false });
      if (!info) continue;
      if (info.isDirectory()) {
        if (!SKIPPED_DIRS.has(name)) walk(child);
      } else if (info.isFile() && isScannedFile(child)) {
        files.push(child);
      }
    }
  };
  for (const folder of SCANNED_FOLDERS) {
    const info = statSync(path.join(root, folder), { throwIfNoEntry: false });
    if (info?.isFile() && isScannedFile(folder)) files.push(folder);
    else walk(folder);
  }
  return files;
}

/** Python modules of the repository itself: every .py file's and package folder's name. */
function localPythonModules(files: string[]): Set<string> {
  const names = new Set<string>();
  for (const f of files.filter((f) => f.endsWith('.py'))) {
    names.add(path.basename(f, '.py'));
    for (const dir of path.dirname(f).split(path.sep)) names.add(dir);
  }
  return names;
}

export function checkSystemPackages(root: string, listed: ListedPackage[]): CheckResult {
  const files = scannedFiles(root);
  const uses = files.flatMap((f) => collectSystemUses(f, readFileSync(path.join(root, f), 'utf8')));
  const local = localPythonModules(files);
  const installed = installedPackages();
  const notInstalled = listed.map((p) => p.name).filter((n) => !installed.depends.has(n));
  const allowed = dependencyClosure(
    listed.map((p) => p.name),
    installed,
  );
  for (const [name, prio] of installed.priority) if (prio === 'required') allowed.add(name);

  const pyModules = [
    ...new Set(
      uses.flatMap((u) =>
        u.kind === 'python-module' && !local.has(u.module) && !BLENDER_MODULES.has(u.module)
          ? [u.module]
          : [],
      ),
    ),
  ];
  const python = pythonFacts(pyModules);

  // Each use becomes a system file (or a reason it cannot be one).
  const fileOf = new Map<SystemUse, string>();
  const problems: Problem[] = [];
  for (const use of uses) {
    if (use.kind === 'path') fileOf.set(use, use.path);
    else if (use.kind === 'program') {
      if (MACHINE_PROGRAMS.has(use.name)) continue;
      const found = whichProgram(use.name);
      if (found) fileOf.set(use, found);
      else problems.push({ use, message: `runs \`${use.name}\`, which is not installed on this machine` });
    } else {
      if (use.module === '__future__' || local.has(use.module)) continue;
      if (use.interpreter === 'blender' && BLENDER_MODULES.has(use.module)) {
        const blender = whichProgram('blender');
        if (blender) fileOf.set(use, blender);
        else
          problems.push({ use, message: `imports ${use.module} (Blender's), but blender is not installed` });
        continue;
      }
      if (!python) {
        problems.push({ use, message: `imports ${use.module}, but Debian's python3 is not installed` });
        continue;
      }
      if (python.stdlib.has(use.module)) continue;
      const origin = python.origins.get(use.module);
      if (origin) fileOf.set(use, origin);
      else
        problems.push({ use, message: `imports ${use.module}, which Debian's python3 cannot import here` });
    }
  }

  const owners = owningPackages([...new Set(fileOf.values())]);
  for (const [use, file] of fileOf) {
    const pkgs = owners.get(file) ?? [];
    const what = describe(use, file);
    if (pkgs.length === 0) {
      problems.push({ use, message: `${what}, which no installed Debian package provides` });
    } else if (!pkgs.some((p) => allowed.has(p))) {
      problems.push({
        use,
        message: `${what}, from Debian package ${pkgs.join(' or ')}, which ${PACKAGE_LIST} does not install`,
      });
    }
  }
  problems.sort((a, b) => a.use.file.localeCompare(b.use.file) || a.use.line - b.use.line);
  return { uses, problems, notInstalled };
}

function describe(use: SystemUse, file: string): string {
  if (use.kind === 'path') return `uses ${use.path}`;
  if (use.kind === 'program') return `runs \`${use.name}\` (${file})`;
  return `imports ${use.module} (${file})`;
}

export function formatProblems(result: CheckResult): string {
  const lines = result.problems.map((p) => `${p.use.file}:${p.use.line} ${p.message}`);
  if (result.notInstalled.length > 0) {
    lines.unshift(
      `${PACKAGE_LIST} lists packages not installed here (run npm run setup): ${result.notInstalled.join(' ')}`,
    );
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(
    process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  );
  const listed = readPackageList(readFileSync(path.join(root, PACKAGE_LIST), 'utf8'));
  const result = checkSystemPackages(root, listed);
  const kinds = (k: SystemUse['kind']) => result.uses.filter((u) => u.kind === k).length;
  console.log(
    `scanned ${SCANNED_FOLDERS.join(' ')}: ${kinds('path')} system paths, ${kinds('program')} programs, ` +
      `${kinds('python-module')} Python imports; ${listed.length} listed packages`,
  );
  if (result.problems.length > 0 || result.notInstalled.length > 0) {
    console.log(formatProblems(result));
    process.exit(1);
  }
  console.log('every system dependency comes from a package the set-up installs');
}
