/**
 * The fitted head seen from a centre inside the skull: for every direction (azimuth θ around +Y,
 * θ = 0 towards the face (+Z), positive towards +X; polar angle φ from +Y), the distance to the head's
 * outermost surface and the model's hair weight there. Hair shells are built as radial functions over
 * these directions, which makes them closed and free of self-intersections by construction.
 */
import { modelLandmarks, type HeadModel } from '../../geometry/head-model';

export const AZIMUTH_BINS = 72;
export const POLAR_BINS = 36;

export interface HeadRadialField {
  centre: [number, number, number];
  /** AZIMUTH_BINS × (POLAR_BINS + 1) samples, row per polar angle (φ = i·π/POLAR_BINS). */
  radius: Float32Array;
  /** `radius` blurred over ±10°: hair falls over the ears instead of tracing them. */
  smoothRadius: Float32Array;
  /**
   * The skull alone: `smoothRadius` with the ears left out (their bins filled from the scalp round
   * them). Hair that ends on the ear lies on this and lets the ear through, as short hair does.
   */
  smoothSkullRadius: Float32Array;
  /** `radius` with the ears left out, unblurred. */
  skullRadius: Float32Array;
  hairWeight: Float32Array;
  /**
   * Per azimuth bin (AZIMUTH_BINS), the polar angle of the ear's top where the ear stands off the
   * skull there; π where no ear does. Short hair's end goes round it, as a cut does.
   */
  earTopPhi: Float32Array;
}

export function direction(theta: number, phi: number): [number, number, number] {
  const s = Math.sin(phi);
  return [s * Math.sin(theta), Math.cos(phi), s * Math.cos(theta)];
}

/**
 * Samples each triangle (corners, edge midpoints, centre) and keeps per bin the largest radius and
 * the hair weight there; empty bins are filled from their neighbours.
 */
export function headRadialField(model: HeadModel, positions: Float32Array): HeadRadialField {
  const lm = modelLandmarks(model, positions);
  // Centre: on the mid-plane, a little above the eye line, halfway between face and back of head.
  let zMin = Infinity,
    zMax = -Infinity;
  for (let v = 0; v < model.vertexCount; v++) {
    if (model.hairWeight[v]! < 0.5) continue;
    zMin = Math.min(zMin, positions[v * 3 + 2]!);
    zMax = Math.max(zMax, positions[v * 3 + 2]!);
  }
  const eyeY = (lm[33 * 3 + 1]! + lm[263 * 3 + 1]!) / 2;
  const centre: [number, number, number] = [0, eyeY + 0.012, (zMin + zMax) / 2];
  const cols = AZIMUTH_BINS;
  const rows = POLAR_BINS + 1;
  const radius = new Float32Array(cols * rows);
  const skullRadius = new Float32Array(cols * rows);
  const skullCount = new Float32Array(cols * rows);
  const weightSum = new Float32Array(cols * rows);
  const count = new Float32Array(cols * rows);
  const tri = model.triangles;
  const bary = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
    [0.5, 0.5, 0],
    [0, 0.5, 0.5],
    [0.5, 0, 0.5],
    [1 / 3, 1 / 3, 1 / 3],
  ];
  const isEar = model.regions.map((r) => r.name.startsWith('ear-'));
  const earSamples: number[] = []; // (bin column, φ, r) of each ear sample
  for (let t = 0; t < tri.length; t += 3) {
    const ear = isEar[model.triangleRegion[t / 3]!]!;
    for (const [a, b, c] of bary) {
      let x = 0,
        y = 0,
        z = 0,
        h = 0;
      for (let k = 0; k < 3; k++) {
        const w = k === 0 ? a! : k === 1 ? b! : c!;
        const v = tri[t + k]!;
        x += w * positions[v * 3]!;
        y += w * positions[v * 3 + 1]!;
        z += w * positions[v * 3 + 2]!;
        h += w * model.hairWeight[v]!;
      }
      x -= centre[0];
      y -= centre[1];
      z -= centre[2];
      const r = Math.hypot(x, y, z);
      const phi = Math.acos(Math.max(-1, Math.min(1, y / r)));
      const theta = Math.atan2(x, z);
      const i = Math.round((phi / Math.PI) * POLAR_BINS);
      const j = ((Math.round((theta / (2 * Math.PI)) * cols) % cols) + cols) % cols;
      const bin = i * cols + j;
      if (r > radius[bin]!) radius[bin] = r;
      if (!ear && r > skullRadius[bin]!) skullRadius[bin] = r;
      if (!ear) skullCount[bin]!++;
      else earSamples.push(j, phi, r);
      weightSum[bin]! += h;
      count[bin]!++;
    }
  }
  const hairWeight = new Float32Array(cols * rows);
  for (let b = 0; b < hairWeight.length; b++) hairWeight[b] = count[b]! > 0 ? weightSum[b]! / count[b]! : -1;
  fillEmpty(radius, count, cols, rows);
  fillEmpty(hairWeight, count, cols, rows);
  fillEmpty(skullRadius, skullCount, cols, rows);
  const smooth = (grid: Float32Array) => boxBlur(boxBlur(grid, cols, rows, 2), cols, rows, 2);
  return {
    centre,
    radius,
    smoothRadius: smooth(radius),
    smoothSkullRadius: smooth(skullRadius),
    skullRadius,
    hairWeight,
    earTopPhi: earTops(earSamples, skullRadius),
  };
}

