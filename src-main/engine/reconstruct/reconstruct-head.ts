/**
 * Views → textured head, the whole reconstruction in one call:
 * 1. native `reconstructSurface`: the prior's SDF (head + hair) fitted to the views' silhouettes
 *    coarse to fine, its zero level set by marching tetrahedra, largest component;
 * 2. meshoptimizer decimation to `targetTriangles` (the marched mesh has ~10 thin triangles per voxel);
 * 3. photometric refinement: vertices move along their normals to where the views agree on their
 *    colour (photo-refine.ts) — the silhouettes leave the surface between the views' rims to the
 *    prior, and a fraction of a pixel there misregisters the baked texture;
 * 4. rim fit: the outline of every view moved onto its mask's edge, the offsets spread smoothly over
 *    the surface between the rims (rim-fit.ts);
 * 5. a chart atlas (uv-atlas.ts);
 * 6. the texture blended from the views (bake-views.ts).
 * Positions stay in the views' frame (the caller moves them); the report carries steps, losses,
 * provider and times.
 */
import { performance } from 'node:perf_hooks';
import { MeshoptSimplifier } from 'meshoptimizer';
import { computeVertexNormals } from '../geometry/textured-mesh';
import {
  backendInfo,
  reconstructSurface,
  type BackendRequest,
  type SurfaceLosses,
} from '../native/native-addon';
import { CancelledError } from '../stage-error';
import { bakeFromViews, type BakeView } from './bake-views';
import {
  hasNoDefects,
  isWatertight,
  isWatertightWelded,
  meshDefects,
  removeFlaps,
  splitNonManifold,
  type FlapRepair,
  type MeshDefects,
  type SplitRepair,
} from './mesh-checks';
import { DEFAULT_REFINE, refineMeshPhotometric, type RefineSettings } from './photo-refine';
import { buildUvAtlas } from './uv-atlas';
import { DEFAULT_RIM_FIT, fitRims, type RimFitSettings } from './rim-fit';

export interface ReconstructSettings {
  /** Grid nodes per axis of each level. */
  resolutions: number[];
  /** Adam steps per level. */
  steps: number[];
  raysPerView?: number;
  targetTriangles: number;
  textureSize: number;
  backend?: BackendRequest;
  /** Photometric refinement after decimation (default DEFAULT_REFINE); `false` skips it. */
  refine?: RefineSettings | false;
  /** Rims fitted to the views' silhouettes after the refinement (default DEFAULT_RIM_FIT); `false` skips it. */
  rimFit?: RimFitSettings | false;
}

/** Default: 32³ → 64³ → 128³ (a 1.2 mm-class grid on a 0.3 m head with hair). */
export const DEFAULT_RECONSTRUCT: Omit<ReconstructSettings, 'textureSize'> = {
  resolutions: [32, 64, 128],
  steps: [60, 60, 30],
  targetTriangles: 60000,
};

/** 32³ → 64³, 40k triangles: the synthetic scenes' tests, and browser tests through the engine's test hook. */
export const SMALL_RECONSTRUCT: Omit<ReconstructSettings, 'textureSize'> = {
  resolutions: [32, 64],
  steps: [60, 60],
  targetTriangles: 40000,
};

export interface ReconstructReport {
  provider: string;
  providerReason: string;
  steps: number;
  losses: { initial: SurfaceLosses; final: SurfaceLosses };
  grid: { resolutions: number[]; voxelMetres: number };
  triangles: { marched: number; final: number };
  components: number;
  /** `final`: the output mesh with its UV splits welded (what is exported). */
  watertight: { marched: boolean; final: boolean };
  decimation: DecimationReport;
  /** Photometric refinement: rounds run and the mean |offset| of the last round (mm); null when skipped. */
  refine: { rounds: number; meanShiftMm: number } | null;
  /** Rim fit: rounds, view-rim samples of the last round, mean |offset| of the last round (mm); null when skipped. */
  rimFit: { rounds: number; rimVertices: number; meanShiftMm: number } | null;
  atlas: { charts: number; utilisation: number; textureSize: number; textureSeen: number };
  seconds: {
    fit: number;
    simplify: number;
    refine: number;
    rimFit: number;
    atlas: number;
    bake: number;
    total: number;
  };
}

export interface ReconstructedHead {
  positions: Float32Array;
  uvs: Float32Array;
  normals: Float32Array;
  indices: Uint32Array;
  /** The UV chart of each triangle (its vertices are split at chart borders). */
  triangleChart: Uint32Array;
  texture: { data: Uint8Array; width: number; height: number };
  report: ReconstructReport;
}

