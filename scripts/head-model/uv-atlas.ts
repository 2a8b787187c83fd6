/**
 * UV atlas of the head model: one rectangular chart per region (face front, sides, back, top,
 * bottom, ears, neck), charts never overlap; quads are split into two triangles (a,b,c)+(a,c,d).
 * UVs follow glTF: (0,0) is the texture's top-left corner. Vertices on chart seams are duplicated
 * as UV vertices; `uvVertexToVertex` leads each back to its geometry vertex.
 */
import type { QuadMesh } from './quad-mesh';

const U = 1 / 16;
/** Chart rectangles [u0, v0, u1, v1] in texture space (units of 1/16 of the atlas). */
export const ATLAS_REGIONS: { name: string; rect: [number, number, number, number] }[] = [
  { name: 'front', rect: [0, 0, 8, 9] },
  { name: 'left', rect: [8, 0, 12, 4.5] },
  { name: 'right', rect: [12, 0, 16, 4.5] },
  { name: 'back', rect: [8, 4.5, 12, 9] },
  { name: 'top', rect: [12, 4.5, 16, 8.5] },
  { name: 'bottom', rect: [0, 9, 4, 13] },
  { name: 'neck-cap', rect: [4, 9, 6, 11] },
  { name: 'ear-left-cap', rect: [6, 9, 7.5, 12] },
  { name: 'ear-right-cap', rect: [7.5, 9, 9, 12] },
  { name: 'neck', rect: [0, 13, 10, 15] },
  { name: 'ear-left', rect: [9, 9, 16, 10.5] },
  { name: 'ear-right', rect: [9, 10.5, 16, 12] },
].map((r) => ({ name: r.name, rect: r.rect.map((x) => x * U) as [number, number, number, number] }));

/** Gap kept inside each chart's rectangle so texture filtering never mixes charts. */
const INSET = 3 / 1024;

export function buildAtlas(mesh: QuadMesh): {
  triangles: number[];
  triangleRegion: number[];
  uvTriangles: number[];
  uvVertexToVertex: number[];
  uvs: number[];
} {
  const regionIndex = new Map(ATLAS_REGIONS.map((r, i) => [r.name, i]));
  // Per region, the bounds of its quads' chart coordinates (caps are sub-rectangles of a box face).
  const bounds = new Map<string, [number, number, number, number]>();
  mesh.quads.forEach((_, q) => {
    const b = bounds.get(mesh.quadRegion[q]!) ?? [Infinity, Infinity, -Infinity, -Infinity];
    for (const [u, v] of mesh.quadChartUv[q]!) {
      b[0] = Math.min(b[0], u!);
      b[1] = Math.min(b[1], v!);
      b[2] = Math.max(b[2], u!);
      b[3] = Math.max(b[3], v!);
    }
    bounds.set(mesh.quadRegion[q]!, b);
  });
  const uvKey = new Map<string, number>();
  const uvVertexToVertex: number[] = [];
  const uvs: number[] = [];
  const triangles: number[] = [];
  const triangleRegion: number[] = [];
  const uvTriangles: number[] = [];
  mesh.quads.forEach((quad, q) => {
    const name = mesh.quadRegion[q]!;
    const r = regionIndex.get(name);
    if (r === undefined) throw new Error(`no atlas chart for region ${name}`);
    const [u0, v0, u1, v1] = ATLAS_REGIONS[r]!.rect;
    const [bu0, bv0, bu1, bv1] = bounds.get(name)!;
    const uvIds = quad.map((v, c) => {
      const [cu, cv] = mesh.quadChartUv[q]![c]!;
      const u = u0 + INSET + ((cu! - bu0) / (bu1 - bu0)) * (u1 - u0 - 2 * INSET);
      const w = v0 + INSET + ((cv! - bv0) / (bv1 - bv0)) * (v1 - v0 - 2 * INSET);
      const key = `${v}:${u.toFixed(6)}:${w.toFixed(6)}`;
      let id = uvKey.get(key);
      if (id === undefined) {
        id = uvVertexToVertex.length;
        uvKey.set(key, id);
        uvVertexToVertex.push(v);
        uvs.push(u, w);
      }
      return id;
    });
    for (const [a, b, c] of [
      [0, 1, 2],
      [0, 2, 3],
    ] as const) {
      triangles.push(quad[a]!, quad[b]!, quad[c]!);
      uvTriangles.push(uvIds[a]!, uvIds[b]!, uvIds[c]!);
      triangleRegion.push(r);
    }
  });
  return { triangles, triangleRegion, uvTriangles, uvVertexToVertex, uvs };
}
