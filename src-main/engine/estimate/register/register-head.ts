/**
 * Non-rigid registration of the studio's head (its topology, UVs, ears, neck, landmark embedding)
 * onto another estimator's surface (FLAME from RingNet, DECA or MICA). The MediaPipe landmarks both
 * meshes embed give a similarity (the target brought into the head's frame and scale) and then soft
 * landmark constraints; closest points on the target pull the face and skull; a membrane energy on
 * the displacement keeps it smooth, so regions the target lacks (ears, the lower neck) follow their
 * surroundings without a step. A target whose landmarks do not fit a head is refused, with a reason.
 */
import type { HeadModel } from '../../geometry/head-model';
import { modelLandmarks } from '../../geometry/head-model';
import { applySimilarity, similarityProcrustes } from '../../geometry/linear-algebra';
import { computeVertexNormals } from '../../geometry/textured-mesh';
import { buildTriangleGrid } from './closest-point';

export interface RegistrationTarget {
  /** xyz per vertex, metres, any frame (a similarity brings it to the head's). */
  positions: Float32Array;
  indices: Uint32Array;
  /** MediaPipe face-mesh index of each embedded target landmark… */
  landmarkIndices: Uint32Array;
  /** …and its point on the target (L×3, same frame as positions). */
  landmarks: Float32Array;
  /** The target's own UV layout (FLAME's template), for exporting the target mesh itself. */
  uvLayout?: { coords: Float32Array; faces: Uint32Array };
}

export interface RegistrationReport {
  applied: boolean;
  /** Why the head keeps the built-in shape (when not applied). */
  reason?: string;
  /** Target scale into the head's frame (the similarity's s). */
  scale: number;
  /** RMS distance between head and target landmarks: after the similarity alone, and registered. */
  landmarkRmsMmRigid: number;
  landmarkRmsMm: number;
  /** Distance from registered head vertices to the target surface, where the target has surface. */
  surfaceRmsMm: number;
  surfaceP95Mm: number;
  /** Share of the head's vertices that found the target surface nearby. */
  coveredShare: number;
  iterations: number;
}

export interface RegistrationResult {
  /** The head's vertices registered onto the target (or the input, unchanged, when refused). */
  positions: Float32Array;
  /** The target's vertices in the head's frame (when applied): where the two surfaces coincide. */
  placedTarget?: Float32Array;
  report: RegistrationReport;
}

/** How strongly each atlas region follows the target: ears and the neck's cut keep their own shape. */
const REGION_WEIGHT: Record<string, number> = {
  front: 1,
  left: 1,
  right: 1,
  back: 1,
  top: 1,
  bottom: 0.8,
  neck: 0.4,
  'neck-cap': 0,
  'ear-left': 0,
  'ear-right': 0,
  'ear-left-cap': 0,
  'ear-right-cap': 0,
};
const MAX_LANDMARK_RMS_RIGID_M = 0.02;
const SCALE_RANGE = [0.6, 1.6] as const;
const SEARCH_M = 0.02;
const MAX_DISPLACEMENT_M = 0.03;
const LANDMARK_WEIGHT = 20;
const SURFACE_WEIGHT = 1;
/** Membrane stiffness per outer iteration: stiff first (global fit), then freer (detail). */
const STIFFNESS = [20, 10, 5, 2, 1, 0.5, 0.25];
const SWEEPS = 60;

