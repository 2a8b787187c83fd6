/**
 * Installs a model pack from a folder or a .zip, all or nothing: the files are copied (or unpacked)
 * into `.installing-<random>` inside the packs folder, verified there with the verifier the engine
 * loads packs with (every sha256), and only then renamed into place as `<packs>/<id>`. A same-id pack
 * is refused unless `replace`, when it is renamed aside first and deleted after. Whatever fails, the
 * temp folder is removed and the packs folder is as it was.
 */
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PackInfo } from '../../shared/protocol';
import { describePack } from '../pipeline/list-packs';
import { copyPackFolder } from './copy-pack-folder';
import { extractPackZip } from './extract-pack-zip';
import { findInstalledPack, hiddenPackPath } from './installed-packs';
import { MANIFEST_FILE } from './pack-manifest';
import { INSTALL_LIMITS, type InstallLimits } from './pack-entry-name';
import { PackError } from './pack-error';
import { PackInstallError } from './pack-install-error';
import { rememberVerified } from './verified-packs';
import { verifyPack } from './verify-pack';

export interface InstallPackOptions {
  packsDir: string;
  /** A pack folder, or a .zip of one (its files at the top or in one folder). */
  source: string;
  replace?: boolean;
  /** Ids of the packs that ship with the app: never shadowed by a user pack. */
  builtInIds: ReadonlySet<string>;
  limits?: InstallLimits;
  signal?: AbortSignal;
}

export async function installPack(options: InstallPackOptions): Promise<PackInfo> {
  const { packsDir, source, signal } = options;
  const limits = options.limits ?? INSTALL_LIMITS;
  const info = await stat(source).catch(() => undefined);
  if (!info || (!info.isDirectory() && !info.isFile()))
    throw new PackInstallError('pack-source-unreadable', `${source} is neither a folder nor a file.`);
  await mkdir(packsDir, { recursive: true });
  await removeStaleLeftovers(packsDir);
  const temp = await mkdtemp(path.join(packsDir, '.installing-'));
  try {
    const content = path.join(temp, 'content');
    await mkdir(content);
    if (info.isDirectory()) await copyPackFolder(source, content, limits, signal);
    else await extractPackZip(source, content, limits, signal);
    const root = await packRoot(content);
    const verified = await verifyPack(root, signal).catch((error: unknown) => {
      // name what the user chose, not the temp folder it was checked in
      if (error instanceof PackError) error.message = error.message.replace(root, source);
      throw error;
    });
    const id = verified.manifest.id;
    if (options.builtInIds.has(id))
      throw new PackInstallError('pack-exists', `"${id}" is the id of a pack that ships with the studio.`);
    const target = path.join(packsDir, id);
    const existing = await findInstalledPack(packsDir, id);
    if (existing && !options.replace)
      throw new PackInstallError(
        'pack-exists',
        `A pack "${id}" is installed already (${existing}).`,
        'Remove it first, or install with replace.',
      );
    const aside = existing ? hiddenPackPath(packsDir, 'removing') : undefined;
    if (existing && aside) await rename(existing, aside);
    try {
      await rename(root, target);
    } catch (error) {
      if (existing && aside) await rename(aside, existing);
      throw error;
    }
    if (aside) await rm(aside, { recursive: true, force: true });
    return await verifiedInfo(target, id);
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** Older than this, an `.installing-`/`.removing-` folder is a killed install's, not a running one's. */
export const STALE_LEFTOVER_MS = 24 * 3600 * 1000;

/** Removes what installs and removals killed mid-way left behind (hidden, but taking disk space). */
export async function removeStaleLeftovers(packsDir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(packsDir).catch(() => [] as string[])) {
    if (!name.startsWith('.installing-') && !name.startsWith('.removing-')) continue;
    const dir = path.join(packsDir, name);
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory() || now - info.mtimeMs < STALE_LEFTOVER_MS) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** The pack's listing after install: it was just verified in full (its folder moved, files unchanged). */
async function verifiedInfo(dir: string, id: string): Promise<PackInfo> {
  const listed = await describePack(dir, id);
  if (!listed) throw new Error(`${dir} vanished right after it was installed`);
  await rememberVerified(dir);
  return { ...listed, sha256Verified: true };
}

/** The unpacked folder itself, or its one subfolder when the zip held the pack folder rather than its files. */
async function packRoot(content: string): Promise<string> {
  const items = await readdir(content, { withFileTypes: true });
  if (items.some((i) => i.name === MANIFEST_FILE)) return content;
  const [only] = items;
  if (items.length === 1 && only?.isDirectory()) return path.join(content, only.name);
  return content; // verifyPack says there is no manifest
}
