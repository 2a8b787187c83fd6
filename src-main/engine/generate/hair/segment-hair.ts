/**
 * Hair (and headwear) in the photo: the person mask minus face skin, clothing and background, from
 * colour statistics measured on the photo itself against the face's 468 landmarks.
 *
 * 1. A face frame from the landmarks (eye line, chin→forehead axis, face height as unit), so every
 *    zone below is placed the same way whatever the photo's size or roll.
 * 2. Skin: robust Lab statistics of the cheeks; clothing: k-means clusters of the person below the
 *    chin; a pixel is a hair candidate when it is in the person, off the face oval (or on the forehead
 *    above the brows: a fringe), not skin-like, and not clothing-like below the jaw. In a
 *    black-and-white photo, beside the face, texture tells hair from skin instead of colour.
 *    On a head seen in profile, nothing in front of the face's outline is hair (a camcorder at the eye).
 * 3. Only candidate regions connected to the top of the head are kept (collars, badges and straps
 *    are not hair).
 * 4. Headwear: when the colour right above the forehead differs from both the hair beside the face
 *    and the skin, the region above the cap's lower edge is headwear (it is modelled as part of the
 *    hair shell and textured in its own colours; see generate-hair.ts).
 */
import {
  labClusters,
  labDistance,
  labDistanceBetween,
  meanRgb,
  rgbaToLab,
  robustLabStats,
  spreadDistance,
  type Lab,
} from './photo-colours';
import { distanceToMask } from '../../image/chamfer-distance';
import { maskBounds } from '../../image/mask-bounds';
import { lightnessTexture } from './lightness-texture';
import { median } from '../prior-projection/skin-colour-model';
import { segmentBeard, type BeardSegmentation } from './segment-beard';
import { CHIN, faceFrame, FOREHEAD_TOP, landmarkLocalY, toFaceLocal, type FaceFrame } from './face-frame';
import {
  fillHoles,
  indicesOf,
  keepComponentsTouching,
  maskUnion,
  openMask,
  polygonMask,
} from './photo-masks';

export interface HairSegmentationInput {
  /** RGBA photo. */
  photo: { data: Uint8Array; width: number; height: number };
  /** Person mask, one byte per photo pixel (255 = person). */
  personMask: Uint8Array;
  /** MediaPipe-468 landmarks, x/y/z per point, photo pixels. */
  landmarks: ArrayLike<number>;
  /** Landmark indices of the face oval, in order around it. */
  faceOval: number[];
  /**
   * Where the back of the head lies in the photo, from the fitted head: the image-plane part of the
   * direction from the face to the back of the skull (photo x right, y down); its length is the sine
   * of the head's turn away from the camera (0 when it faces the camera). Absent: a frontal reach.
   */
  backOfHead?: [number, number];
}

export interface HairSegmentation {
  width: number;
  height: number;
  /** 1 where the photo shows hair. */
  hair: Uint8Array;
  /**
   * 1 on the hair near the bare forehead that shows mostly skin: thin hair over a receding or high
   * hairline, nearer the skin's colour than the hair's (only where the two differ clearly). Part of
   * the hair's outline, not of its colour: projected onto the shell's edge it was a band of skin
   * colour there above a dark line, read as a wig's lace.
   */
  sparseHairline: Uint8Array;
  /**
   * 1 on the hair near bare skin (the forehead, or the ears and temples beside the face) that is
   * nearer the skin's colour than the hair's, where the two differ clearly: beside the ears the mask
   * takes in a rim of ear, which projected onto the hair gave pink patches. Likewise outline only;
   * `sparseHairline` is part of it.
   */
  skinColouredHair: Uint8Array;
  /**
   * 1 on hair lying over the face's edge: inside the oval (which `hair` stops at), beside the eyes
   * and cheeks, of the hair's colour and joined to the hair. A headscarf's end or a strand hanging
   * past the cheek; projected onto the head it was a red patch on the child's temple at ±45°.
   */
  hairOverFace: Uint8Array;
  /**
   * 1 on clothing round the neck: below the jaw, off the face oval, of the clothing's colours (the
   * person's main colours well below the chin) and not skin. A pale top passes the head's skin test
   * in part, and its colour spread into the synthesised neck (child_headscarf.jpg's lilac neck).
   */
  clothing: Uint8Array;
  /** 1 where it shows headwear (hat, cap); all 0 when none was recognised. */
  headwear: Uint8Array;
  /** 1 inside the face oval. */
  face: Uint8Array;
  /**
   * 1 where the photo shows skin beside the face, between the forehead and the jaw: the ears and
   * temples seen bare. Hair drawn over them is certainly wrong, where hair drawn over a dark
   * background beside the head may not be.
   */
  skinBesideFace: Uint8Array;
  /**
   * 1 on the person from the cheekbones down, near the face oval (BEARD_MARGIN below the jaw,
   * SIDEBURN_MARGIN above it; not a collar's colour): the face's own whatever its colour (a beard,
   * stubble), which the head's texture keeps from the photo.
   */
  lowerFace: Uint8Array;
  frame: FaceFrame;
  skinRgb: [number, number, number];
  hairRgb: [number, number, number];
  headwearRgb: [number, number, number] | null;
  /** Local y (face heights below the eye line, + down) of the headwear's lower edge, if any. */
  headwearBottom: number | null;
  /** A beard that hangs below the chin (segment-beard.ts), or null. */
  beard: BeardSegmentation | null;
}

