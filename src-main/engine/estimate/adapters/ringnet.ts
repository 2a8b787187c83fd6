/**
 * RingNet (Sanyal et al. 2019) as an Estimator. The pack's ONNX mirrors the official TF graph:
 * input_images (1, 224, 224, 3) NHWC RGB in [-1, 1], a loose square crop of the face → parameters
 * (1, 159) = cam 3 (s, tx, ty) + pose 6 (global + jaw) + shape 100 + expression 50, after three
 * iterative-feedback steps. As in HMR, the global rotation already carries FLAME into the image axes
 * (the pack's `camera.flipYZ` says otherwise if a conversion needs it).
 */
import * as ort from 'onnxruntime-node';
import { throwIfCancelled } from '../../stage-error';
import type { Estimator, EstimatorInput, EstimatorOutput } from '../estimator';
import { faceSquareCrop, sampleSquareCrop, scaleValues } from './crop-sampler';
import { loadEstimatorPack } from './estimator-pack';
import { canonicalFlame, flameEstimatorOutput, weakPerspectiveProjection } from './flame-result';
import { splitParams, type ParamLayout } from './param-layout';

export const RINGNET_INPUT_SIZE = 224;
/** RingNet wants a loose crop (its demo feeds the whole portrait); 1.6× the face box. */
export const RINGNET_CROP_SCALE = 1.6;
export const RINGNET_LAYOUT: ParamLayout = [
  { name: 'cam', size: 3 },
  { name: 'pose', size: 6 },
  { name: 'shape', size: 100 },
  { name: 'exp', size: 50 },
];
const RINGNET_BASE_CONFIDENCE = 0.7;

export async function createRingNetEstimator(packsDir: string, signal?: AbortSignal): Promise<Estimator> {
  const loaded = await loadEstimatorPack(
    packsDir,
    'ringnet',
    {
      inputs: [{ name: 'input_images', shape: [1, RINGNET_INPUT_SIZE, RINGNET_INPUT_SIZE, 3] }],
      outputs: [{ name: 'parameters', shape: [1, 159], layout: RINGNET_LAYOUT }],
    },
    signal,
  );
  const { session, flame } = loaded;
  const flipYZ = loaded.pack.manifest.camera?.flipYZ ?? false;
  const cropScale =
    Number(loaded.pack.manifest.preprocess?.cropScale ?? RINGNET_CROP_SCALE) || RINGNET_CROP_SCALE;
  return {
    id: 'ringnet',
    async estimate(input: EstimatorInput, sig?: AbortSignal): Promise<EstimatorOutput> {
      throwIfCancelled(sig);
      const crop = faceSquareCrop(input.cropBox, cropScale, RINGNET_INPUT_SIZE, input.landmarks);
      const pixels = scaleValues(sampleSquareCrop(input.photo, crop), 2 / 255, -1);
      const images = new ort.Tensor('float32', pixels, [1, RINGNET_INPUT_SIZE, RINGNET_INPUT_SIZE, 3]);
      const result = await session.run({ input_images: images });
      throwIfCancelled(sig);
      const p = splitParams(result.parameters!.data as Float32Array, RINGNET_LAYOUT);
      const pose = p.pose!;
      const cam = p.cam!;
      const canon = canonicalFlame(flame, { shape: p.shape!, expression: p.exp!, jaw: pose.subarray(3, 6) });
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
        estimatorId: 'ringnet',
        flame,
        vertices: canon.vertices,
        centre: canon.centre,
        proj,
        photo: input.photo,
        baseConfidence: RINGNET_BASE_CONFIDENCE,
        params: { shape: p.shape!, exp: p.exp!, pose, cam },
      });
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}
