/**
 * Prior projection without diffusion: bakes the photo onto the fitted head's UV atlas and completes
 * everything the photo does not show from the photo's own skin.
 *
 * 1. Each texel takes the photo where its surface point is seen (view angle × person mask); on
 *    neck, ears and sides only where the photo colour is skin and the photo's hair segmentation
 *    finds no hair (clothing and hair count as unseen: the hair object is the hair) or, off the
 *    ears, where the photo shows the lower face (a beard along the jaw is kept); within a few
 *    millimetres of the fitted head's outline in the photo (a turned face's nose ridge and cheek
 *    line, where the fit misses the photo by pixels) not at all. The mirror
 *    point's photo colour is used only where the mirror is seen clearly better (pose-aware
 *    symmetry: a turned face gets no doubled features), brought under this side's fitted light.
 * 2. The photo's lighting is fitted as order-2 spherical harmonics on the head's normals.
 * 3. A smooth colour field on the mesh's vertices carries the seen skin colour (lighting divided
 *    out) into the unseen surface and relaxes to the skin colour, or a hair-root colour on the scalp.
 * 4. Skin detail is quilted from patches of the photo's visible skin, multiplied by the field and,
 *    unless an albedo texture is asked for, by the fitted shading (ears keep their shading), then by
 *    the photo's residual over that colour near what the photo sees (residual-gain.ts: a hard
 *    shadow the order-2 light cannot hold continues into the skin beside it).
 * 5. Projected and synthesised texels are joined by multi-band blending, so no seam shows.
 *
 * Rasterization (visibility, projection, UV layout, seam dilation) is the native addon's.
 */
import sharp from 'sharp';
import type { PinholeCamera } from '../../geometry/camera';
import type { HeadModel } from '../../geometry/head-model';
import { computeVertexNormals, type TexturedMesh } from '../../geometry/textured-mesh';
import { dilateAtlas, type RgbaImage } from '../../native/native-addon';
import { throwIfCancelled } from '../../stage-error';
import { distanceToMask } from '../../image/chamfer-distance';
import { atlasSurface, chartTexelDensity, interpolateVertexField } from './atlas-surface';
import { evaluateShading, type FittedLighting } from './estimate-lighting';
import { residualGain } from './residual-gain';
import { createPhotoProbe, measureHair, measureSkin } from './measure-colours';
import { blendMultiBand } from './multiband-blend';
import {
  atlasTriangleIds,
  photoDepth,
  photoWithMaskAlpha,
  projectPhotoOntoAtlas,
  type UvSurface,
} from './photo-projection';
import { outlineTrust } from './outline-trust';
import { combineDirectAndMirror, mirrorRelight } from './pose-aware-mirror';
import {
  measureSkinAndLight,
  MIN_SHADING,
  observeVertexColours,
  skinAlbedoField,
  UNSEEN_SHADING_RANGE,
  vertexCavity,
} from './skin-colour-field';
import { skinColourModelAround, skinGate } from './skin-colour-model';
import { smoothstep } from '../../geometry/smoothstep';
import { synthesiseSkinDetail } from './synthesise-skin';

export interface BakeInput {
  photoRgba: { data: Uint8Array; width: number; height: number };
  /** Person mask (255 = person), any size (scaled to the photo). */
  mask?: { data: Uint8Array; width: number; height: number };
  /** Fitted positions in the model's topology (metres, canonical frame). */
  positions: Float32Array;
  model: HeadModel;
  camera: PinholeCamera;
  textureSize: 1024 | 2048;
  /** Divide the photo's fitted lighting out (a texture to relight); default false: keep the photo's shading. */
  albedo?: boolean;
  /**
   * Hair and headwear in the photo (segment-hair.ts; 1 = hair, photo size). Where the skin test applies
   * (sides, neck, ears) they count as unseen, like clothing: hair falling over the side of the face is
   * the hair object's, and painted on the skin it turned to a dark band down the cheek at ±45°.
   */
  hairMask?: { data: Uint8Array; width: number; height: number };
  /**
   * The lower face in the photo (segment-hair.ts's lowerFace; 1 = face, photo size): there the photo
   * is kept whatever its colour, so a beard along the jaw stays (the skin test took it for clothing).
   */
  lowerFaceMask?: { data: Uint8Array; width: number; height: number };
  /**
   * What covers the head's skin in the photo beyond the hair mask (segment-hair.ts's coveringSkin: hair
   * over the face's edge, clothing round the neck; 1 = covered, photo size): unseen wherever it falls,
   * the face's own features included, where the skin test does not apply. A headscarf's end was
   * painted onto the child's temple, and her pale top, passing the skin test in part, made her
   * synthesised neck lilac.
   */
  coveringMask?: { data: Uint8Array; width: number; height: number };
}

