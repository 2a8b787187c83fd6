/**
 * The host's side of installing and removing model packs: the engine does the work (it owns pack
 * verification); these send the request and turn its `packResult` into a PackInfo or an Error.
 */
import type { ErrorInfo, PackInfo, StudioEvent } from '../shared/protocol';
import type { EngineHost } from './engine-host';

/** Copying and hashing a full-size pack (several GB) takes minutes on a slow disk. */
const INSTALL_TIMEOUT_MS = 60 * 60_000;
const REMOVE_TIMEOUT_MS = 5 * 60_000;

/** An install or removal the engine refused (nothing changed); carries the engine's code and hint. */
export class PackRequestError extends Error {
  override readonly name = 'PackRequestError';
  constructor(readonly info: ErrorInfo) {
    super(info.hint ? `${info.message} ${info.hint}` : info.message);
  }
}

const engineGone = (event: StudioEvent): string | undefined =>
  event.type === 'engineExited' ? 'the engine stopped before it answered' : undefined;

async function packRequest(
  engine: EngineHost,
  command: { type: 'installPack'; source: string; replace: boolean } | { type: 'removePack'; id: string },
  timeoutMs: number,
): Promise<PackInfo> {
  const answer = await engine.request(
    (requestId) => ({ ...command, requestId }),
    (event) => (event.type === 'packResult' ? event : undefined),
    { timeoutMs, timeoutMessage: 'the engine did not answer in time', failsOn: engineGone },
  );
  if (answer.error) throw new PackRequestError(answer.error);
  if (!answer.pack) throw new Error('the engine answered without the pack');
  return answer.pack;
}

export function installPackVia(engine: EngineHost, source: string, replace = false): Promise<PackInfo> {
  return packRequest(engine, { type: 'installPack', source, replace }, INSTALL_TIMEOUT_MS);
}

export function removePackVia(engine: EngineHost, id: string): Promise<PackInfo> {
  return packRequest(engine, { type: 'removePack', id }, REMOVE_TIMEOUT_MS);
}
