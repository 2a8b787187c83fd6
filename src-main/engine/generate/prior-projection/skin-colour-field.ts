/**
 * The low-frequency colour of the whole head, as a field on the mesh's vertices: the photo's
 * (blurred) colour where a vertex is seen — directly or, pose-aware, through its mirror — with the
 * photo's lighting divided out, extrapolated smoothly over the unseen surface and relaxing, a few
 * centimetres away from anything seen, to the skin colour (or a hair-root colour on the scalp).
 * Working on vertices, not atlas texels, makes the field continuous across UV seams and lets it
 * flow from the cheek round to the neck and the back although they lie on different charts.
 */
import type { HeadModel } from '../../geometry/head-model';
import { evaluateShading, fitLighting, type FittedLighting } from './estimate-lighting';
import type { PhotoProbe } from './measure-colours';
import { mirrorShare, MIRROR_TRUST } from './pose-aware-mirror';
import {
  fitSkinColourModel,
  scalpShare,
  skinGate,
  skinChromaLikelihood,
  skinLikelihood,
  unshadowedTrust,
  type SkinColourModel,
} from './skin-colour-model';
import { smoothstep } from '../../geometry/smoothstep';

export interface VertexColours {
  /** Blurred photo colour per vertex (RGB 0..255), direct and mirrored combined; 0 where unseen. */
  colour: Float32Array;
  /** Trust per vertex 0..1 (view angle × mask × skin gate). */
  weight: Float32Array;
  /** Weight of the direct view alone (no mirror), for fitting the light. */
  directWeight: Float32Array;
}

/** Photo colours at every vertex, the mirror used where it is seen better (as per texel). */
export function observeVertexColours(
  model: HeadModel,
  positions: Float32Array,
  normals: Float32Array,
  probe: PhotoProbe,
  skin: SkinColourModel,
): VertexColours {
  const V = model.vertexCount;
  const colour = new Float32Array(V * 3);
  const weight = new Float32Array(V);
  const directWeight = new Float32Array(V);
  const direct = new Float32Array(4);
  const mirrored = new Float32Array(4);
  const at = (v: number, out: Float32Array, gate: number): number => {
    const w = probe(
      [positions[v * 3]!, positions[v * 3 + 1]!, positions[v * 3 + 2]!],
      [normals[v * 3]!, normals[v * 3 + 1]!, normals[v * 3 + 2]!],
      out,
    );
    if (!(w > 0)) return 0;
    const skinLike =
      skinLikelihood(skin, out[0]!, out[1]!, out[2]!) * unshadowedTrust(skin, out[0]!, out[1]!, out[2]!);
    return w * (1 - gate * (1 - skinLike));
  };
  for (let v = 0; v < V; v++) {
    const gate = skinGate(model.hairWeight[v]!, model.detailWeight[v]!);
    const a = at(v, direct, gate);
    const b = at(model.mirror[v]!, mirrored, gate) * MIRROR_TRUST;
    const m = b > 0 ? mirrorShare(a, b) : 0;
    const fa = (1 - m) * a,
      fb = m * b;
    directWeight[v] = a;
    if (!(fa + fb > 0)) continue;
    weight[v] = fa + fb;
    for (let k = 0; k < 3; k++) colour[v * 3 + k] = (fa * direct[k]! + fb * mirrored[k]!) / (fa + fb);
  }
  return { colour, weight, directWeight };
}

/** Skin reference (median RGB), its colour model and the photo's lighting, from the seen face skin. */
export function measureSkinAndLight(
  model: HeadModel,
  normals: Float32Array,
  seen: VertexColours,
  skinGuess: SkinColourModel,
): { skin: SkinColourModel; reference: [number, number, number]; lighting: FittedLighting } {
  const pick: number[] = [];
  for (let v = 0; v < model.vertexCount; v++) {
    if (seen.directWeight[v]! < 0.6 || model.hairWeight[v]! > 0.3) continue;
    const c = seen.colour.subarray(v * 3, v * 3 + 3);
    // Brows, eyes, lips, hair are not skin; shadowed skin is (the light is what is fitted).
    if (skinChromaLikelihood(skinGuess, c[0]!, c[1]!, c[2]!) < 0.6) continue;
    pick.push(v);
  }
  const colours = new Float32Array(pick.length * 3);
  const sampleNormals = new Float32Array(pick.length * 3);
  const weights = new Float32Array(pick.length);
  pick.forEach((v, i) => {
    colours.set(seen.colour.subarray(v * 3, v * 3 + 3), i * 3);
    sampleNormals.set(normals.subarray(v * 3, v * 3 + 3), i * 3);
    weights[i] = seen.directWeight[v]!;
  });
  const skin = pick.length >= 12 ? fitSkinColourModel(colours) : skinGuess;
  const reference = [0, 1, 2].map((k) => {
    const s = pick.map((v) => seen.colour[v * 3 + k]!).sort((a, b) => a - b);
    return s.length ? s[s.length >> 1]! : [200, 160, 140][k]!;
  }) as [number, number, number];
  return { skin, reference, lighting: fitLighting(sampleNormals, colours, weights, reference) };
}

/** Shading is never divided by less than this (grazing normals, badly fitted corners). */
export const MIN_SHADING = 0.35;
/** Shading applied to unseen surface stays in this range: the fit knows nothing of the back. */
export const UNSEEN_SHADING_RANGE: [number, number] = [0.55, 1.25];

/**
 * Albedo field per vertex (RGB 0..255): seen colours ÷ shading, extrapolated smoothly. Skin and
 * scalp are extrapolated separately and joined by the hair weight, so the photo's hair never tints
 * the neck and the forehead's skin never pales the scalp.
 */
