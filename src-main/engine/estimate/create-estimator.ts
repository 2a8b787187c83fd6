import type { EstimatorId } from '../../shared/protocol';
import { createBuiltinEstimator } from './builtin/builtin-estimator';
import type { Estimator } from './estimator';

/**
 * Makes the estimator `id`. Pack-based ones look in `packsDir` for a pack folder named after the id
 * (or any pack whose manifest says `"estimator": id`), verify it completely and load it; failures
 * are StageErrors ('pack-not-installed', 'pack-missing-file', 'pack-corrupt', 'pack-mismatch').
 * 'builtin' ignores `packsDir` (its head model ships with the app).
 */
export async function createEstimator(
  id: EstimatorId,
  packsDir: string,
  signal?: AbortSignal,
): Promise<Estimator> {
  switch (id) {
    case 'builtin':
      // the studio's own head model ships with the app; no pack folder is involved
      return createBuiltinEstimator();
    case 'ringnet':
      return (await import('./adapters/ringnet')).createRingNetEstimator(packsDir, signal);
    case 'deca':
      return (await import('./adapters/deca')).createDecaEstimator(packsDir, signal);
    case 'mica':
      return (await import('./adapters/mica')).createMicaEstimator(packsDir, signal);
  }
}