export interface BakeResult {
  texturePng: Buffer;
  /** Shares of the atlas' chart texels: from the photo, from the mirrored photo, synthesised. */
  coverage: { photo: number; mirrored: number; filled: number };
  skinRgb: [number, number, number];
  hairRgb: [number, number, number];
  /** The photo's lighting as fitted on the head (divided out when `albedo`). */
  lighting: FittedLighting;
  albedo: boolean;
  /** Texels of visible skin the synthesis drew its patches from, and their detail contrast. */
  synthesis: { exemplarTexels: number; exemplarContrast: number; hairExemplarTexels: number };
  /**
   * Per atlas texel (size², row-major): how far its colour is the photo's (0 = synthesised), and
   * which share of that came through the mirror.
   */
  sources: { photoTrust: Float32Array; mirrorShare: Float32Array };
  /** Milliseconds per step. */
  timings: Record<string, number>;
}

const DEFAULT_HAIR: [number, number, number] = [58, 44, 34];
/** A point counts as seen when it is at most this far behind the nearest surface (metres). */
const DEPTH_TOLERANCE_M = 0.004;
/** Texels past the charts filled by dilation; charts are far apart, so this fills the whole atlas. */
const FILL_PIXELS = 4096;
/** Synthesised skin in the deepest hollows is this much darker in the lit texture (not in albedo). */
const CAVITY_DARKENING = 0.35;
/** The soft edge of what covers the skin, as a share of the photo's width (twice the field's blur). */
const COVERED_MARGIN = 1 / 128;
/** Scalp under the hair object: mostly hair colour with skin showing through (hair roots). */
const HAIR_ROOT_SHARE = 0.65;

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
  const albedo = input.albedo ?? false;
  const timings: Record<string, number> = {};
  let clock = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    timings[step] = (timings[step] ?? 0) + now - clock;
    clock = now;
    throwIfCancelled(signal);
  };

  const normals = computeVertexNormals(positions, model.triangles);
  const photo = await photoWithMaskAlpha(input.photoRgba, input.mask);
  const depth = await photoDepth(positions, model.triangles, camera, photo.width, photo.height);
  // The mask in the photo's alpha, lowered beside the fitted head's outline (outline-trust.ts).
  const edgeTrust = outlineTrust(depth, photo.width, photo.height, camera);
  for (let p = 0; p < edgeTrust.length; p++)
    photo.data[p * 4 + 3] = Math.round(photo.data[p * 4 + 3]! * edgeTrust[p]!);
  if (input.coveringMask?.data.includes(1)) hideCovered(photo, input.coveringMask);
  const distance = Math.max(0.05, Math.hypot(camera.t[0]!, camera.t[1]!, camera.t[2]!));
  const depthEpsilon = DEPTH_TOLERANCE_M / distance;
  const probe = createPhotoProbe(photo, depth, camera, depthEpsilon, viewAngleWeight);
  const skinAtLandmarks = measureSkin(model, positions, normals, probe);
  const hair = measureHair(model, positions, normals, probe) ?? DEFAULT_HAIR;
  lap('measure colours');

  // Vertex colours from a blurred photo: the smooth field wants the skin's colour, not its pores.
  const blurred = await blurRgba(photo, Math.max(1, photo.width / 256));
  const blurredProbe = createPhotoProbe(blurred, depth, camera, depthEpsilon, viewAngleWeight);
  const firstLook = observeVertexColours(
    model,
    positions,
    normals,
    blurredProbe,
    skinColourModelAround(skinAtLandmarks),
  );
  const { skin, reference, lighting } = measureSkinAndLight(
    model,
    normals,
    firstLook,
    skinColourModelAround(skinAtLandmarks),
  );
  const seenVertices = observeVertexColours(model, positions, normals, blurredProbe, skin);
  lap('skin model and lighting');
  const hairRoot = [0, 1, 2].map(
    (k) => HAIR_ROOT_SHARE * hair[k]! + (1 - HAIR_ROOT_SHARE) * reference[k]!,
  ) as [number, number, number];
  const field = skinAlbedoField({
    model,
    normals,
    seen: seenVertices,
    lighting,
    skinRgb: reference,
    hairRootRgb: hairRoot,
  });
  lap('colour field');

  // The atlas seen directly, and seen through the mirror: each texel's surface point replaced by its
  // mirror point (x → −x), so a texel hidden from the camera can take its visible twin's colour.
  const direct = uvSurface(model, positions, normals, false);
  const mirrored = uvSurface(model, positions, normals, true);
  const project = (surface: UvSurface) =>
    projectPhotoOntoAtlas({ photo, surface, camera, size, depthToleranceM: DEPTH_TOLERANCE_M });
  const seenDirect = await project(direct);
  const seenMirrored = await project(mirrored);
  // Hair (red) and the lower face (green) in the photo, projected like it: per texel 0..1 each.
  const regionPhoto =
    (input.hairMask || input.lowerFaceMask) &&
    regionMasksAsPhoto(input.hairMask, input.lowerFaceMask, photo.width, photo.height);
  const regionsOf = async (surface: UvSurface) => {
    if (!regionPhoto) return undefined;
    const projected = await projectPhotoOntoAtlas({
      photo: regionPhoto,
      surface,
      camera,
      size,
      depthToleranceM: DEPTH_TOLERANCE_M,
    });
    const channel = (k: number): Float32Array => {
      const out = new Float32Array(size * size);
      for (let p = 0; p < out.length; p++) out[p] = projected.rgba[p * 4 + k]! / 255;
      return out;
    };
    return { hair: channel(0), lowerFace: channel(1) };
  };
  const regionsDirect = await regionsOf(direct);
  const regionsMirrored = await regionsOf(mirrored);
  const triangleIds = await atlasTriangleIds(direct.uvs, direct.indices, size);
  lap('project photo');

  const surface = atlasSurface(model, triangleIds, size);
  const earCharts = model.regions.map((r) => r.name.startsWith('ear'));
  // The fitted ear can lie over the photo's sideburn: the lower face is the face's, not the ears'.
  for (const regions of [regionsDirect, regionsMirrored])
    if (regions)
      for (let p = 0; p < size * size; p++) if (earCharts[surface.chart[p]!]) regions.lowerFace[p] = 0;
  const cavity = vertexCavity(model, positions, normals);
  const perVertex = new Float32Array(model.vertexCount * 3);
  for (let v = 0; v < model.vertexCount; v++) {
    perVertex[v * 3] = model.hairWeight[v]!;
    perVertex[v * 3 + 1] = skinGate(model.hairWeight[v]!, model.detailWeight[v]!);
    perVertex[v * 3 + 2] = cavity[v]!;
  }
  const texelWeights = interpolateVertexField(model, surface, perVertex, 3);
  const texelNormals = interpolateVertexField(model, surface, normals, 3);
  const texelAlbedo = interpolateVertexField(model, surface, field, 3);
  const n = size * size;
  const hairTexel = new Float32Array(n);
  const gateTexel = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    hairTexel[p] = texelWeights[p * 3]!;
    gateTexel[p] = texelWeights[p * 3 + 1]!;
  }
  const vertexMirrorLight = mirrorRelight(normals, model.mirror, lighting, MIN_SHADING);
  const seen = combineDirectAndMirror({
    direct: seenDirect,
    mirrored: seenMirrored,
    size,
    chart: surface.chart,
    skinGate: gateTexel,
    clearViewOnly: earCharts,
    skin,
    weightOfCos: viewAngleWeight,
    mirrorLight: interpolateVertexField(model, surface, vertexMirrorLight, 3),
    ...(regionsDirect && regionsMirrored && input.hairMask
      ? { hair: { direct: regionsDirect.hair, mirrored: regionsMirrored.hair } }
      : {}),
    ...(regionsDirect && regionsMirrored && input.lowerFaceMask
      ? { lowerFace: { direct: regionsDirect.lowerFace, mirrored: regionsMirrored.lowerFace } }
      : {}),
  });
  lap('pose-aware mirror');

  const synthesis = synthesiseSkinDetail({
    size,
    rgb: seen.rgb,
    seen: seen.seen,
    mirror: seen.mirror,
    hair: hairTexel,
    chart: surface.chart,
    chartDensity: chartTexelDensity(model, positions, size),
    skin,
  });
  lap('synthesise detail');

  // Synthesised colour = albedo field × detail (× shading unless an albedo texture is wanted)
  // × the photo's residual near what it sees; the photo's colour keeps its shading unless it is
  // divided out.
  const synthesised = new Float32Array(n * 3);
  const photoColours = new Float32Array(n * 3);
  const shading = new Float32Array(3);
  const scratch = new Float64Array(9);
  const [lo, hi] = UNSEEN_SHADING_RANGE;
  for (let p = 0; p < n; p++) {
    if (surface.chart[p]! < 0) continue;
    const nx = texelNormals[p * 3]!,
      ny = texelNormals[p * 3 + 1]!,
      nz = texelNormals[p * 3 + 2]!;
    const len = Math.hypot(nx, ny, nz) || 1;
    evaluateShading(lighting, nx / len, ny / len, nz / len, shading, scratch);
    const occlusion = 1 - CAVITY_DARKENING * texelWeights[p * 3 + 2]!;
    for (let k = 0; k < 3; k++) {
      const shade = Math.min(hi, Math.max(lo, shading[k]!)) * occlusion;
      const base = texelAlbedo[p * 3 + k]! * synthesis.detail[p * 3 + k]!;
      synthesised[p * 3 + k] = albedo ? base : base * shade;
      photoColours[p * 3 + k] = albedo
        ? seen.rgb[p * 3 + k]! / Math.max(MIN_SHADING, shading[k]!)
        : seen.rgb[p * 3 + k]!;
    }
  }
  const gain = residualGain({ model, surface, photo: photoColours, synthesised, trust: seen.seen });
  const projected = new Float32Array(n * 3);
  let nPhoto = 0,
    nMirror = 0,
    nFill = 0;
  for (let p = 0; p < n; p++) {
    if (surface.chart[p]! < 0) continue;
    const s = seen.seen[p]!;
    for (let k = 0; k < 3; k++) {
      const synth = synthesised[p * 3 + k]! * gain[p * 3 + k]!;
      synthesised[p * 3 + k] = synth;
      // Pre-blended by the trust, so clothing under a near-zero weight never leaks into low bands.
      projected[p * 3 + k] = s * photoColours[p * 3 + k]! + (1 - s) * synth;
    }
    if (s < 0.5) nFill++;
    else if (seen.mirror[p]! < 0.5) nPhoto++;
    else nMirror++;
  }
  const blended = blendMultiBand(projected, synthesised, seen.seen, size, size, 5);
  lap('compose and blend');

  const rgba = new Uint8Array(n * 4);
  const known = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    if (surface.chart[p]! < 0) continue;
    known[p] = 1;
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = Math.min(255, Math.max(0, Math.round(blended[p * 3 + k]!)));
    rgba[p * 4 + 3] = 255;
  }
  // Off-chart texels take their nearest chart colours, so filtering and mip-maps never pull in black.
  const dilated = await dilateAtlas({
    atlas: { width: size, height: size, data: rgba },
    weight: known,
    pixels: FILL_PIXELS,
  });
  const texturePng = await sharp(dilated.atlas.data, { raw: { width: size, height: size, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: 6 })
    .toBuffer();
  lap('dilate and encode');
  const total = Math.max(1, nPhoto + nMirror + nFill);
  return {
    texturePng,
    coverage: { photo: nPhoto / total, mirrored: nMirror / total, filled: nFill / total },
    skinRgb: reference,
    hairRgb: hair,
    lighting,
    albedo,
    synthesis: {
      exemplarTexels: synthesis.exemplarTexels,
      exemplarContrast: synthesis.exemplarContrast,
      hairExemplarTexels: synthesis.hairExemplarTexels,
    },
    sources: { photoTrust: seen.seen, mirrorShare: seen.mirror },
    timings,
  };
}

