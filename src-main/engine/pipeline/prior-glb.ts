/**
 * The estimator's mesh as a job artifact: `prior/mesh.glb` for viewers and `prior/mesh/` for the
 * exporter (its "include the prior" option). It stays in the camera's world frame (no re-centring,
 * so it matches `prior/camera.json`) and is untextured: one neutral grey.
 */
import sharp from 'sharp';
import { EXPORT_GENERATOR } from '../export';
import { prepareMesh } from '../export/prepared-mesh';
import { encodeTexture } from '../export/texture';
import { buildGlb } from '../export/write-glb';
import type { EstimatedMesh } from '../estimate/estimator';
import type { TexturedMesh } from '../geometry/textured-mesh';

export async function priorTexturedMesh(mesh: EstimatedMesh, name: string): Promise<TexturedMesh> {
  const grey = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#b4b4b4' } })
    .png()
    .toBuffer();
  return {
    name: `${name}_prior`,
    positions: mesh.positions,
    uvs: new Float32Array((mesh.positions.length / 3) * 2).fill(0.5),
    indices: mesh.indices,
    texturePng: grey,
  };
}

export async function priorMeshGlb(prior: TexturedMesh): Promise<Uint8Array> {
  const texture = await encodeTexture(prior.texturePng, 512, 'png');
  return buildGlb(
    [
      {
        objectName: prior.name,
        materialName: prior.name,
        mesh: prepareMesh(prior),
        texture,
        textureFileName: `${prior.name}.png`,
      },
    ],
    prior.name,
    EXPORT_GENERATOR,
  );
}
