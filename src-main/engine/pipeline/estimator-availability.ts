/**
 * Which estimators can run here, asked before a run rather than learned from a failed one: the
 * built-in always; a pack-based one when its pack is found and passes the quick check (manifest
 * valid, an estimate pack for this estimator, every file present at its size). The full sha256
 * check still runs when the pack loads, so a pack listed here can still fail its switch.
 */
import { basename, join } from 'node:path';
import type { EstimatorAvailability, EstimatorId } from '../../shared/protocol';
import { findEstimatorPack, installHint } from '../estimate/adapters/estimator-pack';
import { StageError } from '../stage-error';
import { describePack } from './list-packs';

const PACK_BASED = ['ringnet', 'deca', 'mica'] as const satisfies readonly EstimatorId[];

export async function listEstimators(packsDir: string): Promise<EstimatorAvailability[]> {
  const builtin: EstimatorAvailability = { id: 'builtin', available: true, packId: 'builtin-head-model' };
  return [builtin, ...(await Promise.all(PACK_BASED.map((id) => packEstimator(packsDir, id))))];
}

async function packEstimator(
  packsDir: string,
  id: (typeof PACK_BASED)[number],
): Promise<EstimatorAvailability> {
  let dir: string;
  try {
    dir = await findEstimatorPack(packsDir, id);
  } catch (error) {
    if (!(error instanceof StageError)) throw error;
    return { id, available: false, packId: id, packDir: join(packsDir, id), ...problemOf(error) };
  }
  const info = await describePack(dir, basename(dir));
  const unusable = (problem: string): EstimatorAvailability => ({
    id,
    available: false,
    packId: info?.id ?? basename(dir),
    packDir: dir,
    problem: `the ${id} pack in ${dir} cannot be used: ${problem}`,
    hint: `Copy or convert the pack again. ${installHint(packsDir, id)}`,
  });
  if (!info) return unusable('it is not a folder');
  if (!info.ok) return unusable(info.problem ?? 'it failed its check');
  if (info.kind !== 'estimate') return unusable(`it is a ${info.kind} pack, not an estimate pack`);
  return { id, available: true, packId: info.id, packDir: dir };
}

function problemOf(error: StageError): { problem: string; hint?: string } {
  return error.hint ? { problem: error.message, hint: error.hint } : { problem: error.message };
}
