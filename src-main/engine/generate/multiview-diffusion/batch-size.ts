/**
 * How many UNet units (a group's elements, one guidance half) one ONNX Runtime run takes, per provider:
 * sized by memory on the CPU, by the largest single buffer on WebGPU.
 */
import os from 'node:os';
import type { DiffusionPack } from './diffusion-pack';

/** What the sizes depend on: the UNet's input shapes and its attention levels (from the manifest). */
export interface BatchSizing {
  unetInputShapes: readonly (readonly number[])[];
  attention: readonly { resolution: number; heads: number }[];
  elementsPerUnit: number;
}

export function batchSizing(dp: DiffusionPack, elementsPerUnit: number): BatchSizing {
  return {
    unetInputShapes: dp.pack.manifest.networks.unet!.inputs.map((t) => t.shape),
    attention: dp.spec.attention,
    elementsPerUnit,
  };
}

/** The largest attention score matrix of one unit (heads × tokens², float32). */
export function scoreMatrixBytes(s: BatchSizing): number {
  // elementsPerUnit is 1 without an input element: then attention spans one view.
  return s.attention.reduce(
    (most, l) => Math.max(most, l.heads * (s.elementsPerUnit * l.resolution ** 2) ** 2 * 4),
    0,
  );
}

/**
 * Units per batch that fit half the free memory on the CPU: each element's UNet inputs × 32 for the
 * activations, plus per unit the largest attention matrix (tokens = the unit's elements × the level's
 * latent pixels, as multi-view attention spans a whole group). A coarse start; out-of-memory errors
 * halve it.
 */
export function unitsForMemory(s: BatchSizing, freeBytes: number): number {
  const perElement = s.unetInputShapes.reduce(
    (sum, shape) => sum + shape.slice(1).reduce((a, d) => a * Math.max(d, 1), 1) * 4,
    0,
  );
  const perUnit = perElement * 32 * s.elementsPerUnit + 2 * scoreMatrixBytes(s); // scores, softmax
  return Math.max(1, Math.floor((freeBytes * 0.5) / perUnit));
}

/**
 * WebGPU allocates each tensor as one buffer, and a buffer has a size limit well below the card's
 * memory: on an H200 a full-size batch of 8 units (6.7 GB of attention scores) failed with
 * VK_ERROR_OUT_OF_DEVICE_MEMORY and ONNX Runtime then never returned, so halving on OOM cannot help
 * there; 2 units (1.7 GB) ran. A batch's score matrix stays under 2 GiB.
 */
export const WEBGPU_ATTENTION_BYTES = 2 ** 31;

export function unitsForBufferLimit(s: BatchSizing, limitBytes: number): number {
  return Math.max(1, Math.floor(limitBytes / scoreMatrixBytes(s)));
}

/** Units per batch on `provider`, at most `all`. CUDA and DirectML report no free memory: every
 *  unit, halved on out-of-memory errors (the sampler). */
export function unitsPerBatchFor(s: BatchSizing, provider: string, all: number): number {
  if (provider === 'cpu') return Math.min(all, unitsForMemory(s, os.freemem()));
  if (provider === 'webgpu') return Math.min(all, unitsForBufferLimit(s, WEBGPU_ATTENTION_BYTES));
  return all;
}
