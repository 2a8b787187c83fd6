/**
 * The setting `reconstructMesh: 'prior'`: the generator's own head and hair objects keep their
 * geometry and topology (the studio's: the same UVs every time, ears, neck, a separate hair object —
 * what riggers and animators need) and take the reconstruction's texture, each texel from the
 * nearest point of the reconstructed surface (generate/texture-transfer.ts).
 */
import { transferTexture } from '../generate/texture-transfer';
import type { TexturedMesh } from '../geometry/textured-mesh';
import type { RawImage } from '../image/raw-image';

export interface ReconstructedSurface {
  /** In the same coordinates as the objects. */
  positions: Float32Array;
  /** glTF uv per vertex (seams split), triangles over the vertices. */
  uvs: Float32Array;
  indices: Uint32Array;
  /** RGBA. */
  texture: RawImage;
}

export async function priorWithReconstructedTexture(
  surface: ReconstructedSurface,
  objects: readonly TexturedMesh[],
  textureSize: number,
  signal?: AbortSignal,
): Promise<{ meshes: TexturedMesh[]; coveredShare: number[] }> {
  const source = {
    positions: surface.positions,
    triangles: surface.indices,
    uvs: surface.uvs,
    uvTriangles: surface.indices,
    triangleChart: triangleComponents(surface.indices, surface.positions.length / 3),
    texture: surface.texture,
  };
  const meshes: TexturedMesh[] = [];
  const coveredShare: number[] = [];
  for (const object of objects) {
    const { texturePng, coveredShare: share } = await transferTexture(source, object, textureSize, signal);
    meshes.push({ ...object, texturePng });
    coveredShare.push(share);
  }
  return { meshes, coveredShare };
}

/**
 * Chart id per triangle: the atlas splits vertices at its seams, so the triangles connected through
 * shared vertices are exactly one chart.
 */
export function triangleComponents(indices: Uint32Array, vertexCount: number): Uint32Array {
  const parent = new Uint32Array(vertexCount).map((_, i) => i);
  const find = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]!]!;
      v = parent[v]!;
    }
    return v;
  };
  for (let i = 0; i < indices.length; i += 3) {
    const a = find(indices[i]!);
    parent[find(indices[i + 1]!)] = a;
    parent[find(indices[i + 2]!)] = a;
  }
  const chart = new Uint32Array(indices.length / 3);
  for (let t = 0; t < chart.length; t++) chart[t] = find(indices[t * 3]!);
  return chart;
}