export function registerHeadToSurface(
  model: HeadModel,
  headPositions: Float32Array,
  target: RegistrationTarget,
): RegistrationResult {
  const n = model.vertexCount;
  const headLm = modelLandmarks(model, headPositions);
  const pairs = [...target.landmarkIndices].map((mp, i) => ({ mp, i })).filter((p) => p.mp < 468);
  const unchanged = (reason: string, extra: Partial<RegistrationReport> = {}): RegistrationResult => ({
    positions: headPositions,
    report: refusedRegistration(reason, extra),
  });
  if (pairs.length < 20) return unchanged(`only ${pairs.length} shared face landmarks (need 20)`);

  // The target in the head's frame and scale, fitted on the shared landmarks.
  const x = new Float64Array(pairs.length * 3);
  const y = new Float64Array(pairs.length * 3);
  for (const [k, p] of pairs.entries()) {
    for (let a = 0; a < 3; a++) {
      x[k * 3 + a] = target.landmarks[p.i * 3 + a]!;
      y[k * 3 + a] = headLm[p.mp * 3 + a]!;
    }
  }
  const sim = similarityProcrustes(x, y, new Float64Array(pairs.length).fill(1));
  const targetLm = applySimilarity(target.landmarks, sim);
  const rmsRigid = landmarkRms(headLm, targetLm, pairs);
  if (!(sim.s >= SCALE_RANGE[0] && sim.s <= SCALE_RANGE[1])) {
    return unchanged(`its face is ${sim.s.toFixed(2)}× the head's size`, { scale: sim.s });
  }
  if (!(rmsRigid <= MAX_LANDMARK_RMS_RIGID_M)) {
    return unchanged(
      `its face landmarks do not fit a face (${(rmsRigid * 1000).toFixed(1)} mm RMS after alignment)`,
      { scale: sim.s, landmarkRmsMmRigid: rmsRigid * 1000 },
    );
  }
  const targetPositions = applySimilarity(target.positions, sim);
  const grid = buildTriangleGrid(targetPositions, target.indices, 0.01);
  const targetNormals = triangleNormals(targetPositions, target.indices);

  const regionWeight = vertexRegionWeights(model);
  const neighbours = vertexNeighbours(model);
  const d = new Float64Array(n * 3);
  const wSum = new Float64Array(n);
  const tSum = new Float64Array(n * 3);
  const current = new Float32Array(n * 3);
  let covered = 0;
  const residuals: number[] = [];

  for (const stiffness of STIFFNESS) {
    for (let i = 0; i < n * 3; i++) current[i] = headPositions[i]! + d[i]!;
    wSum.fill(0);
    tSum.fill(0);
    // Landmarks: each pulls its triangle's three vertices by their barycentric share.
    const lmNow = modelLandmarks(model, current);
    for (const p of pairs) {
      const tri = model.landmarkTriangle[p.mp]!;
      for (let k = 0; k < 3; k++) {
        const v = model.triangles[tri * 3 + k]!;
        const b = model.landmarkBary[p.mp * 3 + k]!;
        if (b <= 0) continue;
        const w = LANDMARK_WEIGHT * b;
        wSum[v] = wSum[v]! + w;
        for (let a = 0; a < 3; a++) {
          const want = d[v * 3 + a]! + (targetLm[p.i * 3 + a]! - lmNow[p.mp * 3 + a]!);
          tSum[v * 3 + a] = tSum[v * 3 + a]! + w * want;
        }
      }
    }
    // Closest points on the target, where it faces the same way.
    const normals = computeVertexNormals(current, model.triangles);
    covered = 0;
    residuals.length = 0;
    for (let v = 0; v < n; v++) {
      const rw = regionWeight[v]!;
      if (rw <= 0) continue;
      const hit = grid.closest(current[v * 3]!, current[v * 3 + 1]!, current[v * 3 + 2]!, SEARCH_M);
      if (!hit) continue;
      const tn = targetNormals.subarray(hit.triangle * 3, hit.triangle * 3 + 3);
      const agree = normals[v * 3]! * tn[0]! + normals[v * 3 + 1]! * tn[1]! + normals[v * 3 + 2]! * tn[2]!;
      if (agree < 0.3) continue;
      covered++;
      residuals.push(hit.distance);
      const w = SURFACE_WEIGHT * rw * agree;
      wSum[v] = wSum[v]! + w;
      for (let a = 0; a < 3; a++)
        tSum[v * 3 + a] = tSum[v * 3 + a]! + w * (hit.point[a]! - headPositions[v * 3 + a]!);
    }
    smoothDisplacements(d, wSum, tSum, neighbours, stiffness);
  }
  const positions = new Float32Array(n * 3);
  for (let v = 0; v < n; v++) {
    const len = Math.hypot(d[v * 3]!, d[v * 3 + 1]!, d[v * 3 + 2]!);
    const k = len > MAX_DISPLACEMENT_M ? MAX_DISPLACEMENT_M / len : 1;
    for (let a = 0; a < 3; a++) positions[v * 3 + a] = headPositions[v * 3 + a]! + k * d[v * 3 + a]!;
  }
  const finalResiduals = surfaceResiduals(positions, regionWeight, grid);
  return {
    positions,
    placedTarget: targetPositions,
    report: {
      applied: true,
      scale: sim.s,
      landmarkRmsMmRigid: rmsRigid * 1000,
      landmarkRmsMm: landmarkRms(modelLandmarks(model, positions), targetLm, pairs) * 1000,
      surfaceRmsMm: Math.sqrt(mean(finalResiduals.map((r) => r * r))) * 1000,
      surfaceP95Mm: percentile(finalResiduals, 0.95) * 1000,
      coveredShare: covered / n,
      iterations: STIFFNESS.length,
    },
  };
}