/** Skin-likeness (normalised Lab distance) under which a pixel counts as skin. */
const SKIN_DISTANCE = 3;
/** Sparse hairline: hair that shows mostly skin, at most this far (face heights) from the bare forehead… */
const SPARSE_HAIRLINE_REACH = 0.08;
/** …where hair and skin differ by at least this (Lab): dark hair 49–71 from the skin, blond 35, grey 10–39. */
const SPARSE_HAIRLINE_CONTRAST = 45;
/** Lab distance under which a pixel below the jaw counts as clothing. */
const CLOTHING_DISTANCE = 16;
/** Hair outside the person mask: at most this far from the face oval (face heights). */
const SIDE_BAND = 0.15;
/** …and at least this far (Lab) from every background colour beside the head. */
const BACKGROUND_DISTANCE = 14;
/** Grey/white hair beside the face: chroma under this share of the skin's, lightness over this L*. */
const GREY_HAIR_CHROMA = 0.6;
const GREY_HAIR_MIN_L = 45;
/** Skin chroma (Lab) under which the photo is black and white (or nearly); colour photos' skin has 15–30. */
const MONOCHROME_CHROMA = 6;
/** There, hair beside the face has this many times the cheeks' lightness texture (lightness-texture.ts). */
const HAIR_TEXTURE = 2;
/** Lab distance between the colour above the forehead and the side hair that makes it headwear. */
const HEADWEAR_CONTRAST = 25;
/**
 * Each of the two colours compared for headwear is the median of at least this many pixels. In a
 * small photo the side hair is a band a few pixels wide at the person mask's edge, half background:
 * petsc's sarich.jpg (a 36 px face, 104 side pixels, dark foliage behind) read as a cap, 28 from
 * his brown hair on top (Grace Hopper's real cap: 30, from 656).
 */
const HEADWEAR_MIN_PIXELS = 200;
/** How far from the eye line (face heights, across the face) hair can reach on a head facing the camera. */
const FRONTAL_REACH = 1.1;
/**
 * On a turned head the back of the skull shows further out on one side: its projected distance from
 * the eyes' midpoint is about depth · sin(turn) + half-width · cos(turn), plus the hair's volume
 * (face heights). The cameraman (turned 62°) lost the hair behind his crown to the frontal reach.
 */
const SKULL_DEPTH = 1.0;
const SKULL_HALF_WIDTH = 0.45;
const HAIR_VOLUME_REACH = 0.35;
/** The wider reach only above this local y: lower down, behind the neck, are collars and coats. */
const BACK_REACH_ABOVE = 0.3;
/** Below this local y (face heights under the eye line) hair must match the hair above… */
const BELOW_EYES = 0.1;
/** …within this normalised Lab distance. */
const HAIR_CONTINUITY = 3;
/**
 * The lower face reaches this far (face heights) past the face oval: below the jaw a beard's depth;
 * above it a sideburn's width, short of the ears (hair over an ear is not the face's).
 */
