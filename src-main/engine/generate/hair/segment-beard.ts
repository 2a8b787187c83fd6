/**
 * A beard in the photo: the chin below the lower lip shows something that is not skin, and that
 * colour continues from the chin down below the jaw. The region connected to the chin, of the chin's
 * colour, is the beard; how far it reaches below the chin and how wide it is there shape the beard
 * object (build-beard-mesh.ts). A moustache alone, stubble the skin test passes, or a shaven chin in
 * shadow that the skin test does not pass but that ends at the jaw, give no beard object: the head's
 * texture keeps them from the photo.
 */
import { robustLabStats, spreadDistance } from './photo-colours';
import { distanceToMask } from '../../image/chamfer-distance';
import { keepComponentsTouching, openMask } from './photo-masks';
import { CHIN, landmarkLocalY, LOWER_LIP, type FaceFrame } from './face-frame';
import { median } from '../prior-projection/skin-colour-model';

export interface BeardPixels {
  /** The photo's Lab values. */
  lab: Float32Array;
  /** Face-local coordinates per pixel (face heights; x across, y down from the eye line). */
  lx: Float32Array;
  ly: Float32Array;
  face: Uint8Array;
  person: (p: number) => boolean;
  /** The hair segmentation's skin test failed (colour, or texture in a black-and-white photo). */
  notSkin: (p: number) => boolean;
  frame: FaceFrame;
  width: number;
  height: number;
  /** Sine of the head's turn across the face (0 facing the camera). */
  turn: number;
}

export interface BeardSegmentation {
  /** 1 where the photo shows the beard (on the chin and jaw and hanging below them). */
  mask: Uint8Array;
  /** 1 where it hangs below the chin, in front of the neck (the head's bake leaves that to the beard object). */
  hanging: Uint8Array;
  /** Local y (face heights below the eye line) of the chin (landmark 152) and of the beard's lowest full row. */
  chinY: number;
  bottomY: number;
  /**
   * Half-widths (face heights) of the beard below the chin, left and right of the face's axis, one
   * per BEARD_ROW_STEP from the chin down to bottomY.
   */
  rows: { y: number; left: number; right: number }[];
  /** How far (face heights, median over the rows from the lip to the chin) the beard stands out beyond the face's outline. */
  jawExcess: number;
}

/** Share of the chin (between the lower lip and the chin) that must fail the skin test. */
const CHIN_SHARE = 0.6;
/** A pixel is the beard's colour within this normalised Lab distance of the chin's (photo-colours.ts). */
const BEARD_CONTINUITY = 3;
/** The beard reaches at most this far below the chin and this far either side of the face's axis (face heights). */
const MAX_LENGTH = 1.0;
const MAX_HALF_WIDTH = 0.55;
/** Rows of the hanging beard: one per this many face heights. */
const BEARD_ROW_STEP = 0.04;
/** A row narrower than this (face heights, in all) ends the hanging beard: a strand or a tie below it. */
const MIN_ROW_WIDTH = 0.1;
/** Below the chin a beard is at least this long (face heights) to be modelled; shorter it stays painted. */
const MIN_HANGING = 0.08;
/** Beyond this turn (sine: 30°) the chin is seen edge-on, and what lies below it may be a hand or a camera. */
const MAX_TURN_SIN = 0.5;
/** Below the chin the beard is at most the jaw's width plus this either side, and widens by at most WIDENING per row. */
const JAW_MARGIN = 0.05;
const WIDENING = 0.005;
/** Thinner than twice this (face heights) is a strip along the jaw's shadow, not a beard. */
const THIN = 0.02;

export function segmentBeard(c: BeardPixels, landmarks: ArrayLike<number>): BeardSegmentation | null {
  const lipY = landmarkLocalY(c.frame, landmarks, LOWER_LIP);
  const chinY = landmarkLocalY(c.frame, landmarks, CHIN);
  if (!(chinY > lipY) || c.turn > MAX_TURN_SIN) return null;
  // Everything below happens in the photo's crop around the lower face and below it (a tenth of a
  // half-length portrait's pixels: the whole photo took 1.5 s).
  const reach = MAX_HALF_WIDTH + 2 * JAW_MARGIN;
  const view = cropToLocalBox(c, [-reach, reach], [lipY - 2 * JAW_MARGIN, chinY + MAX_LENGTH]);
  const found = findBeard(view, lipY, chinY);
  if (!found) return null;
  const mask = new Uint8Array(c.width * c.height);
  const hanging = new Uint8Array(c.width * c.height);
  for (let q = 0; q < found.mask.length; q++) {
    if (!found.mask[q]) continue;
    const p = view.pixel[q]!;
    mask[p] = 1;
    if (c.ly[p]! > chinY) hanging[p] = 1;
  }
  return {
    mask,
    hanging,
    chinY,
    bottomY: found.bottomY,
    rows: found.rows,
    jawExcess: found.jawExcess,
  };
}