/** The report of a registration that did not happen, and why. */
export function refusedRegistration(
  reason: string,
  extra: Partial<RegistrationReport> = {},
): RegistrationReport {
  return {
    applied: false,
    reason,
    scale: 0,
    landmarkRmsMmRigid: NaN,
    landmarkRmsMm: NaN,
    surfaceRmsMm: NaN,
    surfaceP95Mm: NaN,
    coveredShare: 0,
    iterations: 0,
    ...extra,
  };
}

/** Jacobi sweeps of min Σ w_i‖d_i − t_i‖² + λ Σ_edges ‖d_i − d_j‖², warm-started from d. */
function smoothDisplacements(
  d: Float64Array,
  wSum: Float64Array,
  tSum: Float64Array,
  neighbours: Uint32Array[],
  stiffness: number,
): void {
  const n = wSum.length;
  let next = new Float64Array(d.length);
  let cur = Float64Array.from(d);
  for (let sweep = 0; sweep < SWEEPS; sweep++) {
    for (let v = 0; v < n; v++) {
      const nb = neighbours[v]!;
      const denom = wSum[v]! + stiffness * nb.length;
      for (let a = 0; a < 3; a++) {
        let s = tSum[v * 3 + a]!;
        for (const u of nb) s += stiffness * cur[u * 3 + a]!;
        next[v * 3 + a] = denom > 0 ? s / denom : 0;
      }
    }
    [cur, next] = [next, cur];
  }
  d.set(cur);
}

function vertexRegionWeights(model: HeadModel): Float32Array {
  const sum = new Float32Array(model.vertexCount);
  const count = new Uint16Array(model.vertexCount);
  for (let t = 0; t < model.triangles.length / 3; t++) {
    const w = REGION_WEIGHT[model.regions[model.triangleRegion[t]!]?.name ?? ''] ?? 0;
    for (let k = 0; k < 3; k++) {
      const v = model.triangles[t * 3 + k]!;
      sum[v] = sum[v]! + w;
      count[v] = count[v]! + 1;
    }
  }
  return sum.map((s, v) => (count[v] ? s / count[v]! : 0));
}

function vertexNeighbours(model: HeadModel): Uint32Array[] {
  const sets = Array.from({ length: model.vertexCount }, () => new Set<number>());
  const q = model.quads;
  // Quad edges, not the triangulation's diagonals: an even membrane on the quad grid.
  for (let f = 0; f < q.length / 4; f++) {
    for (let k = 0; k < 4; k++) {
      const a = q[f * 4 + k]!;
      const b = q[f * 4 + ((k + 1) % 4)]!;
      sets[a]!.add(b);
      sets[b]!.add(a);
    }
  }
  return sets.map((s) => Uint32Array.from(s));
}

function triangleNormals(positions: Float32Array, indices: Uint32Array): Float32Array {
  const out = new Float32Array(indices.length);
  for (let t = 0; t < indices.length / 3; t++) {
    const [a, b, c] = [0, 1, 2].map((k) => indices[t * 3 + k]! * 3) as [number, number, number];
    const e1 = [0, 1, 2].map((i) => positions[b + i]! - positions[a + i]!);
    const e2 = [0, 1, 2].map((i) => positions[c + i]! - positions[a + i]!);
    const nx = e1[1]! * e2[2]! - e1[2]! * e2[1]!;
    const ny = e1[2]! * e2[0]! - e1[0]! * e2[2]!;
    const nz = e1[0]! * e2[1]! - e1[1]! * e2[0]!;
    const len = Math.hypot(nx, ny, nz) || 1;
    out[t * 3] = nx / len;
    out[t * 3 + 1] = ny / len;
    out[t * 3 + 2] = nz / len;
  }
  return out;
}

function landmarkRms(head: Float32Array, target: Float32Array, pairs: { mp: number; i: number }[]): number {
  let s = 0;
  for (const p of pairs) {
    for (let a = 0; a < 3; a++) s += (head[p.mp * 3 + a]! - target[p.i * 3 + a]!) ** 2;
  }
  return Math.sqrt(s / pairs.length);
}

function surfaceResiduals(
  positions: Float32Array,
  regionWeight: Float32Array,
  grid: ReturnType<typeof buildTriangleGrid>,
): number[] {
  const out: number[] = [];
  for (let v = 0; v < regionWeight.length; v++) {
    if (regionWeight[v]! < 1) continue;
    const hit = grid.closest(positions[v * 3]!, positions[v * 3 + 1]!, positions[v * 3 + 2]!, SEARCH_M);
    if (hit) out.push(hit.distance);
  }
  return out;
}

function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
