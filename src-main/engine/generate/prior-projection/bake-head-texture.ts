/**
 * Prior projection without diffusion: bakes the photo onto the fitted head's UV atlas. Each texel
 * takes the photo where its surface point faces the camera and is not hidden (weighted by view
 * angle and person mask); the hidden side of the face takes its mirror point's photo colour (the
 * model is left/right symmetric); everything never seen (sides, back, scalp, ears, neck) gets skin
 * and hair colours measured in the photo, blended by the model's hair weight. Blends are smooth
 * because every weight falls off continuously with the view angle.
 *
 * Rasterization (visibility, projection, UV layout, seam dilation) is the native addon's; this file
 * only shapes weights and blends.
 */
import sharp from 'sharp';
import type { PinholeCamera } from '../../geometry/camera';
import type { HeadModel } from '../../geometry/head-model';
import { computeVertexNormals, type TexturedMesh } from '../../geometry/textured-mesh';
import { dilateAtlas } from '../../native/native-addon';
import { throwIfCancelled } from '../../stage-error';
import { createPhotoProbe, measureHair, measureSkin } from './measure-colours';
import {
  atlasTriangleIds,
  photoDepth,
  photoWithMaskAlpha,
  projectPhotoOntoAtlas,
  type UvSurface,
} from './photo-projection';

export interface BakeInput {
  photoRgba: { data: Uint8Array; width: number; height: number };
  /** Person mask (255 = person), any size (scaled to the photo). */
  mask?: { data: Uint8Array; width: number; height: number };
  /** Fitted positions in the model's topology (metres, canonical frame). */
  positions: Float32Array;
  model: HeadModel;
  camera: PinholeCamera;
  textureSize: 1024 | 2048;
}

export interface BakeResult {
  texturePng: Buffer;
  /** Shares of the atlas' chart texels: from the photo, from the mirrored photo, filled. */
  coverage: { photo: number; mirrored: number; filled: number };
  skinRgb: [number, number, number];
  hairRgb: [number, number, number];
}

const DEFAULT_HAIR: [number, number, number] = [58, 44, 34];
/** A point counts as seen when it is at most this far behind the nearest surface (metres). */
const DEPTH_TOLERANCE_M = 0.004;
/** The mirrored photo never fully replaces the fill colour: it is a guess of the hidden side. */
const MIRROR_TRUST = 0.9;
/** Texels past the charts filled by dilation; charts are far apart, so this fills the whole atlas. */
const FILL_PIXELS = 4096;

/**
 * Weight of a view-angle cosine: none at grazing angles (stretched photo, hair and background at
 * the silhouette), full when facing. Measured on astronaut.png (front render vs photo inside the face
 * oval, mean error /255): the native bake's plain cos 10.2, this 3.9, a steeper 0.3..0.8 10.7.
 */
export function viewAngleWeight(cos: number): number {
  return smoothstep(0.15, 0.5, cos);
}

