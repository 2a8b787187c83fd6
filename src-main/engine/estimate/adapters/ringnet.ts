/**
 * RingNet (Sanyal et al. 2019) as an Estimator. The pack's ONNX mirrors the official TF graph:
 * input_images (1, 224, 224, 3) NHWC RGB 2·(x/255 − 0.5) as its demo.py, a loose square crop of the face
 * resized the demo's way (./official-crops) → parameters
 * (1, 159) = cam 3 (s, tx, ty) + pose 6 (global + jaw) + shape 100 + expression 50, after three
 * iterative-feedback steps. As in HMR, the global rotation already carries FLAME into the image axes
 * (the pack's `camera.flipYZ` says otherwise if a conversion needs it).
 */
import type { Estimator } from '../estimator';
import { ringnetInputCrop } from './official-crops';
import type { ParamLayout } from './param-layout';
import { createWeakPerspectiveEstimator, type WeakPerspectiveRegressor } from './weak-perspective-regressor';

export const RINGNET_INPUT_SIZE = 224;
/**
 * RingNet wants a loose crop (its demo feeds the whole portrait). Measured on the demo's own inputs
 * (RingNet input_images/000001.jpg and 000013.jpg, 178×218, which the demo squares to 218): the
 * square is 1.59 and 1.41 × our detector's face box (mean side), and the box's centre lies 0.16 ×
 * its size below the square's centre in both. So: 1.5 × the box, the face 0.16 × the box low.
 */
export const RINGNET_CROP_SCALE = 1.5;
export const RINGNET_LAYOUT: ParamLayout = [
  { name: 'cam', size: 3 },
  { name: 'pose', size: 6 },
  { name: 'shape', size: 100 },
  { name: 'exp', size: 50 },
];

export const RINGNET_REGRESSOR: WeakPerspectiveRegressor = {
  id: 'ringnet',
  input: { name: 'input_images', layout: 'NHWC', size: RINGNET_INPUT_SIZE, mul: 2 / 255, add: -1 },
  layout: RINGNET_LAYOUT,
  cropScale: RINGNET_CROP_SCALE,
  cropScaleFromPack: true,
  crop: (input, size, scale) => ringnetInputCrop(input.photo, input.cropBox, size, scale),
  flipYZ: false,
  baseConfidence: 0.7,
};

export function createRingNetEstimator(packsDir: string, signal?: AbortSignal): Promise<Estimator> {
  return createWeakPerspectiveEstimator(RINGNET_REGRESSOR, packsDir, signal);
}
