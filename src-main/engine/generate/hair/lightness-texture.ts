/**
 * Local texture of the photo's lightness: how much L* varies around each pixel. In a black-and-white
 * photo grey hair and skin share a colour, but hair is strands and curls while skin is smooth, so
 * texture is what tells them apart (segment-hair.ts).
 */
import { boxBlur } from '../prior-projection/synthesise-skin';

/** Standard deviation of L* in a (2r+1)² window, then averaged over a wider one, so hair reads as an area. */
export function lightnessTexture(lab: Float32Array, width: number, height: number, r = 2): Float32Array {
  const n = width * height;
  const l = new Float32Array(n);
  const l2 = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    l[p] = lab[p * 3]!;
    l2[p] = l[p]! * l[p]!;
  }
  const mean = boxBlur(l, width, height, 1, r);
  const meanSq = boxBlur(l2, width, height, 1, r);
  const sd = new Float32Array(n);
  for (let p = 0; p < n; p++) sd[p] = Math.sqrt(Math.max(0, meanSq[p]! - mean[p]! * mean[p]!));
  return boxBlur(sd, width, height, 1, r + 1);
}