/** Photo-size masks as an image to project like the photo: red 255 on hair, green on the lower face, opaque. */
function regionMasksAsPhoto(
  hair: { data: Uint8Array; width: number; height: number } | undefined,
  lowerFace: { data: Uint8Array; width: number; height: number } | undefined,
  width: number,
  height: number,
): RgbaImage {
  for (const [name, mask] of [
    ['hair', hair],
    ['lower face', lowerFace],
  ] as const)
    if (mask && (mask.width !== width || mask.height !== height))
      throw new Error(`${name} mask ${mask.width}×${mask.height} is not the photo's ${width}×${height}`);
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data[p * 4] = hair && hair.data[p]! > 0 ? 255 : 0;
    data[p * 4 + 1] = lowerFace && lowerFace.data[p]! > 0 ? 255 : 0;
    data[p * 4 + 3] = 255;
  }
  return { width, height, data };
}

/** What covers the skin is taken out of the photo's alpha, with a margin for its soft edge. */
function hideCovered(
  photo: { data: Uint8Array; width: number; height: number },
  mask: { data: Uint8Array; width: number; height: number },
): void {
  const { width, height } = photo;
  if (mask.width !== width || mask.height !== height)
    throw new Error(`covering mask ${mask.width}×${mask.height} is not the photo's ${width}×${height}`);
  const distance = distanceToMask(mask.data, width, height);
  const margin = Math.max(1, width * COVERED_MARGIN);
  for (let p = 0; p < width * height; p++) {
    const keep = Math.min(1, distance[p]! / margin);
    if (keep < 1) photo.data[p * 4 + 3] = Math.round(photo.data[p * 4 + 3]! * keep);
  }
}

/** Gaussian blur of an RGBA image (sharp), alpha included. */
async function blurRgba(
  img: { data: Uint8Array; width: number; height: number },
  sigma: number,
): Promise<{ data: Uint8Array; width: number; height: number }> {
  const out = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 4 } })
    .blur(Math.max(0.3, sigma))
    .raw()
    .toBuffer();
  return {
    data: new Uint8Array(out.buffer, out.byteOffset, out.length),
    width: img.width,
    height: img.height,
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