export async function bakeHeadTexture(input: BakeInput, signal?: AbortSignal): Promise<BakeResult> {
  const { model, positions, camera, textureSize: size } = input;
  const normals = computeVertexNormals(positions, model.triangles);
  const photo = await photoWithMaskAlpha(input.photoRgba, input.mask);
  throwIfCancelled(signal);

  const depth = await photoDepth(positions, model.triangles, camera, photo.width, photo.height);
  const distance = Math.max(0.05, Math.hypot(camera.t[0]!, camera.t[1]!, camera.t[2]!));
  const probe = createPhotoProbe(photo, depth, camera, DEPTH_TOLERANCE_M / distance, viewAngleWeight);
  const skin = measureSkin(model, positions, normals, probe);
  const hair = measureHair(model, positions, normals, probe) ?? DEFAULT_HAIR;
  throwIfCancelled(signal);

  // The atlas seen directly, and seen through the mirror: each texel's surface point replaced by its
  // mirror point (x → −x), so a texel hidden from the camera takes its visible twin's colour.
  const direct = uvSurface(model, positions, normals, false);
  const mirrored = uvSurface(model, positions, normals, true);
  const project = (surface: UvSurface) =>
    projectPhotoOntoAtlas({ photo, surface, camera, size, depthToleranceM: DEPTH_TOLERANCE_M });
  const seenDirect = await project(direct);
  throwIfCancelled(signal);
  const seenMirrored = await project(mirrored);
  throwIfCancelled(signal);
  const triangleIds = await atlasTriangleIds(direct.uvs, direct.indices, size);
  throwIfCancelled(signal);

  const hairPlanes = hairWeightPlanes(model, size);
  const rgba = new Uint8Array(size * size * 4);
  const known = new Float32Array(size * size);
  let nPhoto = 0,
    nMirror = 0,
    nFill = 0;
  for (let p = 0; p < size * size; p++) {
    const t = triangleIds[p]!;
    if (t < 0) continue;
    known[p] = 1;
    const a = viewAngleWeight(seenDirect.cos[p]!) * (seenDirect.rgba[p * 4 + 3]! / 255);
    let b = 0;
    if (a < 1) {
      b = viewAngleWeight(seenMirrored.cos[p]!) * (seenMirrored.rgba[p * 4 + 3]! / 255);
      b *= (1 - a) * MIRROR_TRUST;
    }
    const x = p % size,
      y = (p - x) / size;
    const h = Math.min(
      1,
      Math.max(0, hairPlanes[t * 3]! * x + hairPlanes[t * 3 + 1]! * y + hairPlanes[t * 3 + 2]!),
    );
    const seen = a + b;
    for (let k = 0; k < 3; k++) {
      const fill = skin[k]! * (1 - h) + hair[k]! * h;
      const photoPart = a * seenDirect.rgba[p * 4 + k]! + b * seenMirrored.rgba[p * 4 + k]!;
      rgba[p * 4 + k] = Math.round(photoPart + (1 - seen) * fill);
    }
    rgba[p * 4 + 3] = 255;
    if (seen < 0.5) nFill++;
    else if (a >= b) nPhoto++;
    else nMirror++;
  }
  throwIfCancelled(signal);
  // Off-chart texels take their nearest chart colours, so filtering and mip-maps never pull in black.
  const dilated = await dilateAtlas({
    atlas: { width: size, height: size, data: rgba },
    weight: known,
    pixels: FILL_PIXELS,
  });
  throwIfCancelled(signal);
  const texturePng = await sharp(dilated.atlas.data, { raw: { width: size, height: size, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: 6 })
    .toBuffer();
  const total = Math.max(1, nPhoto + nMirror + nFill);
  return {
    texturePng,
    coverage: { photo: nPhoto / total, mirrored: nMirror / total, filled: nFill / total },
    skinRgb: skin,
    hairRgb: hair,
  };
}

/** Positions and normals per UV vertex: of its own geometry vertex, or of that vertex's mirror. */
function uvSurface(
  model: HeadModel,
  positions: Float32Array,
  normals: Float32Array,
  mirror: boolean,
): UvSurface {
  const n = model.uvVertexToVertex.length;
  const outPositions = new Float32Array(n * 3);
  const outNormals = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const g = model.uvVertexToVertex[i]!;
    const v = mirror ? model.mirror[g]! : g;
    for (let k = 0; k < 3; k++) {
      outPositions[i * 3 + k] = positions[v * 3 + k]!;
      outNormals[i * 3 + k] = normals[v * 3 + k]!;
    }
  }
  return { positions: outPositions, normals: outNormals, uvs: model.uvs, indices: model.uvTriangles };
}

/**
 * Per UV triangle, hair weight as a plane over texel coordinates (h = A·x + B·y + C, texel centres
 * at integers as in the native bake), so the blend loop interpolates it without barycentrics.
 */
function hairWeightPlanes(model: HeadModel, size: number): Float64Array {
  const { uvs, uvTriangles, uvVertexToVertex, hairWeight } = model;
  const planes = new Float64Array(uvTriangles.length);
  for (let t = 0; t < uvTriangles.length / 3; t++) {
    const ia = uvTriangles[t * 3]!,
      ib = uvTriangles[t * 3 + 1]!,
      ic = uvTriangles[t * 3 + 2]!;
    const ax = uvs[ia * 2]! * size - 0.5,
      ay = uvs[ia * 2 + 1]! * size - 0.5;
    const bx = uvs[ib * 2]! * size - 0.5,
      by = uvs[ib * 2 + 1]! * size - 0.5;
    const cx = uvs[ic * 2]! * size - 0.5,
      cy = uvs[ic * 2 + 1]! * size - 0.5;
    const ha = hairWeight[uvVertexToVertex[ia]!]!,
      hb = hairWeight[uvVertexToVertex[ib]!]!,
      hc = hairWeight[uvVertexToVertex[ic]!]!;
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (Math.abs(area) < 1e-12) {
      planes[t * 3 + 2] = (ha + hb + hc) / 3;
      continue;
    }
    // Solve h(x, y) through the three vertices.
    const A = ((hb - ha) * (cy - ay) - (hc - ha) * (by - ay)) / area;
    const B = ((hc - ha) * (bx - ax) - (hb - ha) * (cx - ax)) / area;
    planes[t * 3] = A;
    planes[t * 3 + 1] = B;
    planes[t * 3 + 2] = ha - A * ax - B * ay;
  }
  return planes;
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/** The fitted head as the mesh later stages take: seams split per UV vertex, normals from the closed surface. */
export function buildTexturedHead(input: {
  positions: Float32Array;
  model: HeadModel;
  texturePng: Buffer;
  name?: string;
}): TexturedMesh {
  const { model, positions } = input;
  const n = model.uvVertexToVertex.length;
  const geoNormals = computeVertexNormals(positions, model.triangles);
  const outPositions = new Float32Array(n * 3);
  const normals = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const v = model.uvVertexToVertex[i]!;
    for (let k = 0; k < 3; k++) {
      outPositions[i * 3 + k] = positions[v * 3 + k]!;
      normals[i * 3 + k] = geoNormals[v * 3 + k]!;
    }
  }
  return {
    name: input.name ?? 'head',
    positions: outPositions,
    uvs: Float32Array.from(model.uvs),
    normals,
    indices: Uint32Array.from(model.uvTriangles),
    texturePng: input.texturePng,
  };
}
