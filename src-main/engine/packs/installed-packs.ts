/** The user's pack folders by id, for install (is it there already?) and removal. */
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describePack } from '../pipeline/list-packs';

/** The folder in `packsDir` holding the pack `id` (its manifest's id, or the folder's name when the manifest is unreadable). */
export async function findInstalledPack(packsDir: string, id: string): Promise<string | undefined> {
  const names = await readdir(packsDir).catch(() => [] as string[]);
  for (const name of names.filter((n) => !n.startsWith('.')).sort()) {
    const dir = path.join(packsDir, name);
    const info = await describePack(dir, name);
    if (info && (info.id === id || name === id)) return dir;
  }
  return undefined;
}

/** A hidden name beside the packs (listing skips dot-folders), for a folder on its way in or out. */
export function hiddenPackPath(packsDir: string, purpose: 'installing' | 'removing'): string {
  return path.join(packsDir, `.${purpose}-${randomBytes(6).toString('hex')}`);
}
