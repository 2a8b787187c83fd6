/**
 * The model packs this engine can use: the built-in ones (always there), those shipped in
 * resources/packs/ and the user's packs in the packs folder. Listing is a quick check (manifest valid, every file present at its size); the full
 * sha256 check runs when a pack is loaded.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PackInfo } from '../../shared/protocol';
import { MANIFEST_FILE, PackManifest } from '../packs/pack-manifest';

const BUILT_IN: PackInfo[] = [
  {
    id: 'builtin-selfie-segmentation',
    kind: 'segment',
    version: '3.3',
    license: 'Apache-2.0',
    builtIn: true,
    ok: true,
  },
  { id: 'builtin-head-model', kind: 'estimate', version: '1', license: 'CC0-1.0', builtIn: true, ok: true },
];

/** Built-in packs, then the ones shipped in `embeddedDir` (resources/packs/, marked built-in), then the user's. */
export async function listPacks(packsDir: string, embeddedDir?: string): Promise<PackInfo[]> {
  const shipped = embeddedDir ? await packsIn(embeddedDir) : [];
  const user = await packsIn(packsDir);
  return [...BUILT_IN, ...shipped.map((p) => ({ ...p, builtIn: true })), ...user];
}

async function packsIn(dir: string): Promise<PackInfo[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const packs = await Promise.all(
    names
      .filter((n) => !n.startsWith('.'))
      .sort()
      .map((n) => describePack(join(dir, n), n)),
  );
  return packs.filter((p): p is PackInfo => p !== undefined);
}

/** The quick check of one pack folder (undefined: not a folder). */
export async function describePack(dir: string, name: string): Promise<PackInfo | undefined> {
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) return undefined;
  const unknown = { id: name, kind: 'estimate' as const, version: '?', license: '?', builtIn: false, dir };
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    return { ...unknown, ok: false, problem: `${MANIFEST_FILE}: ${(error as Error).message}` };
  }
  const parsed = PackManifest.safeParse(raw);
  if (!parsed.success)
    return { ...unknown, ok: false, problem: `${MANIFEST_FILE}: ${parsed.error.issues[0]?.message}` };
  const m = parsed.data;
  const info = {
    id: m.id,
    kind: m.kind,
    ...(m.role ? { role: m.role } : {}),
    version: m.version,
    license: m.license,
    builtIn: false,
    sizeBytes: m.files.reduce((sum, f) => sum + f.bytes, 0),
    dir,
  };
  for (const file of m.files) {
    const size = (await stat(join(dir, file.path)).catch(() => undefined))?.size;
    if (size === undefined) return { ...info, ok: false, problem: `${file.path} is missing` };
    if (size !== file.bytes)
      return {
        ...info,
        ok: false,
        problem: `${file.path} has ${size} bytes, the manifest says ${file.bytes}`,
      };
  }
  return { ...info, ok: true };
}
