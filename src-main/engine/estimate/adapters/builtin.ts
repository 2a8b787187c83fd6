/**
 * The built-in estimator (landmark fit of the studio's own head model, ../builtin/fit-head-model)
 * behind the Estimator interface. It needs the 468 MediaPipe landmarks with their depth.
 */
import { loadHeadModel, type HeadModel } from '../../geometry/head-model';
import { StageError, throwIfCancelled } from '../../stage-error';
import { fitHeadModel } from '../builtin/fit-head-model';
import type { Estimator, EstimatorInput, EstimatorOutput } from '../estimator';

export async function createBuiltinEstimator(headModelDir?: string): Promise<Estimator> {
  const model: HeadModel = await loadHeadModel(headModelDir);
  return {
    id: 'builtin',
    async estimate(input: EstimatorInput, signal?: AbortSignal): Promise<EstimatorOutput> {
      throwIfCancelled(signal);
      const lmk = input.landmarks;
      if (!lmk || lmk.layout !== 'mediapipe468' || lmk.dims !== 3 || lmk.points.length < 468 * 3) {
        throw new StageError(
          'no-landmarks',
          'The built-in estimator needs the face mesh landmarks (468 points with depth).',
          'Run face detection first, or pick another estimator.',
        );
      }
      const { photo } = input;
      const mask = input.mask ? { data: input.mask, width: photo.width, height: photo.height } : undefined;
      const fit = fitHeadModel(
        { landmarks: lmk.points, imageWidth: photo.width, imageHeight: photo.height, mask },
        model,
      );
      return {
        mesh: { positions: fit.positions, indices: model.triangles },
        camera: fit.camera,
        landmarks2d: fit.landmarks2d,
        confidence: fit.confidence,
        estimatorId: 'builtin',
        params: { shape: fit.shape, pose: [fit.pose.yaw, fit.pose.pitch, fit.pose.roll] },
      };
    },
    async dispose(): Promise<void> {},
  };
}
