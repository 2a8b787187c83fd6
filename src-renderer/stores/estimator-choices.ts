/**
 * The estimator picker's entries: every estimator, selectable only when the engine says it can run,
 * otherwise disabled with the pack it lacks and how to add it. Pure, so it is easy to follow.
 */
import { EstimatorId, type EstimatorAvailability } from '../../src-main/shared/protocol';

export const ESTIMATOR_LABELS: Record<EstimatorId, string> = {
  builtin: 'Built-in',
  ringnet: 'RingNet',
  deca: 'DECA',
  mica: 'MICA',
};

export interface EstimatorChoice {
  id: EstimatorId;
  label: string;
  available: boolean;
  /** Why it cannot be chosen and how to make it available (unavailable only). */
  note?: string;
}

/** Before the engine has answered, only the built-in (it needs no pack) can be chosen. */
export function estimatorChoices(listed: readonly EstimatorAvailability[]): EstimatorChoice[] {
  return EstimatorId.options.map((id) => {
    const label = ESTIMATOR_LABELS[id];
    const found = listed.find((e) => e.id === id);
    if (!found)
      return id === 'builtin'
        ? { id, label, available: true }
        : { id, label, available: false, note: `${label}: checking its model pack…` };
    if (found.available) return { id, label, available: true };
    const where = found.packDir ? ` (${found.packDir})` : '';
    const why = [found.problem, found.hint].filter(Boolean).join(' ');
    return {
      id,
      label,
      available: false,
      note: `${label} needs the model pack "${found.packId}"${where}. ${why}`.trim(),
    };
  });
}
