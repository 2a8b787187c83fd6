/**
 * The hair shell as a triangle mesh: a (θ, s) grid swept from the crown down the outer surface to the
 * hair's end, across the edge, and back up the inner surface to a second crown point — topologically a
 * sphere, so closed (every edge shared by two triangles once the UV seam is welded) by construction.
 *
 * UVs: the outer surface fills the top 78 % of the atlas as a lat-long map (u = azimuth, seam at the
 * back of the head; v = down the hair from the crown), so strands run along +v; the inner surface the
 * strip below it (HAIR_ATLAS; a little less of both beside a beard).
 */
import { direction, type HeadRadialField } from './head-radial-field';
import type { HairShape } from './hairstyle-library';

/** Grid of the shell: columns around, rows down the outer and up the inner surface. */
export interface HairMeshResolution {
  columns: number;
  outerRows: number;
  innerRows: number;
}

/** The exported shell (~15k triangles). */
export const HAIR_MESH_FULL: HairMeshResolution = { columns: 128, outerRows: 48, innerRows: 12 };
/** Enough for a silhouette at the fit's render size, at a sixth of the cost. */
export const HAIR_MESH_COARSE: HairMeshResolution = { columns: 64, outerRows: 20, innerRows: 4 };
/** v ranges of the outer and inner surfaces in the atlas. */
export interface HairAtlasLayout {
  outerV: [number, number];
  innerV: [number, number];
}
export const HAIR_ATLAS: HairAtlasLayout = { outerV: [0.004, 0.78], innerV: [0.8, 0.996] };
/**
 * With a beard the hair gives up a little of its v range and the beard (build-beard-mesh.ts) takes
 * the bottom-left block: about as many texels per millimetre across it as down it.
 */
export const HAIR_ATLAS_BESIDE_BEARD: HairAtlasLayout = { outerV: [0.004, 0.7], innerV: [0.72, 0.78] };
export const BEARD_ATLAS: { u: [number, number]; v: [number, number] } = {
  u: [0.004, 0.496],
  v: [0.8, 0.996],
};

export interface HairMeshGeometry {
  positions: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
}

export function buildHairMesh(
  field: HeadRadialField,
  shape: HairShape,
  resolution: HairMeshResolution = HAIR_MESH_FULL,
  layout: HairAtlasLayout = HAIR_ATLAS,
): HairMeshGeometry {
  const { outerV, innerV } = layout;
  const { columns: cols, outerRows: OUTER_ROWS, innerRows: INNER_ROWS } = resolution;
  const azimuth = (j: number) => (j / cols) * 2 * Math.PI - Math.PI;
  // Column j's azimuth: the seam (j = 0 and j = cols) at the back of the head, the face at cols/2.
  const ends = new Float32Array(cols + 1);
  for (let j = 0; j <= cols; j++) ends[j] = shape.endPhi(azimuth(j));
  // Rows: outer crown, outer rings s = 1/OUTER_ROWS … 1, inner rings s = 1 … 1/INNER_ROWS, inner crown.
  const rows: { s: number; outer: boolean; v: number }[] = [];
  for (let i = 1; i <= OUTER_ROWS; i++) {
    rows.push({ s: i / OUTER_ROWS, outer: true, v: lerp(outerV, i / OUTER_ROWS) });
  }
  for (let i = INNER_ROWS; i >= 1; i--) {
    rows.push({ s: i / INNER_ROWS, outer: false, v: lerp(innerV, 1 - i / INNER_ROWS) });
  }
  const ringVertices = rows.length * (cols + 1);
  const vertexCount = ringVertices + 2 * cols;
  const positions = new Float32Array(vertexCount * 3);
  const uvs = new Float32Array(vertexCount * 2);
  const [cx, cy, cz] = field.centre;
  const put = (v: number, theta: number, phi: number, r: number, u: number, tv: number) => {
    const d = direction(theta, phi);
    positions[v * 3] = cx + d[0] * r;
    positions[v * 3 + 1] = cy + d[1] * r;
    positions[v * 3 + 2] = cz + d[2] * r;
    uvs[v * 2] = u;
    uvs[v * 2 + 1] = tv;
  };
  rows.forEach((row, i) => {
    for (let j = 0; j <= cols; j++) {
      const theta = azimuth(j);
      const phi = shape.hangs ? rowPhi(row.s, ends[j]!) : row.s * ends[j]!;
      const { outer, inner } = shape.radii(theta, phi, ends[j]!);
      const v = i * (cols + 1) + j;
      put(v, theta, phi, row.outer ? outer : inner, j / cols, row.v);
      // The seam's two columns share their positions exactly (θ = −π and π differ in the last bit).
      if (j === cols) positions.copyWithin(v * 3, (v - cols) * 3, (v - cols) * 3 + 3);
    }
  });
  // The two crown points, one vertex per column (each with its column's u) at the same position. Their
  // v stays inside the atlas' margin: at v = 0 and 1 a repeating sampler (glTF's default) blends the
  // top texel row with the bottom one, and the crown showed a dark dot in Blender.
  const crown = shape.radii(0, 0, ends[0]!);
  for (let j = 0; j < cols; j++) {
    put(ringVertices + j, 0, 0, crown.outer, (j + 0.5) / cols, outerV[0]);
    put(ringVertices + cols + j, 0, 0, crown.inner, (j + 0.5) / cols, innerV[1]);
  }
  const indices: number[] = [];
  const at = (i: number, j: number) => i * (cols + 1) + j;
  for (let j = 0; j < cols; j++) {
    // Counter-clockwise seen from outside: the outer surface faces away from the centre.
    indices.push(ringVertices + j, at(0, j), at(0, j + 1));
    for (let i = 0; i + 1 < rows.length; i++) {
      indices.push(at(i, j), at(i + 1, j), at(i + 1, j + 1));
      indices.push(at(i, j), at(i + 1, j + 1), at(i, j + 1));
    }
    const last = rows.length - 1;
    indices.push(ringVertices + cols + j, at(last, j + 1), at(last, j));
  }
  return { positions, uvs, indices: Uint32Array.from(indices) };
}

/**
 * Polar angle of row s (0 at the crown, 1 at the end φ = end) of hanging hair: evenly spaced along
 * the hair, not in angle. Below the head's centre a curtain drops a distance ∝ −cot φ (r = ρ / sin φ),
 * so rows evenly spaced in angle lay a few centimetres of a long curtain apart at its end: its waves
 * went unsampled there, and the fit's coarse mesh ended the curtain higher than the exported one.
 * The measure is φ above the equator and π/2 − cot φ below it (continuous, with its slope).
 */
export function rowPhi(s: number, end: number): number {
  const l = s * alongHair(end);
  return l <= Math.PI / 2 ? l : Math.PI / 2 + Math.atan(l - Math.PI / 2);
}

/** rowPhi's measure (a module function: rowPhi runs per vertex, and tsx wraps each closure made). */
function alongHair(phi: number): number {
  return phi <= Math.PI / 2 ? phi : Math.PI / 2 - 1 / Math.tan(phi);
}

function lerp([a, b]: [number, number], t: number): number {
  return a + (b - a) * t;
}
