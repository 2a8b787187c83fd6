/**
 * Asks this machine's package database who provides what: the file behind a program or a Python
 * module, the Debian package owning a file, and the packages a set of packages pulls in.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';

/** Debian's interpreter: python3-torch and friends belong to it, not to a python3 earlier on PATH. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** The absolute path `name` runs as (PATH lookup), or undefined. */
export function whichProgram(name: string): string | undefined {
  if (name.startsWith('/')) return existsSync(name) ? name : undefined;
  const r = spawnSync('bash', ['-c', 'command -v -- "$1"', 'which', name], { encoding: 'utf8' });
  const found = r.status === 0 ? r.stdout.trim() : '';
  return found.startsWith('/') ? found : undefined;
}

export interface PythonFacts {
  stdlib: Set<string>;
  /** Module → the file (or package folder) Debian's python3 imports it from; absent = not importable. */
  origins: Map<string, string>;
}

/** Where Debian's python3 finds each module, and its standard library's names; undefined if absent. */
export function pythonFacts(modules: string[]): PythonFacts | undefined {
  if (!existsSync(DEBIAN_PYTHON)) return undefined;
  const script = [
    'import sys, json, importlib.util',
    'out = {"stdlib": sorted(sys.stdlib_module_names), "origins": {}}',
    'for name in sys.argv[1:]:',
    '    try:',
    '        spec = importlib.util.find_spec(name)',
    '    except Exception:',
    '        spec = None',
    '    if spec is None: continue',
    '    locations = list(spec.submodule_search_locations or [])',
    '    out["origins"][name] = spec.origin if spec.origin not in (None, "built-in", "frozen", "namespace") else (locations[0] if locations else spec.origin)',
    'print(json.dumps(out))',
  ].join('\n');
  const parsed = JSON.parse(
    execFileSync(DEBIAN_PYTHON, ['-c', script, ...modules], { encoding: 'utf8' }),
  ) as { stdlib: string[]; origins: Record<string, string> };
  return { stdlib: new Set(parsed.stdlib), origins: new Map(Object.entries(parsed.origins)) };
}

/**
 * The packages owning each path (`dpkg -S`). Debian merged /bin into /usr/bin, but some packages
 * still register the old name, so both spellings and the resolved link target are asked.
 */
export function owningPackages(paths: string[]): Map<string, string[]> {
  const asked = new Map<string, string[]>();
  for (const p of paths) asked.set(p, spellings(p));
  const all = [...new Set([...asked.values()].flat())];
  const owners = new Map<string, Set<string>>();
  if (all.length > 0) {
    const r = spawnSync('dpkg', ['-S', ...all], { encoding: 'utf8', maxBuffer: 64 << 20 });
    for (const line of r.stdout.split('\n')) {
      const m = /^(.+?): (\/.*)$/.exec(line);
      if (!m || line.startsWith('diversion by')) continue;
      const pkgs = m[1]!.split(', ').map((p) => p.split(':')[0]!);
      const set = owners.get(m[2]!) ?? new Set<string>();
      pkgs.forEach((p) => set.add(p));
      owners.set(m[2]!, set);
    }
  }
  const result = new Map<string, string[]>();
  for (const [p, names] of asked) {
    const found = new Set<string>();
    for (const n of names) owners.get(n)?.forEach((pkg) => found.add(pkg));
    result.set(p, [...found].sort());
  }
  return result;
}

function spellings(p: string): string[] {
  const out = new Set([p]);
  try {
    out.add(realpathSync(p));
  } catch {
    // not on this machine: only its own name can be asked
  }
  for (const q of [...out]) {
    const m = /^\/usr\/(bin|sbin|lib|lib64)\/(.*)$/.exec(q);
    if (m) out.add(`/${m[1]}/${m[2]}`);
    const n = /^\/(bin|sbin|lib|lib64)\/(.*)$/.exec(q);
    if (n) out.add(`/usr/${n[1]}/${n[2]}`);
  }
  return [...out];
}

export interface InstalledPackages {
  /** Installed package → the names it depends on (all alternatives) and the virtual names it provides. */
  depends: Map<string, string[]>;
  provides: Map<string, string[]>;
  priority: Map<string, string>;
}

export function installedPackages(): InstalledPackages {
  const out = execFileSync(
    'dpkg-query',
    ['-W', '-f=${db:Status-Abbrev}\t${Package}\t${Priority}\t${Pre-Depends}, ${Depends}\t${Provides}\n'],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const depends = new Map<string, string[]>();
  const provides = new Map<string, string[]>();
  const priority = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [status, name, prio, deps, prov] = line.split('\t');
    if (!status?.startsWith('ii') || !name) continue;
    priority.set(name, prio ?? '');
    depends.set(name, packageNames(deps ?? ''));
    for (const v of packageNames(prov ?? '')) provides.set(v, [...(provides.get(v) ?? []), name]);
  }
  return { depends, provides, priority };
}

/** "a (>= 1), b | c:any" → [a, b, c] */
function packageNames(field: string): string[] {
  return field
    .split(/[,|]/)
    .map((s) => s.trim().split(/[\s(]/)[0]!.split(':')[0]!)
    .filter(Boolean);
}

/** `roots` and every installed package they pull in through Depends/Pre-Depends (virtuals resolved). */
export function dependencyClosure(roots: Iterable<string>, installed: InstalledPackages): Set<string> {
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.pop()!;
    const real = installed.depends.has(name) ? [name] : (installed.provides.get(name) ?? []);
    for (const pkg of real) {
      if (seen.has(pkg)) continue;
      seen.add(pkg);
      queue.push(...(installed.depends.get(pkg) ?? []));
    }
  }
  return seen;
}
