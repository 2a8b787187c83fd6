/**
 * The model pack format (DESIGN.md): a folder with `manifest.json` and its files. The manifest names
 * every file with its byte size and sha256, each ONNX network's input/output names and shapes, and
 * raw arrays (little-endian, C order) with dtype and shape. Written by training/packs/pack_writer.py.
 */
import { z } from 'zod';
import { CameraRig, checkDiffusionPack, DiffusionSpec } from './diffusion-manifest';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

/** A path inside the pack folder: relative, forward slashes, never escaping it. */
const PackPath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'), {
    message: 'must be a relative path inside the pack folder',
  });

export const PackFile = z
  .object({
    path: PackPath,
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'),
  })
  .strict();
export type PackFile = z.infer<typeof PackFile>;

export const TensorDtype = z.enum(['float32', 'uint32', 'int32']);
export type TensorDtype = z.infer<typeof TensorDtype>;

export const TensorSpec = z
  .object({
    name: z.string().min(1),
    /** Sizes per dimension; -1 = dynamic (any size at run time, e.g. a batch or a vertex count). */
    shape: z
      .array(
        z
          .number()
          .int()
          .refine((d) => d > 0 || d === -1, { message: 'must be positive or -1 (dynamic)' }),
      )
      .min(1),
    dtype: TensorDtype,
    /** Named slices of the last dimension, in order (e.g. DECA's shape 100, tex 50, …). */
    layout: z
      .array(z.object({ name: z.string().min(1), size: z.number().int().positive() }).strict())
      .optional(),
  })
  .strict();
export type TensorSpec = z.infer<typeof TensorSpec>;

export const NetworkSpec = z
  .object({
    file: PackPath,
    inputs: z.array(TensorSpec).min(1),
    outputs: z.array(TensorSpec).min(1),
  })
  .strict();
export type NetworkSpec = z.infer<typeof NetworkSpec>;

export const ArraySpec = z
  .object({
    file: PackPath,
    dtype: TensorDtype,
    shape: z.array(z.number().int().nonnegative()).min(1),
  })
  .strict();
export type ArraySpec = z.infer<typeof ArraySpec>;

export { CameraRig, DiffusionSpec, DIFFUSION_ROLE, DIFFUSION_NETWORKS } from './diffusion-manifest';

export const PackKind = z.enum(['segment', 'estimate', 'generate', 'reconstruct']);

export const PackManifest = z
  .object({
    manifestVersion: z.literal(MANIFEST_VERSION),
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
    kind: PackKind,
    version: z.string().min(1),
    license: z.string().min(1),
    /** Where the pack comes from: a line, or the converter's record (checkpoint, keys mapped…). */
    source: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    /** For estimate packs: which estimator this pack serves (see protocol's EstimatorId). */
    estimator: z.string().optional(),
    /** What this pack is for when it is not a whole estimator (e.g. 'flame-model'). */
    role: z.string().optional(),
    /** Network input resolution in pixels (square). */
    resolution: z.number().int().positive().optional(),
    preprocess: z.record(z.string(), z.unknown()).optional(),
    camera: z
      .object({ model: z.literal('weak-perspective'), flipYZ: z.boolean() })
      .strict()
      .optional(),
    /** Camera rig of multi-view packs (docs/multiview-diffusion.md). */
    rig: CameraRig.optional(),
    /** Sampler, schedule and sizes of a `multiview-diffusion` pack. */
    diffusion: DiffusionSpec.optional(),
    flame: z
      .object({
        nShape: z.number().int().positive(),
        nExpression: z.number().int().nonnegative(),
        landmarks: z.string().nullable(),
      })
      .strict()
      .optional(),
    files: z.array(PackFile).min(1),
    networks: z.record(z.string(), NetworkSpec).default({}),
    arrays: z.record(z.string(), ArraySpec).default({}),
  })
  .strict()
  .superRefine(checkDiffusionPack);
export type PackManifest = z.infer<typeof PackManifest>;

export const DTYPE_BYTES: Record<TensorDtype, number> = { float32: 4, uint32: 4, int32: 4 };

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
