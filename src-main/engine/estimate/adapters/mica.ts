/**
 * MICA (Zielinski et al. 2022) as an Estimator. The pack's ONNX is ArcFace (iResNet-100) + MICA's
 * mapping network: arcface (1, 3, 112, 112), the photo aligned to ArcFace's 5-point template, RGB
 * (x − 127.5)/127.5 → shape_code (1, 300), identity (1, 512). MICA gives identity only: the
 * expression is neutral and the camera comes from an orthographic fit of FLAME's landmarks to the
 * photo's: MediaPipe face-mesh points through FLAME's MediaPipe embedding, or iBUG 68 points through
 * the 68-point embedding, when the pack has it; else a frontal view fitted to the face box.
 */
import * as ort from 'onnxruntime-node';
import { throwIfCancelled } from '../../stage-error';
import type { Estimator, EstimatorInput, EstimatorLandmarks, EstimatorOutput } from '../estimator';
import type { FlameLayer } from '../flame/flame-layer';
import { toNchw } from './crop-sampler';
import { loadEstimatorPack } from './estimator-pack';
import { fitOrthographicPose, frontalProjection } from './face-alignment';
import { canonicalFlame, flameEstimatorOutput } from './flame-result';
import { ARCFACE_TEMPLATE_112, micaAlignedFace } from './official-crops';

export { ARCFACE_TEMPLATE_112 };

export const MICA_INPUT_SIZE = 112;
export async function createMicaEstimator(packsDir: string, signal?: AbortSignal): Promise<Estimator> {
  const { session, flame, pack } = await loadEstimatorPack(
    packsDir,
    'mica',
    {
      inputs: [{ name: 'arcface', shape: [1, 3, MICA_INPUT_SIZE, MICA_INPUT_SIZE] }],
      outputs: [
        { name: 'shape_code', shape: [1, 300] },
        { name: 'identity', shape: [1, 512] },
      ],
    },
    signal,
  );
  const fullLandmarks = pack.manifest.flame?.landmarks === 'full-68';
  return {
    id: 'mica',
    async estimate(input: EstimatorInput, sig?: AbortSignal): Promise<EstimatorOutput> {
      throwIfCancelled(sig);
      const pixels = micaInput(input).pixels;
      const arcface = new ort.Tensor('float32', pixels, [1, 3, MICA_INPUT_SIZE, MICA_INPUT_SIZE]);
      const result = await session.run({ arcface });
      throwIfCancelled(sig);
      const shape = result.shape_code!.data as Float32Array;
      if (!shape.every(Number.isFinite))
        throw new Error('mica: the network produced non-finite shape parameters');
      const canon = canonicalFlame(flame, { shape });
      const centred = new Float32Array(canon.vertices.length);
      for (let i = 0; i < centred.length; i++) centred[i] = canon.vertices[i]! - canon.centre[i % 3]!;

      const pairs = landmarkPairs(flame, centred, input.landmarks, fullLandmarks);
      const canFit = pairs !== undefined;
      const proj = pairs
        ? fitOrthographicPose(pairs.model, pairs.image, 2)
        : frontalProjection(input.cropBox, meshWidth(centred));
      return flameEstimatorOutput({
        estimatorId: 'mica',
        flame,
        vertices: canon.vertices,
        centre: canon.centre,
        proj,
        photo: input.photo,
        baseConfidence: canFit ? 0.75 : input.landmarks ? 0.5 : 0.4,
        params: { shape },
        intrinsics: input.camera,
      });
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}

/** Matching 3-D FLAME landmarks and 2-D photo landmarks, when the pack's embeddings allow a fit. */
function landmarkPairs(
  flame: FlameLayer,
  centred: Float32Array,
  lmk: EstimatorLandmarks | undefined,
  fullLandmarks: boolean,
): { model: Float32Array; image: Float32Array } | undefined {
  if (!lmk) return undefined;
  const count = lmk.points.length / lmk.dims;
  const pick = (indices: ArrayLike<number>): Float32Array => {
    const out = new Float32Array(indices.length * 2);
    for (let i = 0; i < indices.length; i++) {
      out[i * 2] = lmk.points[indices[i]! * lmk.dims]!;
      out[i * 2 + 1] = lmk.points[indices[i]! * lmk.dims + 1]!;
    }
    return out;
  };
  const mp = flame.mediapipeIndices;
  if (lmk.layout === 'mediapipe468' && mp.length >= 4 && mp.every((i) => i < count)) {
    return { model: flame.mediapipeLandmarks(centred), image: pick(mp) };
  }
  if (lmk.layout === 'ibug68' && fullLandmarks && count >= 68) {
    return { model: flame.landmarks(centred), image: pick(Array.from({ length: 68 }, (_, i) => i)) };
  }
  return undefined;
}

function meshWidth(positions: Float32Array): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < positions.length; i += 3) {
    lo = Math.min(lo, positions[i]!);
    hi = Math.max(hi, positions[i]!);
  }
  return hi - lo;
}

/** MICA's input: the ArcFace-aligned face (./official-crops), NCHW RGB (x − 127.5) / 127.5. */
export function micaInput(input: EstimatorInput): {
  hwc: Float32Array;
  pixels: Float32Array;
  five: [number, number][];
} {
  const { hwc, five } = micaAlignedFace(input.photo, input.cropBox, input.landmarks);
  return { hwc, five, pixels: toNchw(hwc, MICA_INPUT_SIZE, MICA_INPUT_SIZE, 1 / 127.5, -1) };
}