/** The photo's pixels inside a face-local box (face heights), as a crop of their own; `pixel` maps back. */
type BeardView = Omit<BeardPixels, 'turn'> & { pixel: Int32Array };

function cropToLocalBox(
  c: BeardPixels,
  [xMin, xMax]: [number, number],
  [yMin, yMax]: [number, number],
): BeardView {
  const { frame } = c;
  // A photo point from face-local coordinates (toFaceLocal inverted): origin + fh·(x·right − y·up).
  const corners = [xMin, xMax].flatMap((x) =>
    [yMin, yMax].map((y) => [
      frame.origin[0] + frame.faceHeight * (x * frame.right[0] - y * frame.up[0]),
      frame.origin[1] + frame.faceHeight * (x * frame.right[1] - y * frame.up[1]),
    ]),
  );
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[0]!))));
  const x1 = Math.min(c.width, Math.ceil(Math.max(...corners.map((p) => p[0]!))));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p[1]!))));
  const y1 = Math.min(c.height, Math.ceil(Math.max(...corners.map((p) => p[1]!))));
  const width = Math.max(0, x1 - x0);
  const height = Math.max(0, y1 - y0);
  const pixel = new Int32Array(width * height);
  const lab = new Float32Array(width * height * 3);
  const lx = new Float32Array(width * height);
  const ly = new Float32Array(width * height);
  const face = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const q = y * width + x;
      const p = (y0 + y) * c.width + x0 + x;
      pixel[q] = p;
      for (let k = 0; k < 3; k++) lab[q * 3 + k] = c.lab[p * 3 + k]!;
      lx[q] = c.lx[p]!;
      ly[q] = c.ly[p]!;
      face[q] = c.face[p]!;
    }
  }
  return {
    pixel,
    lab,
    lx,
    ly,
    face,
    person: (q) => c.person(pixel[q]!),
    notSkin: (q) => c.notSkin(pixel[q]!),
    frame,
    width,
    height,
  };
}

