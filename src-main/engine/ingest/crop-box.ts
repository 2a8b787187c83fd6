import type { CropBox } from '../../shared/protocol';
import { StageError } from '../stage-error';

/**
 * The user's crop (studio's crop box, in the upright original photo's pixels) checked against the
 * photo it is applied to: a box from an older photo or a hand-edited job.json is refused with a clear
 * error instead of sharp's "bad extract area".
 */
export function checkCropBox(crop: CropBox, width: number, height: number): CropBox {
  const { x, y, width: w, height: h } = crop;
  if (x + w > width || y + h > height) {
    throw new StageError(
      'crop-outside-photo',
      `The crop box (${w} × ${h} at ${x}, ${y}) reaches outside the ${width} × ${height} photo.`,
      'Adjust the crop box so that it lies inside the photo, then apply it again.',
    );
  }
  return crop;
}

/** sharp's extract region for a checked crop box. */
export function extractRegion(crop: CropBox): { left: number; top: number; width: number; height: number } {
  return { left: crop.x, top: crop.y, width: crop.width, height: crop.height };
}
