/**
 * Which pack folders this engine has verified in full (every sha256), remembered with the size and
 * modification time of the manifest and every listed file: a changed file makes it unverified again.
 * The listing verifies packs up to LIST_VERIFY_LIMIT bytes itself (once, then from memory); larger
 * ones show as verified only after this engine installed them (they are still verified when loaded).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { PackInfo } from '../../shared/protocol';
import { MANIFEST_FILE, PackManifest } from './pack-manifest';
import { verifyPack } from './verify-pack';

/** Packs up to this size are hashed by the listing itself (a few seconds at most). */
export const LIST_VERIFY_LIMIT = 256 * 2 ** 20;

const verified = new Map<string, string>();

/** Sizes and times of the manifest and its files, or undefined when any is unreadable. */
async function signatureOf(dir: string): Promise<string | undefined> {
  try {
    const manifestPath = path.join(dir, MANIFEST_FILE);
    const manifest = PackManifest.parse(JSON.parse(await readFile(manifestPath, 'utf8')));
    const paths = [MANIFEST_FILE, ...manifest.files.map((f) => f.path)];
    const stats = await Promise.all(paths.map((p) => stat(path.join(dir, ...p.split('/')))));
    return JSON.stringify(stats.map((s, i) => [paths[i], s.size, s.mtimeMs]));
  } catch {
    return undefined;
  }
}

export async function rememberVerified(dir: string): Promise<void> {
  const signature = await signatureOf(dir);
  if (signature) verified.set(path.resolve(dir), signature);
}

async function isRememberedVerified(dir: string): Promise<boolean> {
  const remembered = verified.get(path.resolve(dir));
  return remembered !== undefined && remembered === (await signatureOf(dir));
}

/**
 * The listing with `sha256Verified` filled in: packs whose quick check passed are verified in full
 * when small enough (a failure makes them not ok, with the verifier's reason), else from memory.
 */
export async function withVerification(packs: PackInfo[]): Promise<PackInfo[]> {
  const out: PackInfo[] = [];
  for (const pack of packs) {
    if (!pack.dir || !pack.ok) {
      out.push(pack.dir ? { ...pack, sha256Verified: false } : pack);
      continue;
    }
    if (await isRememberedVerified(pack.dir)) {
      out.push({ ...pack, sha256Verified: true });
      continue;
    }
    if ((pack.sizeBytes ?? 0) > LIST_VERIFY_LIMIT) {
      out.push({ ...pack, sha256Verified: false });
      continue;
    }
    try {
      await verifyPack(pack.dir);
      await rememberVerified(pack.dir);
      out.push({ ...pack, sha256Verified: true });
    } catch (error) {
      out.push({ ...pack, ok: false, sha256Verified: false, problem: (error as Error).message });
    }
  }
  return out;
}
