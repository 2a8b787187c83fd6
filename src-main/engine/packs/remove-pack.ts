/**
 * Removes a user-installed pack: its folder is renamed to a hidden name first (so it leaves the
 * listing at once and a half-deleted pack is never seen), then deleted. Built-in packs stay.
 */
import { rename, rm } from 'node:fs/promises';
import type { PackInfo } from '../../shared/protocol';
import { describePack } from '../pipeline/list-packs';
import { findInstalledPack, hiddenPackPath } from './installed-packs';
import { PackInstallError } from './pack-install-error';
import path from 'node:path';

export async function removePack(
  packsDir: string,
  id: string,
  builtInIds: ReadonlySet<string>,
): Promise<PackInfo> {
  if (builtInIds.has(id))
    throw new PackInstallError('pack-built-in', `"${id}" ships with the studio and cannot be removed.`);
  const dir = await findInstalledPack(packsDir, id);
  if (!dir) throw new PackInstallError('pack-not-found', `No pack "${id}" is installed in ${packsDir}.`);
  const info = (await describePack(dir, path.basename(dir))) ?? {
    id,
    kind: 'estimate' as const,
    version: '?',
    license: '?',
    builtIn: false,
    ok: false,
  };
  const aside = hiddenPackPath(packsDir, 'removing');
  await rename(dir, aside);
  // a link to a pack elsewhere: rm removes the link, never what it points to
  await rm(aside, { recursive: true, force: true });
  return info;
}
