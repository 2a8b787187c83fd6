/**
 * Hair for the fitted head: segment the photo's hair, measure its outline, choose and fit a library
 * style to it in the photo's view, build the closed shell, texture it from the photo's own hair.
 *
 * Headwear (a hat or cap recognised by segment-hair.ts) is modelled as part of the same shell: the
 * fit matches hair ∪ headwear, the texture takes the cap's own colours above its lower edge, and the
 * report says a cap was found — a cap shell in the photo's colours, not hair under a hat.
 */
import { modelLandmarks, type HeadModel } from '../../geometry/head-model';
import type { PinholeCamera } from '../../geometry/camera';
import { computeVertexNormals, joinMeshes, type TexturedMesh } from '../../geometry/textured-mesh';
import { throwIfCancelled } from '../../stage-error';
import { bakeHairTexture, type HairTextureInput } from './bake-hair-texture';
import { beardShape, buildBeardMesh, type BeardMeshGeometry, type BeardShape } from './build-beard-mesh';
import { BEARD_ATLAS, buildHairMesh, HAIR_MESH_FULL, HAIR_ATLAS_BESIDE_BEARD } from './build-hair-mesh';
import {
  fitHairstyle,
  maskIoU,
  renderHairSilhouette,
  silhouetteScene,
  type HairFit,
  type SilhouetteScene,
} from './fit-hairstyle';
import { headRadialField, type HeadRadialField } from './head-radial-field';
import { HAIRSTYLE_IDS, HAIRSTYLE_PRESETS, hairShape } from './hairstyle-library';
import { eyebrowRgb, scalpShareInPhoto } from './hair-in-photo';
import { HAIR_FIT_UNUSABLE, hairIsGuessed } from '../../../shared/hair-fit';
import { measureHairOutline, type HairOutline } from './measure-hair-outline';
import type { BeardSegmentation } from './segment-beard';
import { hairOrHeadwear, segmentHair, type HairSegmentation } from './segment-hair';

export const HAIR_OBJECT_NAME = 'hair';

export interface GenerateHairInput {
  photoRgba: { data: Uint8Array; width: number; height: number };
  /** Person mask at the photo's size (255 = person). */
  personMask: Uint8Array;
  /** MediaPipe-468 landmarks in photo pixels (x, y, z each). */
  landmarks: ArrayLike<number>;
  positions: Float32Array;
  model: HeadModel;
  camera: PinholeCamera;
  textureSize: number;
  /** The photo's hair, segmented already (`segmentPhotoHair`: the head's bake uses it too). */
  segmented?: SegmentedHair;
}

export interface SegmentedHair {
  segmentation: HairSegmentation;
  ms: number;
}

/** The photo's hair and headwear, segmented with the fitted head's turn (where the back of the head shows). */
export function segmentPhotoHair(
  input: Pick<GenerateHairInput, 'photoRgba' | 'personMask' | 'landmarks' | 'model' | 'camera'>,
): SegmentedHair {
  const t0 = performance.now();
  const { camera } = input;
  const segmentation = segmentHair({
    photo: input.photoRgba,
    personMask: input.personMask,
    landmarks: input.landmarks,
    faceOval: input.model.namedLandmarks.faceOval ?? [],
    // The model's +Z (the face's forward) in camera coordinates is R's third column; the back of the
    // head lies the other way, and its image-plane part is where it shows in the photo.
    backOfHead: [-camera.R[2]!, -camera.R[5]!],
  });
  return { segmentation, ms: performance.now() - t0 };
}

export interface HairReport {
  style: string;
  params: HairFit['params'];
  /** Silhouette IoU of the fitted hair against the photo's hair (+ headwear) in the photo's view. */
  iou: number;
  /**
   * Share of the scalp inside the photo: under HAIR_IN_PHOTO_MIN (`hairIsGuessed`) the top of the
   * head is cut off, and the hair is not fitted but a short cut in the eyebrows' colour.
   */
  inPhoto: number;
  /**
   * The hair is a guess, not fitted: the top of the head is cut off (inPhoto), or no style matched
   * the photo's hair (`iou`, the best fit's, under HAIR_FIT_UNUSABLE).
   */
  guessed: boolean;
  styleScores: HairFit['styleScores'];
  headwear: boolean;
  /**
   * A beard hanging below the chin, modelled as part of the hair object: its length below the chin,
   * its thickness over the jaw, and its silhouette's IoU against the photo's beard in the photo's view.
   */
  beard: { lengthM: number; thicknessM: number; iou: number } | null;
  outline: HairOutline;
  /** Share of the hair atlas taken from the photo (the rest synthesised from the photo's hair). */
  textureSeenShare: number;
  /** Milliseconds: segmentation and the outline measured on it, style fit, mesh, texture bake. */
  ms: { segment: number; fit: number; mesh: number; texture: number };
}

