/**
 * Whether the photo shows the hair at all, and a colour for it when it does not. A close-up that cuts
 * off the top of the head leaves the hair's outline and colour unknown: fitting a style to the few
 * "hair" pixels at the frame's edge (background) gave kpa_jesper_tilt.jpg a skin-pink crop.
 */
import type { PinholeCamera } from '../../geometry/camera';
import { projectPoint } from '../../geometry/camera';
import type { HeadModel } from '../../geometry/head-model';

/** Share 0..1 of the head model's scalp (hair weight ≥ ½) that projects inside the photo. */
export function scalpShareInPhoto(
  model: HeadModel,
  positions: Float32Array,
  camera: PinholeCamera,
  width: number,
  height: number,
): number {
  let scalp = 0,
    inside = 0;
  for (let v = 0; v < model.vertexCount; v++) {
    if (model.hairWeight[v]! < 0.5) continue;
    scalp++;
    const [x, y, z] = projectPoint(camera, positions[v * 3]!, positions[v * 3 + 1]!, positions[v * 3 + 2]!);
    if (z > 0 && x >= 0 && x < width && y >= 0 && y < height) inside++;
  }
  return scalp > 0 ? inside / scalp : 0;
}

/** MediaPipe-468 points along both eyebrows. */
const BROWS = [70, 63, 105, 66, 107, 46, 53, 52, 65, 55, 300, 293, 334, 296, 336, 276, 283, 282, 295, 285];
/** The darkest share of the pixels round the brow points: the brow hairs, not the skin between them. */
const DARKEST = 0.1;

/**
 * The eyebrows' colour (RGB): the darkest 10 % of the pixels within 3 % of the brows' span round each
 * brow point (kpa_jesper.jpg's brown 72, 51, 31; petsc_dinesh.jpg's black 8, 6, 6). Brows are mostly
 * of the hair's hue, if often lighter or darker: the nearest guess the photo offers.
 */
export function eyebrowRgb(
  photo: { data: Uint8Array; width: number; height: number },
  landmarks: ArrayLike<number>,
): [number, number, number] {
  const { data, width, height } = photo;
  const xs = BROWS.map((i) => landmarks[i * 3]!);
  const r = Math.max(1, Math.round(0.03 * (Math.max(...xs) - Math.min(...xs))));
  const pixels: number[] = [];
  for (const i of BROWS) {
    const cx = Math.round(landmarks[i * 3]!),
      cy = Math.round(landmarks[i * 3 + 1]!);
    for (let y = Math.max(0, cy - r); y <= Math.min(height - 1, cy + r); y++)
      for (let x = Math.max(0, cx - r); x <= Math.min(width - 1, cx + r); x++) pixels.push(y * width + x);
  }
  const luma = (p: number) => 0.299 * data[p * 4]! + 0.587 * data[p * 4 + 1]! + 0.114 * data[p * 4 + 2]!;
  pixels.sort((a, b) => luma(a) - luma(b));
  const dark = pixels.slice(0, Math.max(1, Math.round(pixels.length * DARKEST)));
  const rgb: [number, number, number] = [0, 0, 0];
  for (const p of dark) for (let k = 0; k < 3; k++) rgb[k] = rgb[k]! + data[p * 4 + k]! / dark.length;
  return rgb;
}