const BEARD_MARGIN = 0.12;
const SIDEBURN_MARGIN = 0.04;
/**
 * A head turned further than this (sine of the turn: 40°) shows its face's outline on the side it
 * faces; what lies in front of that outline is the scene (the cameraman's camcorder at his eye), not
 * hair: below the brows beyond a sideburn's width of the oval, up the forehead beyond a fringe's.
 */
const PROFILE_TURN_SIN = 0.64;
const BROWS_Y = -0.1;
const FRINGE_MARGIN = 0.1;
/** There, hair narrower than twice this (face heights) is a strip along the cheek, not hair (dropThinStripsBelowEyes). */
const THIN_STRIP = 0.025;

/** Hair over the face: beyond this |x| (face heights) from the face's axis, outside the eyes and cheeks… */
const FACE_EDGE_X = 0.25;
/** …and at most this share of its Lab distance to the skin from the hair's colour. */
const HAIR_OVER_FACE_NEARER = 0.7;

/**
 * The side of the face frame's x where the back of the head shows, how far hair can reach there, and
 * the sine of the head's turn across the face.
 */
function reachBehind(
  frame: FaceFrame,
  backOfHead: [number, number] | undefined,
): { side: number; reach: number; turn: number } {
  if (!backOfHead) return { side: 0, reach: FRONTAL_REACH, turn: 0 };
  const sin = Math.min(1, Math.hypot(backOfHead[0], backOfHead[1]));
  const cos = Math.sqrt(1 - sin * sin);
  const across = backOfHead[0] * frame.right[0] + backOfHead[1] * frame.right[1];
  return {
    side: Math.sign(across),
    turn: Math.abs(across),
    reach: Math.max(
      FRONTAL_REACH,
      SKULL_DEPTH * Math.abs(across) + SKULL_HALF_WIDTH * cos + HAIR_VOLUME_REACH,
    ),
  };
}

/** 1 where the photo shows hair or headwear: what the hair object stands for. */
export function hairOrHeadwear(segmentation: HairSegmentation): Uint8Array {
  return maskUnion(segmentation.hair, segmentation.headwear);
}

/**
 * What the head's texture leaves to the hair object: hair, headwear and a modelled beard where it
 * hangs below the chin. Painted on the head, that beard was a dark smear down the neck behind the
 * beard object.
 */
export function leftToHairObject(segmentation: HairSegmentation): Uint8Array {
  return maskUnion(segmentation.hair, segmentation.headwear, segmentation.beard?.hanging);
}

/**
 * 1 where the photo shows something over the head's skin that the hair object does not stand for:
 * hair over the face's edge, clothing round the neck. The head's bake leaves it unseen.
 */
export function coveringSkin(segmentation: HairSegmentation): Uint8Array {
  return maskUnion(segmentation.hairOverFace, segmentation.clothing);
}

