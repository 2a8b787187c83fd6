/**
 * DECA (Feng et al. 2021) coarse encoder as an Estimator. The pack's ONNX is `E_flame`:
 * images (1, 3, 224, 224) RGB 0–1, a square crop of 1.25× the face → parameters (1, 236) =
 * shape 100, tex 50, exp 50, pose 6 (global + jaw), cam 3 (s, tx, ty), light 27.
 * DECA projects orthographically and flips y and z afterwards (FLAME → image axes).
 */
import * as ort from 'onnxruntime-node';
import { throwIfCancelled } from '../../stage-error';
import type { Estimator, EstimatorInput, EstimatorOutput } from '../estimator';
import { faceSquareCrop, sampleSquareCrop, toNchw } from './crop-sampler';
import { loadEstimatorPack } from './estimator-pack';
import { canonicalFlame, flameEstimatorOutput, weakPerspectiveProjection } from './flame-result';
import { splitParams, type ParamLayout } from './param-layout';

export const DECA_INPUT_SIZE = 224;
export const DECA_CROP_SCALE = 1.25;
export const DECA_LAYOUT: ParamLayout = [
  { name: 'shape', size: 100 },
  { name: 'tex', size: 50 },
  { name: 'exp', size: 50 },
  { name: 'pose', size: 6 },
  { name: 'cam', size: 3 },
  { name: 'light', size: 27 },
];
const DECA_BASE_CONFIDENCE = 0.8;

export async function createDecaEstimator(packsDir: string, signal?: AbortSignal): Promise<Estimator> {
  const loaded = await loadEstimatorPack(
    packsDir,
    'deca',
    {
      inputs: [{ name: 'images', shape: [1, 3, DECA_INPUT_SIZE, DECA_INPUT_SIZE] }],
      outputs: [{ name: 'parameters', shape: [1, 236], layout: DECA_LAYOUT }],
    },
    signal,
  );
  const { session, flame } = loaded;
  const flipYZ = loaded.pack.manifest.camera?.flipYZ ?? true;
  return {
    id: 'deca',
    async estimate(input: EstimatorInput, sig?: AbortSignal): Promise<EstimatorOutput> {
      throwIfCancelled(sig);
      const crop = faceSquareCrop(input.cropBox, DECA_CROP_SCALE, DECA_INPUT_SIZE, input.landmarks);
      const pixels = toNchw(
        sampleSquareCrop(input.photo, crop),
        DECA_INPUT_SIZE,
        DECA_INPUT_SIZE,
        1 / 255,
        0,
      );
      const images = new ort.Tensor('float32', pixels, [1, 3, DECA_INPUT_SIZE, DECA_INPUT_SIZE]);
      const result = await session.run({ images });
      throwIfCancelled(sig);
      const p = splitParams(result.parameters!.data as Float32Array, DECA_LAYOUT);
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
        estimatorId: 'deca',
        flame,
        vertices: canon.vertices,
        centre: canon.centre,
        proj,
        photo: input.photo,
        baseConfidence: DECA_BASE_CONFIDENCE,
        params: { shape: p.shape!, exp: p.exp!, pose, cam },
      });
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}
