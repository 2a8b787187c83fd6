/**
 * The orthographic pose fit MICA needs, since MICA predicts identity only (its five-point ArcFace
 * alignment is in ./official-crops). The matrix routines are in
 * geometry/linear-algebra.
 */
import { invert3 } from '../../geometry/linear-algebra';
import type { CropBox } from '../estimator';
import { FLIP_YZ, type OrthoProjection } from './flame-result';

/**
 * Orthographic pose from 3-D model landmarks (canonical, centred mesh) to 2-D photo landmarks:
 * least-squares affine 2×3, then the nearest scaled rotation (rows orthonormalised, third = cross).
 */
export function fitOrthographicPose(
  model: Float32Array,
  image: Float32Array,
  imageDims: number,
): OrthoProjection {
  const n = model.length / 3;
  if (n < 4 || image.length / imageDims < n) throw new Error('too few landmarks for a pose fit');
  const mc = [0, 0, 0];
  const ic = [0, 0];
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) mc[a] = mc[a]! + model[i * 3 + a]! / n;
    for (let a = 0; a < 2; a++) ic[a] = ic[a]! + image[i * imageDims + a]! / n;
  }
  // normal equations: M (2×3) = (Σ y xᵀ)(Σ x xᵀ)⁻¹
  const xx = new Array<number>(9).fill(0);
  const yx = new Array<number>(6).fill(0);
  for (let i = 0; i < n; i++) {
    const x = [0, 1, 2].map((a) => model[i * 3 + a]! - mc[a]!);
    const y = [0, 1].map((a) => image[i * imageDims + a]! - ic[a]!);
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) xx[r * 3 + c] = xx[r * 3 + c]! + x[r]! * x[c]!;
    for (let r = 0; r < 2; r++) for (let c = 0; c < 3; c++) yx[r * 3 + c] = yx[r * 3 + c]! + y[r]! * x[c]!;
  }
  const inv = invert3(xx);
  const M = [0, 1].map((r) =>
    [0, 1, 2].map((c) => yx[r * 3]! * inv[c]! + yx[r * 3 + 1]! * inv[3 + c]! + yx[r * 3 + 2]! * inv[6 + c]!),
  );
  const len0 = Math.hypot(...M[0]!);
  const r0 = M[0]!.map((v) => v / len0);
  const d = r0[0]! * M[1]![0]! + r0[1]! * M[1]![1]! + r0[2]! * M[1]![2]!;
  const r1raw = M[1]!.map((v, k) => v - d * r0[k]!);
  const len1raw = Math.hypot(...r1raw);
  const r1 = r1raw.map((v) => v / len1raw);
  const r2 = [
    r0[1]! * r1[2]! - r0[2]! * r1[1]!,
    r0[2]! * r1[0]! - r0[0]! * r1[2]!,
    r0[0]! * r1[1]! - r0[1]! * r1[0]!,
  ];
  const scale = (len0 + Math.hypot(...M[1]!)) / 2;
  const R = [...r0, ...r1, ...r2];
  // the mesh origin lands at image centroid − scale·R·(model centroid)
  const centrePx: [number, number] = [
    ic[0]! - scale * (r0[0]! * mc[0]! + r0[1]! * mc[1]! + r0[2]! * mc[2]!),
    ic[1]! - scale * (r1[0]! * mc[0]! + r1[1]! * mc[1]! + r1[2]! * mc[2]!),
  ];
  return { R, pixelsPerMetre: scale, centrePx };
}

/** A frontal view fitted to the face box, for when no landmarks tie the mesh to the photo. */
export function frontalProjection(box: CropBox, meshWidth: number): OrthoProjection {
  // a face box spans the cheeks, ~0.85 of FLAME's ear-to-ear width
  return {
    R: [...FLIP_YZ],
    pixelsPerMetre: box.width / (0.85 * meshWidth),
    centrePx: [box.x + box.width / 2 - 0.5, box.y + box.height / 2 - 0.5],
  };
}