export function segmentHair(input: HairSegmentationInput): HairSegmentation {
  const { photo, personMask, landmarks } = input;
  const { width, height } = photo;
  const n = width * height;
  const frame = faceFrame(landmarks);
  const lab = rgbaToLab(photo.data, n);
  const face = polygonMask(
    input.faceOval.map((i) => [landmarks[i * 3]!, landmarks[i * 3 + 1]!] as [number, number]),
    width,
    height,
  );
  const lx = new Float32Array(n);
  const ly = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    const [x, y] = toFaceLocal(frame, (p % width) + 0.5, Math.floor(p / width) + 0.5);
    lx[p] = x;
    ly[p] = y;
  }
  const chinY = landmarkLocalY(frame, landmarks, CHIN);
  const foreheadY = landmarkLocalY(frame, landmarks, FOREHEAD_TOP);
  const person = (p: number) => personMask[p]! >= 128;

  // Skin: the cheeks below the eyes, inside the oval (and the forehead, for its texture).
  const cheeks: number[] = [];
  const forehead: number[] = [];
  for (let p = 0; p < n; p++) {
    const ax = Math.abs(lx[p]!);
    if (face[p] && ax > 0.08 && ax < 0.25 && ly[p]! > 0.12 && ly[p]! < 0.35) cheeks.push(p);
    if (face[p] && ax < 0.2 && ly[p]! > foreheadY + 0.06 && ly[p]! < -0.15) forehead.push(p);
  }
  const skin = robustLabStats(lab, cheeks);
  const skinDistance = (p: number) => spreadDistance(lab, p, skin);

  // Grey and white hair: as light as skin but with much less colour. Wrinkled, unevenly lit skin
  // spreads the skin statistics so wide that such hair passes for skin; off the face oval its chroma
  // tells them apart.
  const skinChroma = Math.hypot(skin.median[1], skin.median[2]);
  // In a black-and-white photo nothing has colour: hair beside the face is told from skin by its
  // texture (strands and curls against smooth skin), and a cap cannot be told from lit hair.
  const monochrome = skinChroma < MONOCHROME_CHROMA;
  const texture = monochrome ? lightnessTexture(lab, width, height) : null;
  const hairTexture = texture ? HAIR_TEXTURE * smoothSkinTexture(texture, cheeks, forehead) : 0;
  const hairLikeBesideFace = texture
    ? (p: number) => texture[p]! > hairTexture
    : (p: number) =>
        lab[p * 3]! > GREY_HAIR_MIN_L &&
        Math.hypot(lab[p * 3 + 1]!, lab[p * 3 + 2]!) < GREY_HAIR_CHROMA * skinChroma;

  // Clothing: the person's main colours well below the chin.
  const clothingPixels: number[] = [];
  for (let p = 0; p < n; p++) {
    if (person(p) && ly[p]! > chinY + 0.3 && ly[p]! < chinY + 1 && Math.abs(lx[p]!) < 1)
      if (skinDistance(p) > SKIN_DISTANCE) clothingPixels.push(p);
  }
  const clothing = labClusters(lab, clothingPixels, 3)
    .filter((c) => c.share > 0.15)
    .map((c) => c.centre);
  const jawY = chinY - 0.15;
  // The person below the jaw in the clothing's colours (collars, a coat; a beard of their colour too).
  const worn = new Uint8Array(n);
  if (clothing.length > 0)
    for (let p = 0; p < n; p++)
      if (person(p) && ly[p]! > jawY && clothing.some((c) => labDistance(lab, p, c) < CLOTHING_DISTANCE))
        worn[p] = 1;
  // Clothing round the neck: that, off the face and not skin.
  const wornBelowJaw = new Uint8Array(n);
  for (let p = 0; p < n; p++)
    if (worn[p] && !face[p] && skinDistance(p) >= SKIN_DISTANCE) wornBelowJaw[p] = 1;

  // The lower face: near the oval (BEARD_MARGIN, SIDEBURN_MARGIN), a collar's colour below the jaw excepted.
  const nearFace = distanceToMask(face, width, height);
  const lowerFace = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const belowJaw = ly[p]! > jawY;
    const margin = (belowJaw ? BEARD_MARGIN : SIDEBURN_MARGIN) * frame.faceHeight;
    if (!person(p) || ly[p]! <= BELOW_EYES || nearFace[p]! > margin) continue;
    lowerFace[p] = belowJaw && !face[p] && worn[p] ? 0 : 1;
  }

  const backReach = reachBehind(frame, input.backOfHead);
  const candidate = new Uint8Array(n);
  const skinBesideFace = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const x = lx[p]!,
      y = ly[p]!;
    if (person(p) && !face[p] && y > foreheadY && y < jawY && Math.abs(x) < FRONTAL_REACH)
      skinBesideFace[p] = skinDistance(p) < SKIN_DISTANCE && !hairLikeBesideFace(p) ? 1 : 0;
    const reach = y < BACK_REACH_ABOVE && x * backReach.side > 0 ? backReach.reach : FRONTAL_REACH;
    if (!person(p) || Math.abs(x) > reach || y > chinY + 1.2) continue;
    if (face[p] && y > foreheadY + 0.12) continue; // the face below a possible fringe
    if (y > chinY - 0.1 && Math.abs(x) < 0.3) continue; // hair does not hang in front of the neck
    // Above the forehead only clear skin is skin: highlights in light hair come close to it.
    const skinLike = skinDistance(p) < (y < foreheadY - 0.05 ? SKIN_DISTANCE / 2 : SKIN_DISTANCE);
    if (skinLike && !(hairLikeBesideFace(p) && !face[p])) continue;
    if (worn[p]) continue;
    candidate[p] = 1;
  }
  const notSkin = (p: number) => skinDistance(p) >= SKIN_DISTANCE || hairLikeBesideFace(p);
  addSideHairOutsideMask({ candidate, lab, lx, ly, face, person, notSkin, clothing, frame, width, height }, [
    foreheadY - 0.1,
    chinY - 0.05,
  ]);
  if (backReach.turn > PROFILE_TURN_SIN)
    dropInFrontOfProfile(candidate, { lx, ly, nearFace, frame }, foreheadY, backReach.side);
  const atTopOfHead = (p: number) => ly[p]! < foreheadY + 0.05;
  let hairAll = keepComponentsTouching(candidate, width, height, atTopOfHead);
  fillHoles(hairAll, face, width, height, 0.02 * frame.faceHeight * frame.faceHeight);

  // Headwear: the colour right above the forehead against the hair beside the face.
  const top: number[] = [];
  const side: number[] = [];
  for (let p = 0; p < n; p++) {
    if (!hairAll[p]) continue;
    if (Math.abs(lx[p]!) < 0.2 && ly[p]! > foreheadY - 0.3 && ly[p]! < foreheadY - 0.04) top.push(p);
    if (!face[p] && Math.abs(lx[p]!) > 0.3 && ly[p]! > -0.05 && ly[p]! < 0.35) side.push(p);
  }
  const minSamples = 0.002 * frame.faceHeight * frame.faceHeight;
  const topColour = top.length > minSamples ? robustLabStats(lab, top).median : null;
  const sideColour = side.length > minSamples ? robustLabStats(lab, side).median : null;
  const hasHeadwear =
    !monochrome &&
    Math.min(top.length, side.length) >= HEADWEAR_MIN_PIXELS &&
    topColour !== null &&
    sideColour !== null &&
    labDistanceBetween(topColour, sideColour) > HEADWEAR_CONTRAST &&
    labDistanceBetween(topColour, skin.median) > HEADWEAR_CONTRAST;

  if (!hasHeadwear) {
    // (a cap's band at the temples would make the grey hair below it look off-colour)
    dropOffColourBelowEyes({ candidate: hairAll, lab, lx, ly, face, frame, width, height }, foreheadY);
  }
  dropThinStripsBelowEyes(hairAll, ly, Math.max(1, THIN_STRIP * frame.faceHeight), width, height);
  hairAll = keepComponentsTouching(hairAll, width, height, atTopOfHead);
  const headwear = new Uint8Array(n);
  const hair = hairAll;
  let headwearBottom: number | null = null;
  if (hasHeadwear) {
    headwearBottom = headwearLowerEdge(lab, hairAll, lx, ly, topColour, sideColour, foreheadY);
    for (let p = 0; p < n; p++) {
      if (hairAll[p] && ly[p]! < headwearBottom) {
        headwear[p] = 1;
        hair[p] = 0;
      } else if (hairAll[p] && labDistance(lab, p, topColour) < labDistance(lab, p, sideColour)) {
        // Below the cap's edge but of its colour: the brim's shadow on the hair, or the cap's
        // band seen past the face. Neither is the hair's colour, which the side hair gives.
        hair[p] = 0;
      }
    }
  }
  // Mostly skin: nearer the skin's colour than the hair's (thin hair mixed with the skin under it); a
  // fringe over the forehead is the hair's colour, and stays. Only where the two differ clearly: light
  // hair's highlights (blond, grey, a black-and-white photo) come as near the skin as such a mix.
  const hairPixels = indicesOf(hair);
  const hairColour = robustLabStats(lab, hairPixels).median;
  const clearContrast = labDistanceBetween(hairColour, skin.median) >= SPARSE_HAIRLINE_CONTRAST;
  const mostlySkin = (p: number) => labDistance(lab, p, skin.median) < labDistance(lab, p, hairColour);
  const bareForehead = (p: number) =>
    person(p) && !hair[p] && !headwear[p] && ly[p]! < BROWS_Y && skinDistance(p) < SKIN_DISTANCE;
  const nearBareSkin = (bare: (p: number) => boolean): Uint8Array =>
    clearContrast
      ? hairShowingSkinNear(hair, {
          bareSkin: bare,
          mostlySkin,
          reach: SPARSE_HAIRLINE_REACH * frame.faceHeight,
          width,
          height,
        })
      : new Uint8Array(n);
  const sparseHairline = nearBareSkin(bareForehead);
  // Near the ears and temples too; not through the hair's mass, where a dark-haired black-and-white
  // photo's highlights are as near the skin's grey (the cameraman's hair went flat without them).
  const skinColouredHair = nearBareSkin((p) => bareForehead(p) || skinBesideFace[p] === 1);
  const hairOverFace =
    clearContrast && !monochrome
      ? hairOverFaceEdge(hair, {
          onEdge: (p) =>
            face[p] === 1 &&
            Math.abs(lx[p]!) > FACE_EDGE_X &&
            ly[p]! > foreheadY + 0.12 &&
            ly[p]! < chinY - 0.1,
          hairColoured: (p) =>
            skinDistance(p) >= SKIN_DISTANCE &&
            labDistance(lab, p, hairColour) < HAIR_OVER_FACE_NEARER * labDistance(lab, p, skin.median),
          thinRadius: Math.max(1, THIN_STRIP * frame.faceHeight),
          width,
          height,
        })
      : new Uint8Array(n);
  const headwearPixels = indicesOf(headwear);
  const beard = segmentBeard(
    { lab, lx, ly, face, person, notSkin, frame, width, height, turn: backReach.turn },
    landmarks,
  );
  return {
    width,
    height,
    hair,
    sparseHairline,
    skinColouredHair,
    hairOverFace,
    clothing: wornBelowJaw,
    headwear,
    face,
    skinBesideFace,
    lowerFace,
    frame,
    skinRgb: meanRgb(photo.data, cheeks),
    hairRgb: meanRgb(photo.data, hairPixels),
    headwearRgb: headwearPixels.length > 0 ? meanRgb(photo.data, headwearPixels) : null,
    headwearBottom,
    beard,
  };
}

