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
  /** glTF uv per vertex (seams split), triangles over the vertices, and each triangle's chart. */
  uvs: Float32Array;
  indices: Uint32Array;
  triangleChart: Uint32Array;
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
    triangleChart: surface.triangleChart,
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
