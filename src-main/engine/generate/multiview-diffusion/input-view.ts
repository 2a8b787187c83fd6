/**
 * The input view the networks see (docs/multiview-diffusion.md, `inputCrop`): the cut-out photo on
 * white, cropped to the bounding box of its alpha (the person mask), the longest side scaled to
 * fill·size, centred on a white size² canvas; as NCHW float32 in [−1, 1]. The VAE encoder gets it at
 * S (the pack's resolution), the condition encoder at R; each is made from the cut-out in one resample.
 */
import sharp from 'sharp';
import type { RawImage } from '../../image/raw-image';
import type { DiffusionSpec } from '../../packs/diffusion-manifest';

export interface AlphaBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Bounding box of alpha ≥ 128 (the whole image when nothing is). */
export function alphaBoundingBox(alpha: RawImage): AlphaBox {
  const { width, height, data } = alpha;
  let minX = width,
    minY = height,
    maxX = -1,
    maxY = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (data[y * width + x]! < 128) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  if (maxX < 0) return { left: 0, top: 0, width, height };
  return { left: minX, top: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/** The crop as an RGB PNG of size² (for the job folder and the gallery). */
export async function cropInputView(
  cutoutRgb: Buffer | Uint8Array,
  mask: RawImage,
  size: number,
  crop: DiffusionSpec['inputCrop'],
): Promise<{ rgb: Uint8Array; png: Buffer }> {
  if (crop.mode === 'none') {
    // the parent's own preprocessing: the whole cut-out photo resized (bicubic) to size², no crop
    const rgb = new Uint8Array(
      await sharp(cutoutRgb)
        .removeAlpha()
        .resize(size, size, { fit: 'fill', kernel: 'cubic' })
        .raw()
        .toBuffer(),
    );
    const png = await sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toBuffer();
    return { rgb, png };
  }
  const fill = crop.fill;
  const meta = await sharp(cutoutRgb).metadata();
  const W = meta.width ?? 0;
  const H = meta.height ?? 0;
  const scaledMask =
    mask.width === W && mask.height === H
      ? mask
      : {
          width: W,
          height: H,
          channels: 1,
          data: new Uint8Array(
            await sharp(mask.data, { raw: { width: mask.width, height: mask.height, channels: 1 } })
              .resize(W, H, { fit: 'fill' })
              .raw()
              .toBuffer(),
          ),
        };
  const box = alphaBoundingBox(scaledMask as RawImage);
  const longest = Math.max(box.width, box.height);
  const target = Math.max(1, Math.round(fill * size));
  const w = Math.max(1, Math.round((box.width * target) / longest));
  const h = Math.max(1, Math.round((box.height * target) / longest));
  const cropped = await sharp(cutoutRgb)
    .removeAlpha()
    .extract(box)
    .resize(w, h, { fit: 'fill', kernel: 'lanczos3' })
    .png()
    .toBuffer();
  const white = { r: 255, g: 255, b: 255 };
  const canvas = sharp({ create: { width: size, height: size, channels: 3, background: white } }).composite([
    { input: cropped, left: Math.floor((size - w) / 2), top: Math.floor((size - h) / 2) },
  ]);
  const rgb = new Uint8Array(await canvas.clone().removeAlpha().raw().toBuffer());
  const png = await sharp(rgb, { raw: { width: size, height: size, channels: 3 } })
    .png()
    .toBuffer();
  return { rgb, png };
}

/** RGB bytes (HWC) → NCHW float32 [1, 3, size, size] in [−1, 1]. */
export function rgbToSignedNchw(rgb: Uint8Array, size: number): Float32Array {
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    out[p] = rgb[p * 3]! / 127.5 - 1;
    out[plane + p] = rgb[p * 3 + 1]! / 127.5 - 1;
    out[2 * plane + p] = rgb[p * 3 + 2]! / 127.5 - 1;
  }
  return out;
}

/** One image of a decoder's NCHW [−1, 1] output → RGB bytes (HWC), clamped. */
export function signedNchwToRgb(data: Float32Array, index: number, size: number): Uint8Array {
  const plane = size * size;
  const base = index * 3 * plane;
  const out = new Uint8Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = (data[base + c * plane + p]! + 1) * 127.5;
      out[p * 3 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return out;
}