/**
 * Pixels on the face's edge of the hair's colour, in components that touch the hair, less strips
 * narrower than 2 × `thinRadius`. Worked on the candidates' bounding box: the oval's edge is a small
 * part of the photo.
 */
function hairOverFaceEdge(
  hair: Uint8Array,
  c: {
    onEdge: (p: number) => boolean;
    hairColoured: (p: number) => boolean;
    thinRadius: number;
    width: number;
    height: number;
  },
): Uint8Array {
  const { width, height } = c;
  const over = new Uint8Array(width * height);
  for (let p = 0; p < over.length; p++) over[p] = c.onEdge(p) && c.hairColoured(p) ? 1 : 0;
  const bounds = maskBounds(over, width, height);
  if (!bounds) return over;
  // One pixel round the box, so a component's hair neighbours lie inside it.
  const x0 = Math.max(0, bounds.x0 - 1),
    y0 = Math.max(0, bounds.y0 - 1);
  const bw = Math.min(width - 1, bounds.x1 + 1) - x0 + 1,
    bh = Math.min(height - 1, bounds.y1 + 1) - y0 + 1;
  const at = (q: number) => (y0 + Math.floor(q / bw)) * width + x0 + (q % bw);
  const box = new Uint8Array(bw * bh);
  for (let q = 0; q < box.length; q++) box[q] = over[at(q)]!;
  const touchesHair = (q: number) => {
    const x = q % bw,
      y = (q - x) / bw;
    return (
      (x > 0 && hair[at(q - 1)] === 1) ||
      (x < bw - 1 && hair[at(q + 1)] === 1) ||
      (y > 0 && hair[at(q - bw)] === 1) ||
      (y < bh - 1 && hair[at(q + bw)] === 1)
    );
  };
  // The oval's own rim (a shadowed jaw, a sideburn's edge, a glasses' arm) passes as thin strips.
  const kept = openMask(keepComponentsTouching(box, bw, bh, touchesHair), c.thinRadius, bw, bh);
  for (let q = 0; q < box.length; q++) over[at(q)] = kept[q]!;
  return over;
}