export async function reconstructHead(
  views: readonly BakeView[],
  prior: { positions: Float32Array; indices: Uint32Array } | undefined,
  settings: ReconstructSettings,
  options: { signal?: AbortSignal; onProgress?: (fraction: number, message: string) => void } = {},
): Promise<ReconstructedHead> {
  const t0 = performance.now();
  const { signal, onProgress } = options;
  const surface = await reconstructSurface({
    views: views.map((v) => ({
      camera: v.camera,
      mask: { width: v.image.width, height: v.image.height, data: v.mask },
    })),
    ...(prior ? { prior } : {}),
    resolutions: settings.resolutions,
    steps: settings.steps,
    ...(settings.raysPerView ? { raysPerView: settings.raysPerView } : {}),
    backend: settings.backend ?? 'auto',
    ...(signal ? { signal } : {}),
    ...(onProgress
      ? {
          onProgress: (step: number, total: number, l: SurfaceLosses) =>
            onProgress((0.8 * step) / total, `fit step ${step}/${total}: mask ${l.mask.toFixed(4)}`),
        }
      : {}),
  });
  if (surface.cancelled || signal?.aborted) throw new CancelledError();
  if (surface.indices.length === 0) throw new Error('reconstruction produced no surface');
  const t1 = performance.now();
  onProgress?.(0.8, `decimating ${surface.indices.length / 3} triangles`);
  const simplified = await decimate(surface.positions, surface.indices, settings.targetTriangles);
  const t2 = performance.now();
  const refineSettings = settings.refine === false ? undefined : (settings.refine ?? DEFAULT_REFINE);
  let positions = simplified.positions;
  let refined: ReconstructReport['refine'] = null;
  if (refineSettings) {
    const r = await refineMeshPhotometric(
      positions,
      simplified.indices,
      views,
      refineSettings,
      signal,
      (round, of) => onProgress?.(0.82 + (0.06 * round) / of, `photometric refinement ${round + 1}/${of}`),
    );
    if (signal?.aborted) throw new CancelledError();
    positions = r.positions;
    refined = { rounds: r.rounds, meanShiftMm: Math.round(r.meanShift * 1e5) / 100 };
  }
  const t2r = performance.now();
  const rimSettings = settings.rimFit === false ? undefined : (settings.rimFit ?? DEFAULT_RIM_FIT);
  let rims: ReconstructReport['rimFit'] = null;
  if (rimSettings) {
    onProgress?.(0.88, 'fitting the rims to the views');
    const r = await fitRims(positions, simplified.indices, views, rimSettings, signal);
    if (signal?.aborted) throw new CancelledError();
    positions = r.positions;
    rims = { rounds: r.rounds, rimVertices: r.rimVertices, meanShiftMm: Math.round(r.meanShift * 1e5) / 100 };
  }
  const t2f = performance.now();
  const normals = computeVertexNormals(positions, simplified.indices);
  const atlas = buildUvAtlas(positions, simplified.indices, { textureSize: settings.textureSize });
  const atlasNormals = new Float32Array(atlas.positions.length);
  for (let v = 0; v < atlas.sourceVertex.length; v++) {
    atlasNormals.set(normals.subarray(atlas.sourceVertex[v]! * 3, atlas.sourceVertex[v]! * 3 + 3), v * 3);
  }
  const t3 = performance.now();
  onProgress?.(0.9, `baking a ${settings.textureSize}² texture from ${views.length} views`);
  const baked = await bakeFromViews(
    { positions: atlas.positions, uvs: atlas.uvs, indices: atlas.indices, normals: atlasNormals },
    views,
    settings.textureSize,
    signal,
  );
  if (signal?.aborted) throw new CancelledError();
  const t4 = performance.now();
  const info = backendInfo();
  const seconds = (a: number, b: number): number => Math.round(b - a) / 1000;
  return {
    positions: atlas.positions,
    uvs: atlas.uvs,
    normals: atlasNormals,
    indices: atlas.indices,
    triangleChart: atlas.triangleChart,
    texture: { data: baked.rgba, width: settings.textureSize, height: settings.textureSize },
    report: {
      provider: surface.backend,
      providerReason: surface.backend === 'cuda' ? (info.device ?? 'CUDA') : info.reason,
      steps: surface.steps,
      losses: { initial: surface.initial, final: surface.final },
      grid: { resolutions: settings.resolutions, voxelMetres: surface.grid.voxel },
      triangles: { marched: surface.indices.length / 3, final: simplified.indices.length / 3 },
      components: surface.components,
      watertight: {
        marched: surface.watertight,
        final: simplified.watertight && isWatertightWelded(atlas.positions, atlas.indices),
      },
      decimation: simplified.report,
      refine: refined,
      rimFit: rims,
      atlas: {
        charts: atlas.charts,
        utilisation: atlas.utilisation,
        textureSize: settings.textureSize,
        textureSeen: baked.seen,
      },
      seconds: {
        fit: seconds(t0, t1),
        simplify: seconds(t1, t2),
        refine: seconds(t2, t2r),
        rimFit: seconds(t2r, t2f),
        atlas: seconds(t2f, t3),
        bake: seconds(t3, t4),
        total: seconds(t0, t4),
      },
    },
  };
}

