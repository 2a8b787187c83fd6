/**
 * `prior/mesh.glb`: the estimator's mesh as it stands in the camera's world frame (no re-centring, so
 * it stays consistent with `prior/camera.json`), untextured: a neutral grey material.
 */
import sharp from 'sharp';
import { EXPORT_GENERATOR } from '../export';
import { prepareMesh } from '../export/prepared-mesh';
import { encodeTexture } from '../export/texture';
import { buildGlb } from '../export/write-glb';
import type { EstimatedMesh } from '../estimate/estimator';

export async function priorMeshGlb(mesh: EstimatedMesh, name: string): Promise<Uint8Array> {
  const grey = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#b4b4b4' } })
    .png()
    .toBuffer();
  const prepared = prepareMesh({
    name,
    positions: mesh.positions,
    uvs: new Float32Array((mesh.positions.length / 3) * 2).fill(0.5),
    indices: mesh.indices,
    texturePng: grey,
  });
  const texture = await encodeTexture(grey, 512, 'png');
  return buildGlb(
    [
      {
        objectName: name,
        materialName: `${name}_prior`,
        mesh: prepared,
        texture,
        textureFileName: `${name}_prior.png`,
      },
    ],
    name,
    EXPORT_GENERATOR,
  );
}
