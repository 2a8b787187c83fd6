import { Document, NodeIO } from '@gltf-transform/core';
import type { PreparedMesh } from './prepared-mesh';
import type { EncodedTexture } from './texture';

/** One object of the export: the head, or the prior beside it. */
export interface ExportObject {
  /** Node/object name shown in DCC tools. */
  objectName: string;
  materialName: string;
  /** Already placed in the file's frame. */
  mesh: PreparedMesh;
  texture: EncodedTexture;
  /** File name of the texture next to an OBJ (GLB embeds it). */
  textureFileName: string;
  /** Hair is rougher than skin; default skin. */
  kind?: 'skin' | 'hair';
}

/** Skin: a dielectric with a soft sheen. */
export const SKIN_ROUGHNESS = 0.6;
export const SKIN_METALLIC = 0;
/** Hair: a rough dielectric (strand highlights are in the texture, not the material). */
export const HAIR_ROUGHNESS = 0.8;

export function roughnessOf(object: Pick<ExportObject, 'kind'>): number {
  return object.kind === 'hair' ? HAIR_ROUGHNESS : SKIN_ROUGHNESS;
}

/**
 * A self-contained GLB: one node per object (its mesh named alike), POSITION/NORMAL/TEXCOORD_0 and
 * indices, a metallic-roughness material with the embedded base-colour texture. No compression
 * extension: Blender 3.4's importer knows KHR_draco but not EXT_meshopt_compression.
 */
export async function buildGlb(
  objects: ExportObject[],
  sceneName: string,
  generator: string,
): Promise<Uint8Array> {
  const doc = new Document();
  doc.getRoot().getAsset().generator = generator;
  const buffer = doc.createBuffer();
  const scene = doc.createScene(sceneName);
  doc.getRoot().setDefaultScene(scene);
  for (const object of objects) {
    const { mesh } = object;
    const accessor = (type: 'VEC2' | 'VEC3' | 'SCALAR', array: Float32Array | Uint16Array | Uint32Array) =>
      doc.createAccessor().setType(type).setArray(array).setBuffer(buffer);
    const vertexCount = mesh.positions.length / 3;
    // 16-bit indices where they fit: half the size, and the form every viewer supports.
    const indices = vertexCount <= 0xffff ? Uint16Array.from(mesh.indices) : mesh.indices;
    const texture = doc
      .createTexture(object.materialName)
      .setImage(new Uint8Array(object.texture.bytes))
      .setMimeType(object.texture.mimeType);
    const material = doc
      .createMaterial(object.materialName)
      .setBaseColorTexture(texture)
      .setMetallicFactor(SKIN_METALLIC)
      .setRoughnessFactor(roughnessOf(object));
    const primitive = doc
      .createPrimitive()
      .setAttribute('POSITION', accessor('VEC3', mesh.positions))
      .setAttribute('NORMAL', accessor('VEC3', mesh.normals))
      .setAttribute('TEXCOORD_0', accessor('VEC2', mesh.uvs))
      .setIndices(accessor('SCALAR', indices))
      .setMaterial(material);
    const gltfMesh = doc.createMesh(object.objectName).addPrimitive(primitive);
    scene.addChild(doc.createNode(object.objectName).setMesh(gltfMesh));
  }
  return new NodeIO().writeBinary(doc);
}