function findBeard(
  c: BeardView,
  lipY: number,
  chinY: number,
): { mask: Uint8Array; bottomY: number; rows: BeardSegmentation['rows']; jawExcess: number } | null {
  const { lab, lx, ly, face, width, height, frame } = c;
  const n = width * height;
  const span = chinY - lipY;
  const chin: number[] = [];
  for (let p = 0; p < n; p++) {
    if (face[p] && Math.abs(lx[p]!) < 0.1 && ly[p]! > lipY + 0.3 * span && ly[p]! < chinY - 0.1 * span)
      chin.push(p);
  }
  if (chin.length < 0.001 * frame.faceHeight * frame.faceHeight) return null;
  const chinBeard = chin.filter((p) => c.notSkin(p));
  if (chinBeard.length < CHIN_SHARE * chin.length) return null;
  const colour = robustLabStats(lab, chinBeard);
  // Above the chin the beard is on the face or just off its outline (the long hair beside it is not).
  const nearFace = distanceToMask(face, width, height);
  const margin = JAW_MARGIN * frame.faceHeight;
  const candidate = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const y = ly[p]!;
    if (!c.person(p) || y < lipY || y > chinY + MAX_LENGTH || Math.abs(lx[p]!) > MAX_HALF_WIDTH) continue;
    if (y < chinY && nearFace[p]! > margin) continue;
    if (c.notSkin(p) && spreadDistance(lab, p, colour) < BEARD_CONTINUITY) candidate[p] = 1;
  }
  const opened = openMask(candidate, Math.max(1, THIN * frame.faceHeight), width, height);
  const chinSet = new Set(chinBeard);
  const mask = keepComponentsTouching(opened, width, height, (p) => chinSet.has(p));

  // The hanging part, row by row from the chin down: it ends at the first row too narrow to be beard.
  const rowCount = Math.ceil(MAX_LENGTH / BEARD_ROW_STEP);
  const left = new Float32Array(rowCount).fill(Infinity);
  const right = new Float32Array(rowCount).fill(-Infinity);
  const counts = new Float32Array(rowCount);
  for (let p = 0; p < n; p++) {
    if (!mask[p] || ly[p]! < chinY) continue;
    const r = Math.floor((ly[p]! - chinY) / BEARD_ROW_STEP);
    if (r >= rowCount) continue;
    left[r] = Math.min(left[r]!, lx[p]!);
    right[r] = Math.max(right[r]!, lx[p]!);
    counts[r] = counts[r]! + 1;
  }
  // A beard hangs from the jaw and narrows (or keeps its width) going down: a coat's dark folds beside
  // it share its colour and texture, but not that shape.
  const jaw = jawHalfWidths(c, chinY - 0.15);
  let maxLeft = jaw.left + JAW_MARGIN;
  let maxRight = jaw.right + JAW_MARGIN;
  const rows: BeardSegmentation['rows'] = [];
  for (let r = 0; r < rowCount; r++) {
    const l = Math.min(maxLeft, Math.max(0, -left[r]!));
    const rr = Math.min(maxRight, Math.max(0, right[r]!));
    // Holes and ragged edges: the pixel count caps the width the extremes give.
    const widthFromCount = counts[r]! / (BEARD_ROW_STEP * frame.faceHeight * frame.faceHeight);
    const scale = Math.min(1, widthFromCount / Math.max(1e-6, l + rr));
    if ((l + rr) * scale < MIN_ROW_WIDTH) break;
    rows.push({ y: chinY + (r + 0.5) * BEARD_ROW_STEP, left: l * scale, right: rr * scale });
    maxLeft = l * scale + WIDENING;
    maxRight = rr * scale + WIDENING;
  }
  const bottomY = chinY + rows.length * BEARD_ROW_STEP;
  if (bottomY - chinY < MIN_HANGING) return null;
  for (let p = 0; p < n; p++) {
    if (!mask[p] || ly[p]! < chinY) continue;
    const row = rows[Math.floor((ly[p]! - chinY) / BEARD_ROW_STEP)];
    if (!row || lx[p]! < -row.left || lx[p]! > row.right) mask[p] = 0;
  }
  const jawExcess = beyondOutline(c, mask, lipY + 0.3 * span, chinY);
  return { mask, bottomY, rows, jawExcess };
}

/** Half-widths (face heights) of the face oval either side of its axis at local height y. */
function jawHalfWidths(c: BeardView, y: number): { left: number; right: number } {
  let left = 0,
    right = 0;
  for (let p = 0; p < c.face.length; p++) {
    if (!c.face[p] || Math.abs(c.ly[p]! - y) > 0.01) continue;
    left = Math.max(left, -c.lx[p]!);
    right = Math.max(right, c.lx[p]!);
  }
  return { left, right };
}

/** Median, over rows between y0 and y1 and both sides, of how far the mask reaches past the face oval (face heights). */
function beyondOutline(c: BeardView, mask: Uint8Array, y0: number, y1: number): number {
  const step = 0.01;
  const count = Math.max(1, Math.ceil((y1 - y0) / step));
  const extent = {
    beard: [new Float32Array(count), new Float32Array(count)],
    face: [new Float32Array(count), new Float32Array(count)],
  };
  for (let p = 0; p < mask.length; p++) {
    const y = c.ly[p]!;
    if (y < y0 || y >= y1 || !(mask[p] || c.face[p])) continue;
    const r = Math.min(count - 1, Math.floor((y - y0) / step));
    const side = c.lx[p]! < 0 ? 0 : 1;
    const reach = Math.abs(c.lx[p]!);
    if (mask[p]) extent.beard[side]![r] = Math.max(extent.beard[side]![r]!, reach);
    if (c.face[p]) extent.face[side]![r] = Math.max(extent.face[side]![r]!, reach);
  }
  const excess: number[] = [];
  for (let side = 0; side < 2; side++)
    for (let r = 0; r < count; r++)
      if (extent.face[side]![r]! > 0)
        excess.push(Math.max(0, extent.beard[side]![r]! - extent.face[side]![r]!));
  return excess.length > 0 ? median(excess) : 0;
}
