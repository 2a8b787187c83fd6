/**
 * A small real pack folder (manifest + two files with their true sha256), for the install and removal
 * tests, and zips of pack folders made with the export's own zip writer.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildZip } from '../../src-main/engine/export/zip';

export async function writeTinyPack(dir: string, id = 'tiny-test-pack'): Promise<string> {
  await mkdir(path.join(dir, 'data'), { recursive: true });
  const files = {
    'weights.bin': Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    'data/table.bin': Buffer.from('a table of sixteen bytes.'.slice(0, 16)),
  };
  for (const [name, bytes] of Object.entries(files)) await writeFile(path.join(dir, name), bytes);
  const manifest = {
    manifestVersion: 1,
    id,
    kind: 'estimate',
    version: '1.0',
    license: 'CC0-1.0',
    files: Object.entries(files).map(([p, bytes]) => ({
      path: p,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    })),
  };
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** Every file of a folder as zip entries, named under `prefix` (e.g. 'my-pack/' or ''). */
export async function folderEntries(dir: string, prefix = ''): Promise<{ name: string; data: Buffer }[]> {
  const entries: { name: string; data: Buffer }[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const item of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${item.name}` : item.name;
      if (item.isDirectory()) await walk(name);
      else entries.push({ name: prefix + name, data: await readFile(path.join(dir, name)) });
    }
  };
  await walk('');
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

export async function zipFolder(dir: string, zipPath: string, prefix = ''): Promise<string> {
  await writeFile(zipPath, buildZip(await folderEntries(dir, prefix)));
  return zipPath;
}

/** Marks the zip's first central-directory entry as a Unix symlink (mode 120777 in its external attributes). */
export function markFirstEntryAsSymlink(zip: Buffer): Buffer {
  const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  if (central < 0) throw new Error('no central directory entry');
  const out = Buffer.from(zip);
  out.writeUInt16LE((3 << 8) | 20, central + 4); // made by Unix
  out.writeUInt32LE((0o120777 << 16) >>> 0, central + 38);
  return out;
}
