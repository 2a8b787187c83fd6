/** Reading back and validating GLB files in tests. */
import { NodeIO } from '@gltf-transform/core';
import sharp from 'sharp';
// gltf-validator ships no types
// eslint-disable-next-line @typescript-eslint/ban-ts-comment
// @ts-ignore
import validator from 'gltf-validator';

export interface GlbReport {
  issues: {
    numErrors: number;
    numWarnings: number;
    messages: { code: string; message: string; severity: number }[];
  };
}

export async function validateGlb(bytes: Uint8Array): Promise<GlbReport> {
  return (validator as { validateBytes(b: Uint8Array): Promise<GlbReport> }).validateBytes(bytes);
}

export async function readGlbMesh(bytes: Uint8Array): Promise<{
  positions: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
  texture: { data: Buffer; width: number; height: number; channels: number };
  nodeNames: string[];
  generator: string;
}> {
  const doc = await new NodeIO().readBinary(bytes);
  const root = doc.getRoot();
  const prim = root.listMeshes()[0]!.listPrimitives()[0]!;
  const image = prim.getMaterial()!.getBaseColorTexture()!.getImage()!;
  const { data, info } = await sharp(Buffer.from(image))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    positions: prim.getAttribute('POSITION')!.getArray() as Float32Array,
    uvs: prim.getAttribute('TEXCOORD_0')!.getArray() as Float32Array,
    indices: Uint32Array.from(prim.getIndices()!.getArray()!),
    texture: { data, width: info.width, height: info.height, channels: info.channels },
    nodeNames: root.listNodes().map((n) => n.getName()),
    generator: root.getAsset().generator ?? '',
  };
}