/** Hair pixels that show mostly skin within `reach` (pixels) of bare skin. */
function hairShowingSkinNear(
  hair: Uint8Array,
  c: {
    bareSkin: (p: number) => boolean;
    mostlySkin: (p: number) => boolean;
    reach: number;
    width: number;
    height: number;
  },
): Uint8Array {
  const n = c.width * c.height;
  const bare = new Uint8Array(n);
  for (let p = 0; p < n; p++) bare[p] = c.bareSkin(p) ? 1 : 0;
  const distance = distanceToMask(bare, c.width, c.height);
  const sparse = new Uint8Array(n);
  for (let p = 0; p < n; p++) sparse[p] = hair[p] && distance[p]! <= c.reach && c.mostlySkin(p) ? 1 : 0;
  return sparse;
}

/** On a head seen in profile, what lies in front of the face's outline is not hair (PROFILE_TURN_SIN). */
function dropInFrontOfProfile(
  candidate: Uint8Array,
  c: { lx: Float32Array; ly: Float32Array; nearFace: Float32Array; frame: FaceFrame },
  foreheadY: number,
  backSide: number,
): void {
  for (let p = 0; p < candidate.length; p++) {
    if (c.ly[p]! < foreheadY || c.lx[p]! * backSide > 0) continue;
    const margin = (c.ly[p]! > BROWS_Y ? SIDEBURN_MARGIN : FRINGE_MARGIN) * c.frame.faceHeight;
    if (c.nearFace[p]! > margin) candidate[p] = 0;
  }
}