export interface GeneratedHair {
  mesh: TexturedMesh;
  segmentation: HairSegmentation;
  report: HairReport;
}

export async function generateHair(input: GenerateHairInput, signal?: AbortSignal): Promise<GeneratedHair> {
  const { model, positions } = input;
  const { segmentation, ms: segmentMs } = input.segmented ?? segmentPhotoHair(input);
  const t0 = performance.now();
  const outline = measureHairOutline(segmentation);
  throwIfCancelled(signal);
  const t1 = performance.now();

  const field = headRadialField(model, positions);
  const { width, height } = input.photoRgba;
  const inPhoto = scalpShareInPhoto(model, positions, input.camera, width, height);
  // The top of the head cut off by the frame: nothing to fit, a short cut in the eyebrows' colour.
  const guess = hairIsGuessed({ inPhoto }) ? eyebrowRgb(input.photoRgba, input.landmarks) : null;
  const scene = hairFitScene(segmentation, input);
  // Under a cap a bun or an afro would push through the cap's shell: not candidates then.
  const styles = HAIRSTYLE_IDS.filter(
    (s) => segmentation.headwearBottom === null || (s !== 'bun' && s !== 'afro'),
  );
  let fit = guess
    ? await guessedFit(scene, field)
    : await fitHairstyle(scene, field, { styles, ...(signal ? { signal } : {}) });
  throwIfCancelled(signal);
  // No style matches the hair the photo shows: it could not be told from what is round it (a bald
  // head, showing next to none, keeps its fit: a buzz in the skin's colour).
  let colour = guess;
  if (!guess && fit.iou < HAIR_FIT_UNUSABLE && hairShareOfFace(segmentation) >= HAIR_SEEN_MIN) {
    colour = eyebrowRgb(input.photoRgba, input.landmarks);
    fit = { ...(await guessedFit(scene, field)), iou: fit.iou };
  }
  const t2 = performance.now();

  const beard = segmentation.beard ? await modelBeard(input, segmentation, segmentation.beard) : null;
  const hairGeometry = buildHairMesh(
    field,
    hairShape(field, fit.params),
    HAIR_MESH_FULL,
    beard ? HAIR_ATLAS_BESIDE_BEARD : undefined,
  );
  const geometry = beard ? joinMeshes(hairGeometry, beard.geometry) : hairGeometry;
  const normals = computeVertexNormals(geometry.positions, geometry.indices);
  const t3 = performance.now();

  const texture = await bakeHairTexture(
    hairTextureInput(
      input,
      colour ? withoutHair(segmentation) : segmentation,
      { ...geometry, normals },
      fit.params.parting,
      colour ?? undefined,
    ),
  );
  throwIfCancelled(signal);
  const t4 = performance.now();

  const mesh: TexturedMesh = {
    name: HAIR_OBJECT_NAME,
    positions: geometry.positions,
    uvs: geometry.uvs,
    indices: geometry.indices,
    texturePng: texture.png,
  };
  const round = (x: number) => Math.round(x);
  return {
    mesh,
    segmentation,
    report: {
      style: fit.params.style,
      params: fit.params,
      iou: fit.iou,
      inPhoto,
      guessed: colour !== null,
      styleScores: fit.styleScores,
      headwear: segmentation.headwearBottom !== null,
      beard: beard && {
        lengthM: beard.shape.chinY - beard.shape.bottomY,
        thicknessM: beard.shape.thickness,
        iou: beard.iou,
      },
      outline,
      textureSeenShare: texture.seenShare,
      ms: {
        segment: round(segmentMs + t1 - t0),
        fit: round(t2 - t1),
        mesh: round(t3 - t2),
        texture: round(t4 - t3),
      },
    },
  };
}

/** The beard's shell from its segmentation, and how well its silhouette covers the photo's beard. */
async function modelBeard(
  head: Pick<GenerateHairInput, 'model' | 'positions' | 'camera'>,
  segmentation: HairSegmentation,
  beardPixels: BeardSegmentation,
): Promise<{ shape: BeardShape; geometry: BeardMeshGeometry; iou: number }> {
  const shape = beardShape(head.model, head.positions, beardPixels);
  const geometry = buildBeardMesh(head.model, head.positions, shape, BEARD_ATLAS);
  const scene = silhouetteScene({
    model: head.model,
    positions: head.positions,
    camera: head.camera,
    hairMask: beardPixels.mask,
    maskWidth: segmentation.width,
    maskHeight: segmentation.height,
  });
  return { shape, geometry, iou: maskIoU(await renderHairSilhouette(scene, geometry), scene.target) };
}

