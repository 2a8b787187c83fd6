/**
 * The engine's answers to the model manager's requests: the listing with sha256 verification, and
 * install / remove as `packResult` events (an error in the event, never a thrown one).
 */
import type { EngineEvent, ErrorInfo, PackInfo } from '../../shared/protocol';
import { installPack } from '../packs/install-pack';
import { removePack } from '../packs/remove-pack';
import { withVerification } from '../packs/verified-packs';
import { StageError } from '../stage-error';
import { listPacks } from './list-packs';
import { embeddedPacksDir, packsDir } from './packs-dir';

/** Every pack with sizes and whether its sha256s are verified. */
export async function listVerifiedPacks(): Promise<PackInfo[]> {
  return withVerification(await listPacks(packsDir(), embeddedPacksDir()));
}

/** Ids of the packs that ship with the app (built into the code or in resources/packs/). */
async function builtInIds(): Promise<Set<string>> {
  const packs = await listPacks(packsDir(), embeddedPacksDir());
  return new Set(packs.filter((p) => p.builtIn).map((p) => p.id));
}

const errorInfo = (error: unknown): ErrorInfo =>
  error instanceof StageError ? error.toInfo() : { code: 'pack-install-failed', message: String(error) };

export async function answerInstallPack(
  requestId: string,
  source: string,
  replace: boolean,
): Promise<EngineEvent> {
  try {
    const pack = await installPack({ packsDir: packsDir(), source, replace, builtInIds: await builtInIds() });
    return { type: 'packResult', requestId, action: 'install', pack };
  } catch (error) {
    return { type: 'packResult', requestId, action: 'install', error: errorInfo(error) };
  }
}

export async function answerRemovePack(requestId: string, id: string): Promise<EngineEvent> {
  try {
    const pack = await removePack(packsDir(), id, await builtInIds());
    return { type: 'packResult', requestId, action: 'remove', pack };
  } catch (error) {
    return { type: 'packResult', requestId, action: 'remove', error: errorInfo(error) };
  }
}