/**
 * Below the eye line, hair continues the colour of the hair above it. Skin in shadow along the jaw
 * (darker than the lit cheeks, so not skin by their statistics) and the dark edge of a collar read as
 * hair there, and a short cut then hangs down to the chin as a bob. When the top of the head and the
 * temples agree on one hair colour (no cap, no two-tone), a candidate below the eyes further than
 * HAIR_CONTINUITY from it (normalised by its spread, floored) is not hair.
 */
function dropOffColourBelowEyes(c: LocalPixels, foreheadY: number): void {
  const { candidate, lab, lx, ly, face, frame, width, height } = c;
  const n = width * height;
  const top: number[] = [];
  const temples: number[] = [];
  for (let p = 0; p < n; p++) {
    if (!candidate[p]) continue;
    if (Math.abs(lx[p]!) < 0.25 && ly[p]! > foreheadY - 0.3 && ly[p]! < foreheadY - 0.05) top.push(p);
    if (!face[p] && Math.abs(lx[p]!) > 0.3 && ly[p]! > foreheadY + 0.1 && ly[p]! < 0) temples.push(p);
  }
  const minSamples = 0.002 * frame.faceHeight * frame.faceHeight;
  if (top.length < minSamples || temples.length < minSamples) return;
  const topStats = robustLabStats(lab, top);
  if (labDistanceBetween(topStats.median, robustLabStats(lab, temples).median) > HEADWEAR_CONTRAST) return;
  const hair = robustLabStats(lab, [...top, ...temples]);
  for (let p = 0; p < n; p++) {
    if (candidate[p] && ly[p]! >= BELOW_EYES && spreadDistance(lab, p, hair) > HAIR_CONTINUITY)
      candidate[p] = 0;
  }
}

/**
 * Below the eye line, hair narrower than 2 × `radius` pixels is dropped (a morphological opening there):
 * the edge of a beard or sideburn along the cheek (petsc_dave.jpg) and the dark rim between the neck and
 * a dark background (kpa_new_wave.jpg) pass the colour tests as thin strips down to the jaw, and the fit
 * then hangs hair there. Hair that hangs beside the face is far wider.
 */
function dropThinStripsBelowEyes(
  hair: Uint8Array,
  ly: Float32Array,
  radius: number,
  width: number,
  height: number,
): void {
  const opened = openMask(hair, radius, width, height);
  for (let p = 0; p < hair.length; p++) if (hair[p] && ly[p]! > BELOW_EYES && !opened[p]) hair[p] = 0;
}

/**
 * Grey and white hair beside the face is often left out of the person mask (the selfie model takes
 * it for a light background). Next to the face oval (within SIDE_BAND face heights, between the
 * forehead and the jaw) a pixel outside the mask counts as hair when its colour is none of the
 * background's beside the head (k-means of the masked-out pixels further out), not skin and not
 * clothing. Only what joins the rest of the hair is kept later (keepComponentsTouching).
 */
