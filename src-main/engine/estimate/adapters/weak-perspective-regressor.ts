/**
 * The flow DECA and RingNet share: a square crop around the face → one ONNX run → FLAME parameters
 * (shape, exp, pose = global 3 + jaw 3, cam = s, tx, ty) → the canonical FLAME mesh and a pinhole
 * camera equivalent to the network's weak-perspective one. What differs between the two (tensor
 * name and layout, pixel range, crop size, FLAME → image axes) is data in a `WeakPerspectiveRegressor`.
 */
import * as ort from 'onnxruntime-node';
import { throwIfCancelled } from '../../stage-error';
import type { Estimator, EstimatorInput, EstimatorOutput } from '../estimator';
import { scaleValues, toNchw, type SquareCrop } from './crop-sampler';
import { loadEstimatorPack } from './estimator-pack';
import { canonicalFlame, flameEstimatorOutput, weakPerspectiveProjection } from './flame-result';
import { splitParams, type ParamLayout } from './param-layout';

export interface WeakPerspectiveRegressor {
  id: 'deca' | 'ringnet';
  /** The network's one input: a square RGB image of `size` pixels, values `x·mul + add` (x in 0–255). */
  input: { name: string; layout: 'NCHW' | 'NHWC'; size: number; mul: number; add: number };
  /** The network's one output, `parameters` (1 × Σ sizes); must hold shape, exp, pose and cam. */
  layout: ParamLayout;
  /** Crop side / face size; with `cropScaleFromPack` the pack's `preprocess.cropScale` wins. */
  cropScale: number;
  cropScaleFromPack: boolean;
  /**
   * The network's input crop as the official preprocessing makes it (./official-crops): where the
   * square lies in the photo, and its pixels (HWC, 0–255).
   */
  crop(input: EstimatorInput, size: number, cropScale: number): { crop: SquareCrop; hwc: Float32Array };
  /** Whether FLAME's y and z flip into image axes after the rotation, unless the pack's `camera` says. */
  flipYZ: boolean;
  baseConfidence: number;
}

export async function createWeakPerspectiveEstimator(
  spec: WeakPerspectiveRegressor,
  packsDir: string,
  signal?: AbortSignal,
): Promise<Estimator> {
  const { name, layout, size } = spec.input;
  const inputShape = layout === 'NCHW' ? [1, 3, size, size] : [1, size, size, 3];
  const paramCount = spec.layout.reduce((sum, p) => sum + p.size, 0);
  const loaded = await loadEstimatorPack(
    packsDir,
    spec.id,
    {
      inputs: [{ name, shape: inputShape }],
      outputs: [{ name: 'parameters', shape: [1, paramCount], layout: spec.layout }],
    },
    signal,
  );
  const { session, flame } = loaded;
  const flipYZ = loaded.pack.manifest.camera?.flipYZ ?? spec.flipYZ;
  const cropScale = spec.cropScaleFromPack
    ? Number(loaded.pack.manifest.preprocess?.cropScale ?? spec.cropScale) || spec.cropScale
    : spec.cropScale;
  return {
    id: spec.id,
    async estimate(input: EstimatorInput, sig?: AbortSignal): Promise<EstimatorOutput> {
      throwIfCancelled(sig);
      const { crop, pixels } = regressorInput(spec, input, cropScale);
      const result = await session.run({ [name]: new ort.Tensor('float32', pixels, inputShape) });
      throwIfCancelled(sig);
      const p = splitParams(result.parameters!.data as Float32Array, spec.layout);
      const pose = p.pose!;
      const cam = p.cam!;
      const canon = canonicalFlame(flame, { shape: p.shape!, expression: p.exp!, jaw: pose.subarray(3, 6) });
      const identity = canonicalFlame(flame, { shape: p.shape! });
      const proj = weakPerspectiveProjection({
        s: cam[0]!,
        tx: cam[1]!,
        ty: cam[2]!,
        flipYZ,
        globalRot: pose.subarray(0, 3),
        centre: canon.centre,
        root: canon.root,
        crop,
      });
      return flameEstimatorOutput({
        estimatorId: spec.id,
        flame,
        vertices: canon.vertices,
        centre: canon.centre,
        proj,
        photo: input.photo,
        baseConfidence: spec.baseConfidence,
        params: { shape: p.shape!, exp: p.exp!, pose, cam },
        identityVertices: identity.vertices,
        intrinsics: input.camera,
      });
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}

/** The network's input tensor for `input`: the official crop, sampled, then scaled to its range. */
export function regressorInput(
  spec: WeakPerspectiveRegressor,
  input: EstimatorInput,
  cropScale = spec.cropScale,
): { crop: SquareCrop; hwc: Float32Array; pixels: Float32Array } {
  const { layout, size, mul, add } = spec.input;
  const { crop, hwc } = spec.crop(input, size, cropScale);
  const pixels = layout === 'NCHW' ? toNchw(hwc, size, size, mul, add) : scaleValues(hwc, mul, add);
  return { crop, hwc, pixels };
}
