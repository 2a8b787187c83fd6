/**
 * Silhouette fit of the mesh: the SDF's zero set, marched on a grid and decimated, lies a fraction of a
 * pixel inside the views' silhouettes (chords of a convex surface, linear zero crossings of a convex φ),
 * and the photometric refinement, which cannot see a silhouette, moves the rims further. Here every
 * vertex on some view's rim (its normal across that view's ray, on the mesh's own outline there) gets a
 * target offset along its normal: the distance, along the outline's normal in the image, from the
 * mesh's own rendered edge to the view's mask edge (each where the bilinear coverage of its 0/1 image
 * falls through ½: halfway between the last object and the first background pixel centre). The
 * targets of all views are spread over the mesh as a smooth offset
 * field (a membrane: Σ c (δ − t)² + Σ_edges (δᵤ − δᵥ)² + ε Σ δ²), so the surface between two views'
 * rims — what a view between them sees as its rim — moves with them instead of leaving a ridge.
 * Hot loops are module-level functions (tsx wraps closures).
 */
import { cameraCentre, projectPoint } from '../geometry/camera';
import { computeVertexNormals } from '../geometry/textured-mesh';
import { renderTexturedMesh, type PinholeCamera } from '../native/native-addon';
import { bilinearValue, cosToCamera, maskCoverage } from './view-sampling';
import { fairMesh, meshAdjacency, type MeshAdjacency } from './mesh-adjacency';

export interface RimFitView {
  camera: PinholeCamera;
  image: { width: number; height: number };
  mask: Uint8Array;
}

export interface RimFitSettings {
  rounds: number;
  /** A vertex is on a view's rim when |cos(normal, ray)| is below this. */
  rimCos: number;
  /** Pixels searched for the mask edge on either side of a rim vertex's projection. */
  searchPixels: number;
  /** Gauss–Seidel sweeps of the membrane solve. */
  sweeps: number;
  /** Pull of every vertex towards no offset, relative to one edge's smoothness (sets how far a rim's offset spreads). */
  decay: number;
  /** Taubin fairing iterations after each round. */
  fair: number;
}

export const DEFAULT_RIM_FIT: RimFitSettings = {
  rounds: 3,
  rimCos: 0.2,
  searchPixels: 3,
  sweeps: 150,
  decay: 0.01,
  fair: 5,
};

interface RimView {
  cam: PinholeCamera;
  centre: [number, number, number];
  /** The view's mask as 0/1 floats (bilinear coverage). */
  coverage: Float32Array;
  /** Depth of the current mesh (Infinity where it does not cover the pixel). */
  depth: Float32Array;
  /** The current mesh's own coverage, 0/1 floats, on the same pixel grid as the mask. */
  meshCoverage: Float32Array;
  width: number;
  height: number;
}

/** Whether the current mesh covers pixel (u, v) (rounded). */
function meshCovers(view: RimView, u: number, v: number): boolean {
  const x = Math.round(u);
  const y = Math.round(v);
  if (x < 0 || y < 0 || x >= view.width || y >= view.height) return false;
  return Number.isFinite(view.depth[y * view.width + x]!);
}

/**
 * Signed distance (pixels, + outwards) from s = 0 along the line through (u, v) in direction (dx, dy)
 * to where a coverage image falls through ½ (inside → outside); null when it does not within ±range.
 */
function edgeOffset(
  coverage: Float32Array,
  width: number,
  height: number,
  u: number,
  v: number,
  dx: number,
  dy: number,
  range: number,
): number | null {
  const step = 0.25;
  let previous = bilinearValue(coverage, width, height, u - range * dx, v - range * dy);
  if (previous < 0.5) return null;
  for (let s = -range + step; s <= range + 1e-9; s += step) {
    const m = bilinearValue(coverage, width, height, u + s * dx, v + s * dy);
    if (m < 0.5) return s - step + (step * (previous - 0.5)) / (previous - m);
    previous = m;
  }
  return null;
}

