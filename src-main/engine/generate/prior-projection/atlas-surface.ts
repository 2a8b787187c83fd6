/**
 * Where each atlas texel lies on the head: its UV triangle and barycentric coordinates, so any
 * per-vertex quantity (normal, hair weight, a smooth colour field) can be read per texel. Fields
 * defined on the geometry's vertices agree across UV seams, which per-chart image operations do not.
 */
import type { HeadModel } from '../../geometry/head-model';

export interface AtlasSurface {
  size: number;
  /** UV triangle per texel, −1 off the charts. */
  triangle: Int32Array;
  /** Barycentric weights of the triangle's 2nd and 3rd vertex per texel (the 1st is 1 − b1 − b2). */
  b1: Float32Array;
  b2: Float32Array;
  /** Atlas chart (index into model.regions) per texel, −1 off the charts. */
  chart: Int16Array;
}

/**
 * @param triangleIds UV triangle per texel as the native renderer drew the layout (texel i's centre
 *   at uv (i + ½) / size).
 */
export function atlasSurface(model: HeadModel, triangleIds: Int32Array, size: number): AtlasSurface {
  const { b1, b2 } = texelBarycentrics(model.uvs, model.uvTriangles, triangleIds, size);
  const chart = new Int16Array(size * size).fill(-1);
  for (let p = 0; p < chart.length; p++)
    if (triangleIds[p]! >= 0) chart[p] = model.triangleRegion[triangleIds[p]!]!;
  return { size, triangle: triangleIds, b1, b2, chart };
}

/**
 * Barycentric weights of the 2nd and 3rd vertex of each texel's triangle (0 off the charts), for any
 * UV layout: `uvs` per UV vertex, `triangles` over them, `triangleIds` as atlasSurface takes them.
 */
export function texelBarycentrics(
  uvs: ArrayLike<number>,
  triangles: ArrayLike<number>,
  triangleIds: Int32Array,
  size: number,
): { b1: Float32Array; b2: Float32Array } {
  const nTri = triangles.length / 3;
  // Per triangle, the affine map texel (x, y) → (b1, b2).
  const affine = new Float64Array(nTri * 6);
  for (let t = 0; t < nTri; t++) {
    const ia = triangles[t * 3]!,
      ib = triangles[t * 3 + 1]!,
      ic = triangles[t * 3 + 2]!;
    const ax = uvs[ia * 2]! * size - 0.5,
      ay = uvs[ia * 2 + 1]! * size - 0.5;
    const ex = uvs[ib * 2]! * size - 0.5 - ax,
      ey = uvs[ib * 2 + 1]! * size - 0.5 - ay;
    const fx = uvs[ic * 2]! * size - 0.5 - ax,
      fy = uvs[ic * 2 + 1]! * size - 0.5 - ay;
    const det = ex * fy - ey * fx;
    if (Math.abs(det) < 1e-12) continue; // degenerate: all weight on the first vertex
    // [b1 b2] = inverse([e f]) · ([x y] − a)
    const i00 = fy / det,
      i01 = -fx / det,
      i10 = -ey / det,
      i11 = ex / det;
    affine.set([i00, i01, -(i00 * ax + i01 * ay), i10, i11, -(i10 * ax + i11 * ay)], t * 6);
  }
  const n = size * size;
  const b1 = new Float32Array(n);
  const b2 = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const t = triangleIds[p]!;
    if (t < 0) continue;
    const x = p % size,
      y = (p - x) / size;
    const o = t * 6;
    let u = affine[o]! * x + affine[o + 1]! * y + affine[o + 2]!;
    let v = affine[o + 3]! * x + affine[o + 4]! * y + affine[o + 5]!;
    // Texel centres just outside a triangle's edge (rasterizer tie rules) are clamped onto it.
    u = Math.min(1, Math.max(0, u));
    v = Math.min(1 - u, Math.max(0, v));
    b1[p] = u;
    b2[p] = v;
  }
  return { b1, b2 };
}

/**
 * A per-vertex field (`channels` values per geometry vertex) read at every texel; off-chart texels
 * stay 0.
 */
export function interpolateVertexField(
  model: HeadModel,
  surface: AtlasSurface,
  field: Float32Array,
  channels: number,
): Float32Array {
  const { triangle, b1, b2 } = surface;
  const { uvTriangles, uvVertexToVertex: geo } = model;
  const out = new Float32Array(triangle.length * channels);
  for (let p = 0; p < triangle.length; p++) {
    const t = triangle[p]!;
    if (t < 0) continue;
    const va = geo[uvTriangles[t * 3]!]! * channels,
      vb = geo[uvTriangles[t * 3 + 1]!]! * channels,
      vc = geo[uvTriangles[t * 3 + 2]!]! * channels;
    const w1 = b1[p]!,
      w2 = b2[p]!,
      w0 = 1 - w1 - w2;
    for (let k = 0; k < channels; k++) {
      out[p * channels + k] = w0 * field[va + k]! + w1 * field[vb + k]! + w2 * field[vc + k]!;
    }
  }
  return out;
}

/**
 * Texels per metre of surface, per chart (3-D area vs atlas area of its triangles): synthesised
 * texture is resampled by the ratio so skin pores keep one size on every chart.
 */
export function chartTexelDensity(model: HeadModel, positions: Float32Array, size: number): Float64Array {
  const area3d = new Float64Array(model.regions.length);
  const areaUv = new Float64Array(model.regions.length);
  const { triangles, uvTriangles, uvs } = model;
  for (let t = 0; t < triangles.length / 3; t++) {
    const a = triangles[t * 3]! * 3,
      b = triangles[t * 3 + 1]! * 3,
      c = triangles[t * 3 + 2]! * 3;
    const ex = positions[b]! - positions[a]!,
      ey = positions[b + 1]! - positions[a + 1]!,
      ez = positions[b + 2]! - positions[a + 2]!;
    const fx = positions[c]! - positions[a]!,
      fy = positions[c + 1]! - positions[a + 1]!,
      fz = positions[c + 2]! - positions[a + 2]!;
    const cx = ey * fz - ez * fy,
      cy = ez * fx - ex * fz,
      cz = ex * fy - ey * fx;
    const ua = uvTriangles[t * 3]! * 2,
      ub = uvTriangles[t * 3 + 1]! * 2,
      uc = uvTriangles[t * 3 + 2]! * 2;
    const uvArea =
      ((uvs[ub]! - uvs[ua]!) * (uvs[uc + 1]! - uvs[ua + 1]!) -
        (uvs[ub + 1]! - uvs[ua + 1]!) * (uvs[uc]! - uvs[ua]!)) *
      size *
      size;
    const r = model.triangleRegion[t]!;
    area3d[r] = area3d[r]! + 0.5 * Math.hypot(cx, cy, cz);
    areaUv[r] = areaUv[r]! + 0.5 * Math.abs(uvArea);
  }
  return area3d.map((a, r) => (a > 0 ? Math.sqrt(areaUv[r]! / a) : 0));
}
