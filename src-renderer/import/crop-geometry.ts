/**
 * The crop box's geometry, pure: where it starts (around the detected face), how the mouse and the
 * arrow keys move and resize it (always inside the photo, never below the smallest crop), and how a
 * box on the shown photo (photo.png pixels) maps to the original photo's pixels that ingest crops.
 */
import { MIN_CROP_SIDE, type CropBox } from '../../src-main/shared/protocol';
import type { IngestReport } from '../../src-main/shared/ingest-report';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Head and some shoulder around a face box (the detector's box has a small margin already). */
const FACE_MARGIN = 1.8;

const clamp = (v: number, lo: number, hi: number): number => Math.min(Math.max(v, lo), Math.max(lo, hi));

/** Keeps a box inside the photo and at least `minSide` on each side (as far as the photo allows). */
export function fitInside(box: Box, photo: Size, minSide: number): Box {
  const width = clamp(box.width, Math.min(minSide, photo.width), photo.width);
  const height = clamp(box.height, Math.min(minSide, photo.height), photo.height);
  return {
    x: clamp(box.x, 0, photo.width - width),
    y: clamp(box.y, 0, photo.height - height),
    width,
    height,
  };
}

/**
 * The first box: centred on the largest face found (the one to keep when there are several), with
 * room for the head and shoulders; without a face, the middle 80 % of the photo.
 */
export function initialCropBox(
  photo: Size,
  faces: readonly [number, number, number, number][],
  minSide: number,
): Box {
  const face = faces.reduce<[number, number, number, number] | undefined>(
    (best, f) => (!best || f[2] * f[3] > best[2] * best[3] ? f : best),
    undefined,
  );
  if (!face) {
    return fitInside(
      { x: photo.width * 0.1, y: photo.height * 0.1, width: photo.width * 0.8, height: photo.height * 0.8 },
      photo,
      minSide,
    );
  }
  const [fx, fy, fw, fh] = face;
  const width = fw * FACE_MARGIN;
  const height = fh * FACE_MARGIN;
  const box = { x: fx + fw / 2 - width / 2, y: fy + fh / 2 - height / 2, width, height };
  return roundBox(fitInside(box, photo, minSide));
}

export function roundBox(box: Box): Box {
  return {
    x: Math.round(box.x),
    y: Math.round(box.y),
    width: Math.round(box.width),
    height: Math.round(box.height),
  };
}

export function moveBox(box: Box, dx: number, dy: number, photo: Size, minSide: number): Box {
  return fitInside({ ...box, x: box.x + dx, y: box.y + dy }, photo, minSide);
}

/** Resizes from the bottom-right corner (the top-left stays put unless the photo's edge stops it). */
export function resizeBox(box: Box, dw: number, dh: number, photo: Size, minSide: number): Box {
  const width = clamp(box.width + dw, Math.min(minSide, photo.width), photo.width - box.x);
  const height = clamp(box.height + dh, Math.min(minSide, photo.height), photo.height - box.y);
  return fitInside({ ...box, width, height }, photo, minSide);
}

/** What the arrow keys do: move; with Shift, resize. `step` in photo pixels. */
export function boxAfterKey(
  box: Box,
  key: string,
  shift: boolean,
  step: number,
  photo: Size,
  minSide: number,
): Box | undefined {
  const delta: Record<string, [number, number]> = {
    ArrowLeft: [-step, 0],
    ArrowRight: [step, 0],
    ArrowUp: [0, -step],
    ArrowDown: [0, step],
  };
  const d = delta[key];
  if (!d) return undefined;
  return shift ? resizeBox(box, d[0], d[1], photo, minSide) : moveBox(box, d[0], d[1], photo, minSide);
}

/** Scale from the shown photo (photo.png) to the original: the crop, or the original, over its size. */
function workingToOriginal(report: IngestReport): { scale: number; offsetX: number; offsetY: number } {
  const source = report.crop ?? { x: 0, y: 0, ...report.original };
  return { scale: source.width / report.working.width, offsetX: source.x, offsetY: source.y };
}

/** The smallest box side on the shown photo that is still MIN_CROP_SIDE original pixels. */
export function minSideOnPhoto(report: IngestReport | undefined): number {
  return report ? Math.ceil(MIN_CROP_SIDE / workingToOriginal(report).scale) : MIN_CROP_SIDE;
}

/** The box on the shown photo as a crop of the original (what JobSettings.crop takes). */
export function toOriginalCrop(box: Box, report: IngestReport): CropBox {
  const { scale, offsetX, offsetY } = workingToOriginal(report);
  const original = { width: report.original.width, height: report.original.height };
  const crop = fitInside(
    {
      x: Math.round(offsetX + box.x * scale),
      y: Math.round(offsetY + box.y * scale),
      width: Math.round(box.width * scale),
      height: Math.round(box.height * scale),
    },
    original,
    MIN_CROP_SIDE,
  );
  return roundBox(crop);
}
