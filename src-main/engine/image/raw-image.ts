/** Encoded images (PNG, JPEG…) to raw pixels and back, the one way every stage does it. */
import sharp from 'sharp';

export interface RawImage {
  /** Row-major pixels, `channels` bytes each, no padding. */
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * Decode to sRGB with exactly `channels` channels: 1 = the first channel (masks), 3 = RGB (alpha
 * dropped), 4 = RGBA (opaque alpha added where missing). `width` resizes (aspect kept) first.
 */
export async function decodeRawImage(
  encoded: Buffer,
  channels: 1 | 3 | 4,
  options: { width?: number } = {},
): Promise<RawImage> {
  let image = sharp(encoded);
  if (options.width !== undefined) image = image.resize({ width: options.width, kernel: 'lanczos3' });
  image = channels === 1 ? image.extractChannel(0) : image.removeAlpha().toColourspace('srgb');
  if (channels === 4) image = image.ensureAlpha();
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}