/** The photo's pixels in face-local coordinates, with the hair candidates being decided. */
interface LocalPixels {
  candidate: Uint8Array;
  lab: Float32Array;
  lx: Float32Array;
  ly: Float32Array;
  face: Uint8Array;
  frame: FaceFrame;
  width: number;
  height: number;
}

function addSideHairOutsideMask(
  c: LocalPixels & {
    person: (p: number) => boolean;
    notSkin: (p: number) => boolean;
    clothing: Lab[];
  },
  [fromY, toY]: [number, number],
): void {
  const { candidate, lab, lx, ly, face, width, height } = c;
  const n = width * height;
  // A mask that misses the face itself says nothing about what lies beside it.
  let faceArea = 0,
    faceInPerson = 0;
  for (let p = 0; p < n; p++) {
    if (!face[p]) continue;
    faceArea++;
    if (c.person(p)) faceInPerson++;
  }
  if (faceInPerson < 0.5 * faceArea) return;
  const toFace = distanceToMask(face, width, height);
  const band = SIDE_BAND * c.frame.faceHeight;
  const backgroundPixels: number[] = [];
  for (let p = 0; p < n; p++) {
    if (c.person(p) || ly[p]! < fromY || ly[p]! > toY) continue;
    const d = toFace[p]!;
    if (d > 2 * band && d < 5 * band) backgroundPixels.push(p);
  }
  if (backgroundPixels.length < 50) return;
  const background = labClusters(lab, backgroundPixels, 6)
    .filter((k) => k.share > 0.03)
    .map((k) => k.centre);
  for (let p = 0; p < n; p++) {
    if (c.person(p) || face[p] || ly[p]! < fromY || ly[p]! > toY || toFace[p]! > band) continue;
    if (Math.abs(lx[p]!) < 0.2) continue;
    if (!c.notSkin(p)) continue;
    if (background.some((k) => labDistance(lab, p, k) < BACKGROUND_DISTANCE)) continue;
    if (c.clothing.some((k) => labDistance(lab, p, k) < CLOTHING_DISTANCE)) continue;
    candidate[p] = 1;
  }
}

/**
 * The cap's lower edge: going down from the top of the head, the last row (local y) where most
 * candidate pixels across the face's width are nearer the headwear colour than the side hair's.
 */
function headwearLowerEdge(
  lab: Float32Array,
  hair: Uint8Array,
  lx: Float32Array,
  ly: Float32Array,
  capColour: Lab,
  hairColour: Lab,
  foreheadY: number,
): number {
  const step = 0.02;
  const rows = new Map<number, { cap: number; all: number }>();
  for (let p = 0; p < hair.length; p++) {
    if (!hair[p] || Math.abs(lx[p]!) > 0.4) continue;
    const row = Math.floor(ly[p]! / step);
    const r = rows.get(row) ?? { cap: 0, all: 0 };
    r.all++;
    if (labDistance(lab, p, capColour) < labDistance(lab, p, hairColour)) r.cap++;
    rows.set(row, r);
  }
  const sorted = [...rows.entries()].sort((a, b) => a[0] - b[0]);
  let bottom = foreheadY;
  let seenCap = false;
  for (const [row, r] of sorted) {
    const capRow = r.cap > 0.5 * r.all;
    if (capRow) {
      seenCap = true;
      bottom = (row + 1) * step;
    } else if (seenCap && row * step > foreheadY - 0.1) {
      break;
    }
  }
  return Math.min(bottom, foreheadY + 0.12);
}

/**
 * The skin's own lightness texture: the smoother of the cheeks' and the forehead's median (the cheeks
 * take in a smile's and the nose's edges).
 */
function smoothSkinTexture(texture: Float32Array, cheeks: number[], forehead: number[]): number {
  const onCheeks = median(cheeks.map((p) => texture[p]!));
  if (forehead.length < MIN_FOREHEAD_PIXELS) return onCheeks;
  return Math.min(onCheeks, median(forehead.map((p) => texture[p]!)));
}
/** Fewer forehead pixels than this (a fringe over it, a tiny face): the cheeks alone. */
const MIN_FOREHEAD_PIXELS = 20;
