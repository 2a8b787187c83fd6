/**
 * Low-order lighting of the photo: shading(n) = Σ_k l_k Y_k(n) over the nine real spherical
 * harmonics up to order 2, per colour channel, fitted on the fitted head's normals where the photo
 * shows skin, with the skin's median colour as the reference albedo (observed = albedo × shading).
 * Order 2 captures ~99 % of the irradiance of distant light on a convex Lambertian surface; a
 * ridge towards uniform light keeps the directions the photo never shows (the back) from running
 * wild. Dividing the shading out gives an albedo texture that artists can relight.
 */
import { solveDense } from '../../geometry/linear-algebra';

export interface FittedLighting {
  /** Nine SH coefficients per channel (R, G, B), basis order Y00, Y1−1, Y10, Y11, Y2−2, Y2−1, Y20, Y21, Y22. */
  sh: [number[], number[], number[]];
  /** Direction the light comes from (unit, head frame: +X subject's left, +Y up, +Z face). */
  direction: [number, number, number];
  /** Directional part vs uniform part of the luma shading (|first-order| / zeroth-order). */
  directionality: number;
  samples: number;
}

/** The nine SH basis values at unit normal (x, y, z), into out[offset..offset+8]. */
export function shBasis(x: number, y: number, z: number, out: Float64Array, offset = 0): void {
  out[offset] = 0.282095;
  out[offset + 1] = 0.488603 * y;
  out[offset + 2] = 0.488603 * z;
  out[offset + 3] = 0.488603 * x;
  out[offset + 4] = 1.092548 * x * y;
  out[offset + 5] = 1.092548 * y * z;
  out[offset + 6] = 0.315392 * (3 * z * z - 1);
  out[offset + 7] = 1.092548 * x * z;
  out[offset + 8] = 0.546274 * (x * x - y * y);
}

/** Uniform light of shading 1: only the constant term. */
export const UNIFORM_LIGHTING: FittedLighting = {
  sh: [0, 1, 2].map(() => [1 / 0.282095, 0, 0, 0, 0, 0, 0, 0, 0]) as FittedLighting['sh'],
  direction: [0, 0, 1],
  directionality: 0,
  samples: 0,
};

/** Fewer samples than this: uniform light (too little skin to fit nine terms per channel). */
const MIN_SAMPLES = 40;
/** Ridge strength per sample towards uniform light; first-order terms are penalised less. */
const RIDGE = [0.005, 0.01, 0.01, 0.01, 0.08, 0.08, 0.08, 0.08, 0.08];

/**
 * @param normals unit normals of the skin samples (xyz each).
 * @param colours their photo colours (RGB 0..255 each).
 * @param weights their trust (0..1).
 * @param reference the skin's reference albedo (RGB 0..255).
 */
export function fitLighting(
  normals: Float32Array,
  colours: Float32Array,
  weights: Float32Array,
  reference: readonly [number, number, number],
): FittedLighting {
  const n = weights.length;
  let wSum = 0;
  for (let i = 0; i < n; i++) wSum += weights[i]!;
  if (n < MIN_SAMPLES || wSum < MIN_SAMPLES * 0.3) return UNIFORM_LIGHTING;
  const basis = new Float64Array(9);
  const ata = new Float64Array(81);
  const atb = [new Float64Array(9), new Float64Array(9), new Float64Array(9)];
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    if (!(w > 0)) continue;
    shBasis(normals[i * 3]!, normals[i * 3 + 1]!, normals[i * 3 + 2]!, basis);
    for (let r = 0; r < 9; r++) {
      for (let c = 0; c < 9; c++) ata[r * 9 + c] = ata[r * 9 + c]! + w * basis[r]! * basis[c]!;
      for (let k = 0; k < 3; k++)
        atb[k]![r] = atb[k]![r]! + (w * basis[r]! * colours[i * 3 + k]!) / Math.max(1, reference[k]!);
    }
  }
  const prior = UNIFORM_LIGHTING.sh[0];
  for (let r = 0; r < 9; r++) {
    const lambda = RIDGE[r]! * wSum;
    ata[r * 9 + r] = ata[r * 9 + r]! + lambda;
    for (let k = 0; k < 3; k++) atb[k]![r] = atb[k]![r]! + lambda * prior[r]!;
  }
  const sh = atb.map((b) => Array.from(solveDense(ata, b, 9))) as FittedLighting['sh'];
  // Luma shading's first-order terms point to the light (Y1−1 ∝ y, Y10 ∝ z, Y11 ∝ x).
  const lumaTerm = (j: number) => 0.299 * sh[0][j]! + 0.587 * sh[1][j]! + 0.114 * sh[2][j]!;
  const dx = lumaTerm(3),
    dy = lumaTerm(1),
    dz = lumaTerm(2);
  const len = Math.hypot(dx, dy, dz) || 1;
  return {
    sh,
    direction: [dx / len, dy / len, dz / len],
    // Shading of a unit normal facing the light: constant part 0.282·l0, directional part 0.489·|l1|.
    directionality: (0.488603 * Math.hypot(dx, dy, dz)) / Math.max(1e-6, 0.282095 * lumaTerm(0)),
    samples: n,
  };
}

/** RGB shading (≈ 1 under the photo's average light) of unit normal (x, y, z), into out[0..2]. */
export function evaluateShading(
  lighting: FittedLighting,
  x: number,
  y: number,
  z: number,
  out: Float32Array | Float64Array,
  scratch: Float64Array = new Float64Array(9),
): void {
  shBasis(x, y, z, scratch);
  for (let k = 0; k < 3; k++) {
    const l = lighting.sh[k]!;
    let s = 0;
    for (let j = 0; j < 9; j++) s += l[j]! * scratch[j]!;
    out[k] = s;
  }
}

/** One line for people: where the light comes from and how directional it is. */
export function describeLighting(lighting: FittedLighting): string {
  if (lighting.samples === 0) return 'lighting not fitted (too little skin seen)';
  const [x, y, z] = lighting.direction;
  const side = Math.abs(x) < 0.3 ? '' : x > 0 ? "subject's left" : "subject's right";
  const height = Math.abs(y) < 0.3 ? '' : y > 0 ? 'above' : 'below';
  const depth = z > 0.3 ? 'front' : z < -0.3 ? 'behind' : '';
  const from = [depth, height, side].filter(Boolean).join(', ') || 'front';
  return `light from ${from}, ${(100 * lighting.directionality).toFixed(0)} % directional`;
}