/** What decimation had to repair to keep the mesh closed and manifold (reconstruct.json). */
export interface DecimationReport {
  /** Back-to-back triangle pairs, copies and degenerate triangles removed after the simplifier. */
  removed: FlapRepair;
  /** Sheets cut apart where a collapse joined them (null when there were none). */
  split: SplitRepair | null;
  /** Which simplification was kept: the plain one, a regularised retry, or none (the marched mesh). */
  kept: 'simplified' | 'regularized' | 'marched';
  /** Defects of the kept mesh (all 0 unless the marched mesh itself had some). */
  defects: MeshDefects;
}

/**
 * meshoptimizer's simplifier to the target (error bound 1 % of the extent), then unused vertices
 * dropped. Marching tetrahedra put vertices 0.1 % of an edge apart; the first collapses remove those.
 * The simplifier does not check that a collapse keeps the surface manifold. Now and then it leaves a
 * vertex with just two triangles on the same three vertices, back to back, hanging off an edge that
 * then has four (at 128³ → 60k: 3 on the ellipsoid's sphere prior, 1 on the head + hair scene; not
 * seen at 64³ → 40k, whence the tests passed): `removeFlaps` takes them out. On a noisy surface
 * (thin gaps and handles: a random-weight pack's views) collapses also join two sheets along an edge
 * or at a vertex: `splitNonManifold` cuts them apart and keeps the largest component. Should anything
 * remain the simplification is retried regularised, and failing that the marched mesh (closed by
 * construction) is kept undecimated.
 */
export async function decimate(
  positions: Float32Array,
  indices: Uint32Array,
  targetTriangles: number,
): Promise<{ positions: Float32Array; indices: Uint32Array; watertight: boolean; report: DecimationReport }> {
  await MeshoptSimplifier.ready;
  let removed: FlapRepair = { flaps: 0, duplicates: 0, degenerate: 0 };
  let split: SplitRepair | null = null;
  let kept: DecimationReport['kept'] = 'marched';
  let outPositions = positions;
  let out = indices;
  if (indices.length / 3 > targetTriangles) {
    for (const [name, flags] of [
      ['simplified', []],
      ['regularized', ['Regularize']],
    ] as const) {
      const [simplified] = MeshoptSimplifier.simplify(indices, positions, 3, targetTriangles * 3, 0.01, [
        ...flags,
      ]);
      const repaired = removeFlaps(simplified);
      let candidate = { positions, indices: repaired.indices, split: null as SplitRepair | null };
      if (!hasNoDefects(meshDefects(candidate.indices, positions.length / 3))) {
        const cut = splitNonManifold(positions, repaired.indices);
        if (!cut || !hasNoDefects(meshDefects(cut.indices, cut.positions.length / 3))) continue;
        candidate = { positions: cut.positions, indices: cut.indices, split: cut.repair };
      }
      outPositions = candidate.positions;
      out = candidate.indices;
      removed = repaired.repair;
      split = candidate.split;
      kept = name;
      break;
    }
  }
  const remap = new Int32Array(outPositions.length / 3).fill(-1);
  const keptPositions: number[] = [];
  const compact = new Uint32Array(out.length);
  for (let i = 0; i < out.length; i++) {
    const v = out[i]!;
    if (remap[v]! < 0) {
      remap[v] = keptPositions.length / 3;
      keptPositions.push(outPositions[v * 3]!, outPositions[v * 3 + 1]!, outPositions[v * 3 + 2]!);
    }
    compact[i] = remap[v]!;
  }
  const defects = meshDefects(compact, keptPositions.length / 3);
  return {
    positions: Float32Array.from(keptPositions),
    indices: compact,
    watertight: isWatertight(compact),
    report: { removed, split, kept, defects },
  };
}
