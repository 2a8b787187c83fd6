/**
 * What the photo shows that the colour model does not: a per-vertex gain, the photo's low-frequency
 * colour over the synthesised colour where the texture takes the photo, carried a few centimetres
 * into the unseen surface and relaxing to 1 beyond. The order-2 lighting cannot hold a hard shadow
 * (mendeleev.jpg's side-lit face), and shadowed skin is kept out of the skin model, so without it the
 * synthesised skin beside a shadowed cheek came out lit: a light patch against the dark photo at the
 * chart's edge. On vertices, not texels, so the gain crosses from one chart to the next.
 */
import type { HeadModel } from '../../geometry/head-model';
import { interpolateVertexField, type AtlasSurface } from './atlas-surface';
import { smoothVertexField, vertexNeighbours } from './skin-colour-field';
import { scalpShare } from './skin-colour-model';

/** Texels count for the photo from this trust on (the bake's own photo/fill split). */
const PHOTO_TRUST = 0.5;
/** The gain stays in this range: a ratio beyond it is a feature (an eye, a lip), not light. */
const GAIN_RANGE: [number, number] = [0.45, 1.6];
/** Texel weight (summed barycentrics × trust) at which a vertex counts as fully seen. */
const FULL_WEIGHT = 24;

/**
 * Texel gains (RGB) that bring `synthesised` to the photo's low-frequency colour where `trust` says
 * the texture takes the photo, and to 1 away from it.
 */
export function residualGain(input: {
  model: HeadModel;
  surface: AtlasSurface;
  /** The photo's colour per texel (RGB), as the texture takes it. */
  photo: Float32Array;
  /** The synthesised colour per texel (RGB) the gain will multiply. */
  synthesised: Float32Array;
  /** Photo trust per texel, 0..1. */
  trust: Float32Array;
}): Float32Array {
  const { model, surface, photo, synthesised, trust } = input;
  const { triangle, b1, b2 } = surface;
  const { uvTriangles, uvVertexToVertex: geo } = model;
  const V = model.vertexCount;
  const photoSum = new Float64Array(V * 3);
  const synthSum = new Float64Array(V * 3);
  const weight = new Float64Array(V);
  // Reused per texel: this loop runs over the atlas's photo texels (~40 % of 1M at 1024²).
  const bary = new Float64Array(3);
  for (let p = 0; p < triangle.length; p++) {
    const t = triangle[p]!;
    const s = trust[p]!;
    if (t < 0 || s < PHOTO_TRUST) continue;
    bary[0] = 1 - b1[p]! - b2[p]!;
    bary[1] = b1[p]!;
    bary[2] = b2[p]!;
    for (let c = 0; c < 3; c++) {
      const v = geo[uvTriangles[t * 3 + c]!]!;
      const w = bary[c]! * s;
      weight[v]! += w;
      for (let k = 0; k < 3; k++) {
        photoSum[v * 3 + k]! += w * photo[p * 3 + k]!;
        synthSum[v * 3 + k]! += w * synthesised[p * 3 + k]!;
      }
    }
  }
  const observed = new Float32Array(V * 3);
  const seen = new Float32Array(V);
  for (let v = 0; v < V; v++) {
    if (!(weight[v]! > 0)) continue;
    seen[v] = Math.min(1, weight[v]! / FULL_WEIGHT);
    for (let k = 0; k < 3; k++) {
      // Ratio of sums over the vertex's texels: the photo's pores and strands average out.
      const ratio = (photoSum[v * 3 + k]! + 1) / (synthSum[v * 3 + k]! + 1);
      observed[v * 3 + k] = Math.min(GAIN_RANGE[1], Math.max(GAIN_RANGE[0], ratio));
    }
  }
  const gain = smoothVertexField({
    neighbours: vertexNeighbours(model),
    observed,
    weight: seen,
    prior: new Float32Array(V * 3).fill(1),
  });
  // Not onto the scalp: under the hair or a cap the photo's residual says nothing, and the scalp
  // keeps the hair-root colour (a white cap's crown took the forehead's skin tone through the shell).
  for (let v = 0; v < V; v++) {
    const keep = 1 - scalpShare(model.hairWeight[v]!);
    for (let k = 0; k < 3; k++) gain[v * 3 + k] = 1 + (gain[v * 3 + k]! - 1) * keep;
  }
  return interpolateVertexField(model, surface, gain, 3);
}
