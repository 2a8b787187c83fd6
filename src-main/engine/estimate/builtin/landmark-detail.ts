/**
 * Per-vertex face detail from landmark offsets: the 3D offsets that would put each model landmark
 * on its detection are spread smoothly over the face (Gaussian RBF, regularised), faded by the
 * model's detail weight so the scalp, ears and neck never move.
 */
import type { HeadModel } from '../../geometry/head-model';
import { modelLandmarks } from '../../geometry/head-model';
import { solveSpdInPlace } from '../../geometry/linear-algebra';
import { smoothstep } from '../../geometry/smoothstep';

const SIGMA_M = 0.014;
/**
 * A landmark's offset comes from its mirror (x negated) between these margins of the mirror's
 * facing advantage (cosines): kpa_jesper.jpg, turned 8°, has his far cheek ~0.15 less frontal.
 */
const MIRROR_FROM = 0.1;
const MIRROR_FULL = 0.3;
const SMOOTHING = 0.08;
const MIN_CENTRE_GAP_M = 0.004;

/**
 * Adds to `positions` (in place) the smooth field through `offsets` (468×3, model frame, metres) at
 * the landmarks flagged in `known`; a landmark not known takes its mirror's offset (x negated).
 */
export function applyLandmarkDetail(
  model: HeadModel,
  positions: Float32Array,
  offsets: Float32Array,
  known: Uint8Array,
): void {
  const anchors = modelLandmarks(model, positions);
  const centres: number[] = [];
  const values: [number[], number[], number[]] = [[], [], []];
  const minGap2 = MIN_CENTRE_GAP_M ** 2;
  for (let i = 0; i < known.length; i++) {
    // Landmarks closer than the field can resolve add cost, not detail: keep the first of a cluster.
    const tooClose = centres.some((c) => {
      const dx = anchors[c * 3]! - anchors[i * 3]!;
      const dy = anchors[c * 3 + 1]! - anchors[i * 3 + 1]!;
      const dz = anchors[c * 3 + 2]! - anchors[i * 3 + 2]!;
      return dx * dx + dy * dy + dz * dz < minGap2;
    });
    if (tooClose) continue;
    let src = i;
    let flip = 1;
    if (!known[i]) {
      src = model.landmarkMirror[i]!;
      flip = -1;
      if (!known[src]) continue;
    }
    centres.push(i);
    values[0].push(flip * offsets[src * 3]!);
    values[1].push(offsets[src * 3 + 1]!);
    values[2].push(offsets[src * 3 + 2]!);
  }
  const n = centres.length;
  if (n === 0) return;
  const k = (i: number, x: number, y: number, z: number) => {
    const dx = anchors[i * 3]! - x;
    const dy = anchors[i * 3 + 1]! - y;
    const dz = anchors[i * 3 + 2]! - z;
    return Math.exp(-(dx * dx + dy * dy + dz * dz) / (2 * SIGMA_M * SIGMA_M));
  };
  const a = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    const ci = centres[r]!;
    for (let c = 0; c < n; c++) {
      const cj = centres[c]!;
      a[r * n + c] =
        k(ci, anchors[cj * 3]!, anchors[cj * 3 + 1]!, anchors[cj * 3 + 2]!) + (r === c ? SMOOTHING : 0);
    }
  }
  const w = values.map((v) => Float64Array.from(v));
  solveSpdInPlace(a, w, n);
  const cutoff2 = (4 * SIGMA_M) ** 2;
  for (let v = 0; v < model.vertexCount; v++) {
    const dw = model.detailWeight[v]!;
    if (dw <= 0) continue;
    const x = positions[v * 3]!;
    const y = positions[v * 3 + 1]!;
    const z = positions[v * 3 + 2]!;
    let ox = 0;
    let oy = 0;
    let oz = 0;
    for (let j = 0; j < n; j++) {
      const c = centres[j]!;
      const dx = anchors[c * 3]! - x;
      const dy = anchors[c * 3 + 1]! - y;
      const dz = anchors[c * 3 + 2]! - z;
      const d2 = dx * dx + dy * dy + dz * dz;
      if (d2 > cutoff2) continue;
      const g = Math.exp(-d2 / (2 * SIGMA_M * SIGMA_M));
      ox += w[0]![j]! * g;
      oy += w[1]![j]! * g;
      oz += w[2]![j]! * g;
    }
    positions[v * 3] = x + dw * ox;
    positions[v * 3 + 1] = y + dw * oy;
    positions[v * 3 + 2] = z + dw * oz;
  }
}

/**
 * Pose-aware symmetry of the face's detail, as the texture has it (pose-aware-mirror.ts): the side
 * turned away from the camera is seen foreshortened, its landmarks' depth is a guess, so each
 * landmark takes its mirror's offset (x negated) where the mirror faces the camera clearly better.
 * A frontal photo keeps its own, asymmetric detail. `facing`: per landmark, the cosine to the camera.
 */
export function mirrorWhereSeenBetter(
  mirrorOf: Uint32Array,
  offsets: Float32Array,
  facing: Float32Array,
): Float32Array {
  const out = Float32Array.from(offsets);
  for (let i = 0; i < mirrorOf.length; i++) {
    const m = mirrorOf[i]!;
    const share = smoothstep(MIRROR_FROM, MIRROR_FULL, facing[m]! - facing[i]!);
    if (m === i || share <= 0) continue;
    out[i * 3] = (1 - share) * offsets[i * 3]! - share * offsets[m * 3]!;
    out[i * 3 + 1] = (1 - share) * offsets[i * 3 + 1]! + share * offsets[m * 3 + 1]!;
    out[i * 3 + 2] = (1 - share) * offsets[i * 3 + 2]! + share * offsets[m * 3 + 2]!;
  }
  return out;
}