/** An ear sample counts where it stands this far off the skull (its root lies in the scalp). */
const EAR_STANDS_OFF = 0.001;

/** Per azimuth bin, the least polar angle of the ear samples standing off the skull; π elsewhere. */
function earTops(samples: number[], skullRadius: Float32Array): Float32Array {
  const top = new Float32Array(AZIMUTH_BINS).fill(Math.PI);
  for (let s = 0; s < samples.length; s += 3) {
    const j = samples[s]!,
      phi = samples[s + 1]!,
      r = samples[s + 2]!;
    const theta = ((j < AZIMUTH_BINS / 2 ? j : j - AZIMUTH_BINS) / AZIMUTH_BINS) * 2 * Math.PI;
    if (r > sampleField(skullRadius, theta, phi) + EAR_STANDS_OFF && phi < top[j]!) top[j] = phi;
  }
  return top;
}

/** Box blur over ±half bins, wrapping in azimuth, clamped in polar angle. */
function boxBlur(values: Float32Array, cols: number, rows: number, half: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let s = 0,
        m = 0;
      for (let di = -half; di <= half; di++) {
        const ii = Math.min(rows - 1, Math.max(0, i + di));
        for (let dj = -half; dj <= half; dj++) {
          s += values[ii * cols + ((j + dj + cols) % cols)]!;
          m++;
        }
      }
      out[i * cols + j] = s / m;
    }
  }
  return out;
}

/** Empty bins take the mean of their filled neighbours, repeatedly (the neck's far end, the poles). */
function fillEmpty(values: Float32Array, count: Float32Array, cols: number, rows: number): void {
  const known = Uint8Array.from(count, (c) => (c > 0 ? 1 : 0));
  for (let pass = 0; pass < 64; pass++) {
    let missing = 0;
    const next = Uint8Array.from(known);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const b = i * cols + j;
        if (known[b]) continue;
        let s = 0,
          m = 0;
        for (const [di, dj] of [
          [-1, 0],
          [1, 0],
          [0, -1],
          [0, 1],
        ] as const) {
          const ii = i + di;
          if (ii < 0 || ii >= rows) continue;
          const nb = ii * cols + ((j + dj + cols) % cols);
          if (known[nb]) {
            s += values[nb]!;
            m++;
          }
        }
        if (m > 0) {
          values[b] = s / m;
          next[b] = 1;
        } else missing++;
      }
    }
    known.set(next);
    if (missing === 0) break;
  }
}

/** Bilinear sample of a field grid at (θ, φ), θ wrapping around. */
export function sampleField(grid: Float32Array, theta: number, phi: number): number {
  const cols = AZIMUTH_BINS;
  const fi = Math.max(0, Math.min(POLAR_BINS, (phi / Math.PI) * POLAR_BINS));
  const fj = ((((theta / (2 * Math.PI)) * cols) % cols) + cols) % cols;
  const i0 = Math.min(POLAR_BINS - 1, Math.floor(fi));
  const j0 = Math.floor(fj) % cols;
  const j1 = (j0 + 1) % cols;
  const ti = fi - i0,
    tj = fj - Math.floor(fj);
  // indexed in place, not through a helper closure: this runs ~10⁶ times per hair fit
  const r0 = i0 * cols,
    r1 = r0 + cols;
  return (
    (grid[r0 + j0]! * (1 - tj) + grid[r0 + j1]! * tj) * (1 - ti) +
    (grid[r1 + j0]! * (1 - tj) + grid[r1 + j1]! * tj) * ti
  );
}