/** Adds each view's rim targets: target[v] accumulates weight × offset (metres), weight[v] the weights. */
function rimTargets(
  positions: Float32Array,
  normals: Float32Array,
  views: readonly RimView[],
  settings: RimFitSettings,
  target: Float64Array,
  weight: Float64Array,
): number {
  const nv = positions.length / 3;
  let rims = 0;
  for (const view of views) {
    const { cam, centre } = view;
    for (let v = 0; v < nv; v++) {
      const x = positions[v * 3]!;
      const y = positions[v * 3 + 1]!;
      const z = positions[v * 3 + 2]!;
      const cos = cosToCamera(positions, normals, v, centre);
      if (Math.abs(cos) >= settings.rimCos) continue;
      const nx = normals[v * 3]!;
      const ny = normals[v * 3 + 1]!;
      const nz = normals[v * 3 + 2]!;
      const [u, vv, zc] = projectPoint(cam, x, y, z);
      if (!(zc > 0)) continue;
      // The outline's normal in the image: where p + εn projects.
      const eps = 0.001;
      const [u2, v2] = projectPoint(cam, x + eps * nx, y + eps * ny, z + eps * nz);
      const du = u2 - u;
      const dv = v2 - vv;
      const pixelsPerMetre = Math.hypot(du, dv) / eps;
      if (!(pixelsPerMetre > 0)) continue;
      const dx = du / (eps * pixelsPerMetre);
      const dy = dv / (eps * pixelsPerMetre);
      // On the mesh's own outline: not hidden, and background just outside it.
      const px = Math.round(u);
      const py = Math.round(vv);
      if (px < 0 || py < 0 || px >= view.width || py >= view.height) continue;
      if (zc > view.depth[py * view.width + px]! + 0.003) continue;
      if (meshCovers(view, u + 1.5 * dx, vv + 1.5 * dy)) continue;
      // The mask's edge against the mesh's own, both found alike on the same pixel grid: a vertex a
      // little in front of the rim projects inside the outline, and measuring from it would push
      // every rim outwards.
      const range = settings.searchPixels;
      const { width, height } = view;
      // An edge not found near the vertex (another part of the outline, or far off) says nothing.
      const maskEdge = edgeOffset(view.coverage, width, height, u, vv, dx, dy, range);
      const meshEdge = edgeOffset(view.meshCoverage, width, height, u, vv, dx, dy, range);
      if (maskEdge === null || meshEdge === null) continue;
      const s = maskEdge - meshEdge;
      const w = 1 - Math.abs(cos) / settings.rimCos;
      target[v] = target[v]! + (w * s) / pixelsPerMetre;
      weight[v] = weight[v]! + w;
      rims++;
    }
  }
  return rims;
}

/** The membrane: offsets δ minimising Σ c (δ − t)² + Σ_edges (δᵤ − δᵥ)² + decay Σ δ², Gauss–Seidel. */
function spreadOffsets(
  target: Float64Array,
  weight: Float64Array,
  ring: MeshAdjacency,
  sweeps: number,
  decay: number,
): Float64Array {
  const nv = target.length;
  const delta = new Float64Array(nv);
  for (let v = 0; v < nv; v++) if (weight[v]! > 0) delta[v] = target[v]! / weight[v]!;
  for (let it = 0; it < sweeps; it++) {
    for (let v = 0; v < nv; v++) {
      let sum = target[v]!;
      let den = weight[v]! + decay;
      for (let e = ring.start[v]!; e < ring.start[v + 1]!; e++) {
        sum += delta[ring.list[e]!]!;
        den += 1;
      }
      delta[v] = sum / den;
    }
  }
  return delta;
}

/** Positions (a new array) with the rims fitted to the views' masks; the topology is unchanged. */
export async function fitRims(
  positions: Float32Array,
  indices: Uint32Array,
  views: readonly RimFitView[],
  settings: RimFitSettings = DEFAULT_RIM_FIT,
  signal?: AbortSignal,
): Promise<{ positions: Float32Array; rounds: number; meanShift: number; rimVertices: number }> {
  const nv = positions.length / 3;
  const current = positions.slice();
  const ring = meshAdjacency(nv, indices);
  const data: RimView[] = views.map((v) => ({
    cam: v.camera,
    centre: cameraCentre(v.camera),
    coverage: maskCoverage(v.mask),
    depth: new Float32Array(0),
    meshCoverage: new Float32Array(0),
    width: v.image.width,
    height: v.image.height,
  }));
  const uvs = new Float32Array(nv * 2);
  let rounds = 0;
  let meanShift = 0;
  let rimVertices = 0;
  for (let r = 0; r < settings.rounds; r++) {
    if (signal?.aborted) break;
    for (const view of data) {
      const rendered = await renderTexturedMesh({
        positions: current,
        uvs,
        indices,
        camera: view.cam,
        width: view.width,
        height: view.height,
      });
      view.depth = rendered.depth;
      const covered = new Float32Array(rendered.depth.length);
      for (let p = 0; p < covered.length; p++) covered[p] = Number.isFinite(rendered.depth[p]) ? 1 : 0;
      view.meshCoverage = covered;
    }
    const normals = computeVertexNormals(current, indices);
    const target = new Float64Array(nv);
    const weight = new Float64Array(nv);
    rimVertices = rimTargets(current, normals, data, settings, target, weight);
    const delta = spreadOffsets(target, weight, ring, settings.sweeps, settings.decay);
    let total = 0;
    for (let v = 0; v < nv; v++) {
      const d = delta[v]!;
      total += Math.abs(d);
      for (let k = 0; k < 3; k++) current[v * 3 + k] = current[v * 3 + k]! + d * normals[v * 3 + k]!;
    }
    current.set(fairMesh(current, ring, settings.fair));
    meanShift = total / Math.max(1, nv);
    rounds++;
  }
  return { positions: current, rounds, meanShift, rimVertices };
}