export function skinAlbedoField(input: {
  model: HeadModel;
  normals: Float32Array;
  seen: VertexColours;
  lighting: FittedLighting;
  skinRgb: readonly [number, number, number];
  hairRootRgb: readonly [number, number, number];
}): Float32Array {
  const { model, normals, seen, lighting } = input;
  const V = model.vertexCount;
  const observed = new Float32Array(V * 3);
  const shading = new Float32Array(3);
  const scalpShares = new Float32Array(V);
  for (let v = 0; v < V; v++) {
    scalpShares[v] = scalpShare(model.hairWeight[v]!);
    if (!(seen.weight[v]! > 0)) continue;
    evaluateShading(lighting, normals[v * 3]!, normals[v * 3 + 1]!, normals[v * 3 + 2]!, shading);
    for (let k = 0; k < 3; k++) {
      observed[v * 3 + k] = seen.colour[v * 3 + k]! / Math.max(MIN_SHADING, shading[k]!);
    }
  }
  const neighbours = vertexNeighbours(model);
  const solve = (rgb: readonly number[], share: (v: number) => number) =>
    smoothVertexField({
      neighbours,
      observed,
      weight: seen.weight.map((w, v) => w * share(v)),
      prior: new Float32Array(V * 3).map((_, i) => rgb[i % 3]!),
    });
  const skinField = solve(input.skinRgb, (v) => 1 - scalpShares[v]!);
  const scalpField = solve(input.hairRootRgb, (v) => scalpShares[v]!);
  return skinField.map((s, i) => {
    const h = model.hairWeight[(i / 3) | 0]!;
    return s * (1 - h) + scalpField[i]! * h;
  });
}

/** Vertex adjacency over the quads' edges, compressed rows. */
export function vertexNeighbours(model: HeadModel): { start: Uint32Array; list: Uint32Array } {
  const sets: Set<number>[] = Array.from({ length: model.vertexCount }, () => new Set<number>());
  const q = model.quads;
  for (let f = 0; f < q.length / 4; f++) {
    for (let k = 0; k < 4; k++) {
      const a = q[f * 4 + k]!,
        b = q[f * 4 + ((k + 1) % 4)]!;
      sets[a]!.add(b);
      sets[b]!.add(a);
    }
  }
  const start = new Uint32Array(model.vertexCount + 1);
  sets.forEach((s, v) => (start[v + 1] = start[v]! + s.size));
  const list = new Uint32Array(start[model.vertexCount]!);
  sets.forEach((s, v) => list.set([...s], start[v]!));
  return { start, list };
}

/**
 * argmin Σ w_v |f_v − c_v|² + ε Σ |f_v − prior_v|² + Σ_edges |f_a − f_b|² by over-relaxed
 * Gauss–Seidel: observed colours are kept (softened), unseen vertices get a membrane
 * interpolation that decays to the prior over ~1/√ε edges (≈ 4 cm on this mesh).
 */
export function smoothVertexField(input: {
  neighbours: { start: Uint32Array; list: Uint32Array };
  observed: Float32Array;
  weight: Float32Array;
  prior: Float32Array;
  dataStrength?: number;
  priorStrength?: number;
  iterations?: number;
}): Float32Array {
  const { neighbours, observed, weight, prior } = input;
  const dataStrength = input.dataStrength ?? 2;
  const eps = input.priorStrength ?? 0.004;
  const iterations = input.iterations ?? 160;
  const V = weight.length;
  const f = Float32Array.from(prior);
  for (let v = 0; v < V; v++) {
    if (weight[v]! > 0) for (let k = 0; k < 3; k++) f[v * 3 + k] = observed[v * 3 + k]!;
  }
  const omega = 1.9;
  const { start, list } = neighbours;
  for (let it = 0; it < iterations; it++) {
    for (let v = 0; v < V; v++) {
      const w = weight[v]! * dataStrength;
      const deg = start[v + 1]! - start[v]!;
      const denom = w + eps + deg;
      for (let k = 0; k < 3; k++) {
        let s = w * observed[v * 3 + k]! + eps * prior[v * 3 + k]!;
        for (let j = start[v]!; j < start[v + 1]!; j++) s += f[list[j]! * 3 + k]!;
        const target = s / denom;
        f[v * 3 + k] = f[v * 3 + k]! + omega * (target - f[v * 3 + k]!);
      }
    }
  }
  return f;
}

/**
 * 0..1 per vertex: how deep a hollow the vertex sits in (the ear's bowl, the crease behind it, the
 * nostril's wing), from the offset of its neighbours' centroid along its normal. Synthesised skin
 * is darkened there in the lit texture — the ambient occlusion a photo shows and the order-2
 * lighting cannot, so an ear reads as an ear and not as a flat cut-out.
 */
export function vertexCavity(model: HeadModel, positions: Float32Array, normals: Float32Array): Float32Array {
  const { start, list } = vertexNeighbours(model);
  const out = new Float32Array(model.vertexCount);
  for (let v = 0; v < model.vertexCount; v++) {
    const deg = start[v + 1]! - start[v]!;
    if (deg === 0) continue;
    let cx = 0,
      cy = 0,
      cz = 0,
      edge = 0;
    for (let j = start[v]!; j < start[v + 1]!; j++) {
      const u = list[j]! * 3;
      const dx = positions[u]! - positions[v * 3]!,
        dy = positions[u + 1]! - positions[v * 3 + 1]!,
        dz = positions[u + 2]! - positions[v * 3 + 2]!;
      cx += dx;
      cy += dy;
      cz += dz;
      edge += Math.hypot(dx, dy, dz);
    }
    const along = (cx * normals[v * 3]! + cy * normals[v * 3 + 1]! + cz * normals[v * 3 + 2]!) / deg;
    out[v] = smoothstep(0.03, 0.3, along / Math.max(1e-9, edge / deg));
  }
  return out;
}
