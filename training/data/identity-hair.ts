/**
 * The synthetic person's hair: the studio's own hairstyle library shaped on their head, textured with
 * the library's strand noise in their colour (and grey strands with age). The same mesh code the
 * generator exports, so the network learns the hair the studio makes.
 */
import type { HeadModel } from '../../src-main/engine/geometry/head-model';
import { computeVertexNormals } from '../../src-main/engine/geometry/textured-mesh';
import { buildHairMesh, HAIR_MESH_COARSE } from '../../src-main/engine/generate/hair/build-hair-mesh';
import { strandNoise } from '../../src-main/engine/generate/hair/hair-texture-synthesis';
import { headRadialField } from '../../src-main/engine/generate/hair/head-radial-field';
import { hairShape } from '../../src-main/engine/generate/hair/hairstyle-library';
import type { HairLook } from './draw-identity';
import type { LitObject } from './render-lit';

export function identityHair(
  model: HeadModel,
  positions: Float32Array,
  look: HairLook,
  size: number,
): LitObject {
  const field = headRadialField(model, positions);
  const geometry = buildHairMesh(field, hairShape(field, look.params), HAIR_MESH_COARSE);
  const strands = strandNoise(size, look.noiseSeed, look.params.parting);
  const greyStrands =
    look.grey > 0 ? strandNoise(size, look.noiseSeed ^ 0x5bd1e995, look.params.parting) : null;
  const data = new Uint8Array(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    const s = 1 + 0.15 * Math.max(-2.5, Math.min(2.5, strands[p]!));
    // grey strands where the second noise field is high: more of them the greyer the person
    const grey = greyStrands ? look.grey * (0.5 + 0.5 * Math.tanh(greyStrands[p]! * 1.5)) : 0;
    for (let k = 0; k < 3; k++) {
      const base = look.colour[k]! + (196 - look.colour[k]!) * grey;
      data[p * 4 + k] = Math.max(0, Math.min(255, Math.round(base * s)));
    }
    data[p * 4 + 3] = 255;
  }
  return {
    positions: geometry.positions,
    uvs: geometry.uvs,
    indices: geometry.indices,
    normals: computeVertexNormals(geometry.positions, geometry.indices),
    texture: { data, width: size, height: size },
  };
}
