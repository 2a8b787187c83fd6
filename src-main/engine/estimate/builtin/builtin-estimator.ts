/**
 * The built-in estimator behind the shared Estimator interface: the landmark fit of the built-in
 * head model. Needs the 468 MediaPipe landmarks with their depths (dims 3).
 */
import { loadHeadModel, type HeadModel } from '../../geometry/head-model';
import { StageError, throwIfCancelled } from '../../stage-error';
import type { Estimator, EstimatorInput, EstimatorOutput } from '../estimator';
import { fitHeadModel, type FitResult } from './fit-head-model';

/** The fit result of the last call, for callers that need more than the shared output (texture bake). */
export interface BuiltinEstimator extends Estimator {
  readonly model: HeadModel;
  fit(input: EstimatorInput): FitResult;
}

export async function createBuiltinEstimator(headModelDir?: string): Promise<BuiltinEstimator> {
  const model = await loadHeadModel(headModelDir);
  const fit = (input: EstimatorInput): FitResult => {
    const lm = input.landmarks;
    if (!lm || lm.layout !== 'mediapipe468' || lm.dims !== 3) {
      throw new StageError(
        'estimator-input',
        'The built-in estimator needs the 468 face-mesh landmarks with depth.',
      );
    }
    return fitHeadModel(
      {
        landmarks: lm.points,
        imageWidth: input.photo.width,
        imageHeight: input.photo.height,
        ...(input.expression ? { expression: input.expression } : {}),
        ...(input.mask
          ? { mask: { data: input.mask, width: input.photo.width, height: input.photo.height } }
          : {}),
      },
      model,
    );
  };
  return {
    id: 'builtin',
    model,
    fit,
    async estimate(input, signal): Promise<EstimatorOutput> {
      throwIfCancelled(signal);
      return builtinOutput(fit(input), model);
    },
    async dispose() {},
  };
}

export function builtinOutput(result: FitResult, model: HeadModel): EstimatorOutput {
  return {
    mesh: { positions: result.positions, indices: model.triangles },
    camera: result.camera,
    landmarks2d: result.landmarks2d,
    confidence: result.confidence,
    estimatorId: 'builtin',
    params: {
      shape: result.shape,
      pose: [result.pose.yaw, result.pose.pitch, result.pose.roll],
      reprojectionErrorPx: [result.reprojectionError.medianPx],
      reprojectionErrorFraction: [result.reprojectionError.medianFractionOfFaceBox],
    },
  };
}
