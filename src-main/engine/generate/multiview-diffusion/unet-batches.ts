/**
 * How the UNet's batches are laid out (docs/multiview-diffusion.md, "Batches of the UNet"): a unit is
 * one group of K views plus, with `inputElement`, the input element as element K; the conditional and
 * the unconditional half of classifier-free guidance are just more units. A batch is a run of whole
 * units, as many as memory allows.
 */
export type Half = 'cond' | 'uncond';

export interface BatchUnit {
  /** View indices of the unit's elements 0…K−1. */
  views: readonly number[];
  half: Half;
}

export interface UnitLayout {
  units: BatchUnit[];
  /** Elements per unit: K (+1 with the input element). */
  elementsPerUnit: number;
  inputElement: boolean;
}

/** Units of one step: every group conditional, then (with guidance) every group unconditional. */
export function unitLayout(
  groups: readonly (readonly number[])[],
  inputElement: boolean,
  guided: boolean,
): UnitLayout {
  const unitGroups = inputElement ? groups : groups.flat().map((v) => [v]);
  const halves: Half[] = guided ? ['cond', 'uncond'] : ['cond'];
  const units = halves.flatMap((half) => unitGroups.map((views) => ({ views, half })));
  return { units, elementsPerUnit: unitGroups[0]!.length + (inputElement ? 1 : 0), inputElement };
}

/** Consecutive runs of at most `unitsPerBatch` units. */
export function batchesOf(layout: UnitLayout, unitsPerBatch: number): BatchUnit[][] {
  const n = Math.max(1, Math.floor(unitsPerBatch));
  const out: BatchUnit[][] = [];
  for (let i = 0; i < layout.units.length; i += n) out.push(layout.units.slice(i, i + n));
  return out;
}

/** Per-view tensors of a step, flat, view-major (row v = view v). */
export interface StepTensors {
  /** Current latents x_t, V × latentSize. */
  x: Float32Array;
  /** The input view's latent, latentSize. */
  inputLatent: Float32Array;
  /** Condition rows, (V+1) × contextSize; row V is the input element's. */
  context: Float32Array;
  contextSize: number;
  /** frustum_i per view, V × frustumSizes[i]. */
  frustums: Float32Array[];
  frustumSizes: number[];
  latentSize: number;
  views: number;
  timestep: number;
}

export interface UnetFeedArrays {
  batch: number;
  x_t: Float32Array;
  concat: Float32Array;
  timestep: Float32Array;
  context: Float32Array;
  frustums: Float32Array[];
}

/**
 * The UNet's inputs for a batch of units. Conditional views: their x_t, the input latent as concat,
 * their context row and frustums. The input element: x_t = concat = the input latent, the input's
 * context row, frustums 0. The unconditional half: concat, context and frustums 0, and its input
 * element's x_t 0 too. Every element gets the step's timestep.
 */
export function assembleUnetFeeds(
  units: readonly BatchUnit[],
  layout: UnitLayout,
  s: StepTensors,
): UnetFeedArrays {
  const batch = units.length * layout.elementsPerUnit;
  const L = s.latentSize;
  const C = s.contextSize;
  const feeds: UnetFeedArrays = {
    batch,
    x_t: new Float32Array(batch * L),
    concat: new Float32Array(batch * L),
    timestep: new Float32Array(batch).fill(s.timestep),
    context: new Float32Array(batch * C),
    frustums: s.frustumSizes.map((n) => new Float32Array(batch * n)),
  };
  let b = 0;
  for (const unit of units) {
    const cond = unit.half === 'cond';
    for (const v of unit.views) {
      feeds.x_t.set(s.x.subarray(v * L, (v + 1) * L), b * L);
      if (cond) {
        feeds.concat.set(s.inputLatent, b * L);
        feeds.context.set(s.context.subarray(v * C, (v + 1) * C), b * C);
        s.frustums.forEach((f, i) => {
          const n = s.frustumSizes[i]!;
          feeds.frustums[i]!.set(f.subarray(v * n, (v + 1) * n), b * n);
        });
      }
      b++;
    }
    if (layout.inputElement) {
      if (cond) {
        feeds.x_t.set(s.inputLatent, b * L);
        feeds.concat.set(s.inputLatent, b * L);
        feeds.context.set(s.context.subarray(s.views * C, (s.views + 1) * C), b * C);
      }
      b++;
    }
  }
  return feeds;
}

/** Copies a batch's ε rows of the views (input elements skipped) into the per-half V × L arrays. */
export function scatterEps(
  units: readonly BatchUnit[],
  layout: UnitLayout,
  eps: Float32Array,
  latentSize: number,
  out: Record<Half, Float32Array>,
): void {
  let b = 0;
  for (const unit of units) {
    for (const v of unit.views) {
      out[unit.half].set(eps.subarray(b * latentSize, (b + 1) * latentSize), v * latentSize);
      b++;
    }
    if (layout.inputElement) b++;
  }
}