/** The fit's scene for a segmentation: its hair ∪ headwear as the target, its bare skin beside the face. */
export function hairFitScene(
  segmentation: HairSegmentation,
  head: Pick<GenerateHairInput, 'model' | 'positions' | 'camera'>,
): SilhouetteScene {
  return silhouetteScene({
    model: head.model,
    positions: head.positions,
    camera: head.camera,
    hairMask: hairOrHeadwear(segmentation),
    bareSkinMask: segmentation.skinBesideFace,
    maskWidth: segmentation.width,
    maskHeight: segmentation.height,
  });
}

/** What the hair texture bake takes from the generator's inputs, its segmentation and the built shell. */
export function hairTextureInput(
  input: Pick<GenerateHairInput, 'photoRgba' | 'model' | 'positions' | 'camera' | 'textureSize'>,
  segmentation: HairSegmentation,
  mesh: HairTextureInput['mesh'],
  parting: number,
  /** The hair's colour when the photo does not show it (the fallback, without any seen hair). */
  guessedRgb?: [number, number, number],
): HairTextureInput {
  const { model, positions } = input;
  let headwearAboveY: number | null = null;
  if (segmentation.headwearBottom !== null) {
    // The cap's lower edge from face heights below the eye line to head-frame metres.
    const lm = modelLandmarks(model, positions);
    const faceHeight = Math.hypot(lm[10 * 3 + 1]! - lm[152 * 3 + 1]!, lm[10 * 3 + 2]! - lm[152 * 3 + 2]!);
    const eyeY = (lm[33 * 3 + 1]! + lm[263 * 3 + 1]!) / 2;
    headwearAboveY = eyeY - segmentation.headwearBottom * faceHeight;
  }
  // Hair that shows skin (thin hair over a bare hairline, the ear's rim at the outline) shapes the
  // outline but is not the hair's colour.
  const hairMask = new Uint8Array(segmentation.hair.length);
  for (let p = 0; p < hairMask.length; p++)
    hairMask[p] = segmentation.hair[p]! && !segmentation.skinColouredHair[p] ? 1 : 0;
  return {
    photo: input.photoRgba,
    hairMask,
    headwearMask: segmentation.headwear,
    beardMask: segmentation.beard?.mask ?? null,
    camera: input.camera,
    mesh,
    head: { positions, indices: model.triangles },
    headwearAboveY,
    parting,
    // Nothing of the hair seen (a shaved head, or a mask that missed the hair): its own colour, else skin.
    fallbackRgb:
      guessedRgb ?? (segmentation.hair.some((h) => h === 1) ? segmentation.hairRgb : segmentation.skinRgb),
    size: input.textureSize,
  };
}

/** Under this share of the face oval's area the photo shows next to no hair (a bald head, a cap). */
const HAIR_SEEN_MIN = 0.05;

/** The photo's hair and headwear, as a share of the face oval's area. */
function hairShareOfFace(segmentation: HairSegmentation): number {
  const shown = hairOrHeadwear(segmentation);
  let hair = 0;
  let face = 0;
  for (let p = 0; p < shown.length; p++) {
    hair += shown[p]!;
    face += segmentation.face[p]!;
  }
  return face > 0 ? hair / face : 0;
}

/** The segmentation with no hair or headwear in it: nothing of the photo is baked onto the hair. */
function withoutHair(segmentation: HairSegmentation): HairSegmentation {
  const none = new Uint8Array(segmentation.hair.length);
  return { ...segmentation, hair: none, headwear: none, skinColouredHair: none, headwearBottom: null };
}

/** The short preset, unfitted: its IoU against whatever the photo's edge holds, for the report. */
async function guessedFit(scene: SilhouetteScene, field: HeadRadialField): Promise<HairFit> {
  const params = { ...HAIRSTYLE_PRESETS.short };
  const silhouette = await renderHairSilhouette(scene, buildHairMesh(field, hairShape(field, params)));
  // No style was scored: the photo cannot tell them apart.
  const styleScores = {} as HairFit['styleScores'];
  return { params, iou: maskIoU(silhouette, scene.target), styleScores, evaluations: 1 };
}
