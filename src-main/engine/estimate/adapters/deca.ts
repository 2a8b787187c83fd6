/**
 * DECA (Feng et al. 2021) coarse encoder as an Estimator. The pack's ONNX is `E_flame`:
 * images (1, 3, 224, 224) RGB 0–1, DECA's own square crop (./official-crops: 1.25× the 68-landmark
 * extent ×1.1, or of the detector box moved down by 0.12× its size) → parameters (1, 236) =
 * shape 100, tex 50, exp 50, pose 6 (global + jaw), cam 3 (s, tx, ty), light 27.
 * DECA projects orthographically and flips y and z afterwards (FLAME → image axes).
 */
import type { Estimator } from '../estimator';
import { decaInputCrop, DECA_SCALE } from './official-crops';
import type { ParamLayout } from './param-layout';
import { createWeakPerspectiveEstimator, type WeakPerspectiveRegressor } from './weak-perspective-regressor';

export const DECA_INPUT_SIZE = 224;
export const DECA_CROP_SCALE = DECA_SCALE;
export const DECA_LAYOUT: ParamLayout = [
  { name: 'shape', size: 100 },
  { name: 'tex', size: 50 },
  { name: 'exp', size: 50 },
  { name: 'pose', size: 6 },
  { name: 'cam', size: 3 },
  { name: 'light', size: 27 },
];

export const DECA_REGRESSOR: WeakPerspectiveRegressor = {
  id: 'deca',
  input: { name: 'images', layout: 'NCHW', size: DECA_INPUT_SIZE, mul: 1 / 255, add: 0 },
  layout: DECA_LAYOUT,
  cropScale: DECA_CROP_SCALE,
  cropScaleFromPack: false,
  crop: (input, size, scale) => decaInputCrop(input.photo, input.cropBox, size, input.landmarks, scale),
  flipYZ: true,
  baseConfidence: 0.8,
};

export function createDecaEstimator(packsDir: string, signal?: AbortSignal): Promise<Estimator> {
  return createWeakPerspectiveEstimator(DECA_REGRESSOR, packsDir, signal);
}
