import sharp from 'sharp';
import type { ExportSettings } from '../../shared/protocol';

export interface EncodedTexture {
  bytes: Buffer;
  mimeType: 'image/png' | 'image/jpeg';
  extension: 'png' | 'jpg';
  size: number;
}

/**
 * The base-colour texture, square (UVs are normalised, so stretching a non-square atlas keeps the
 * mapping) and without alpha (skin is opaque; an alpha channel makes some importers wire up
 * transparency). `maxSize` is a ceiling: a smaller atlas is not enlarged, which would only grow the file.
 */
export async function encodeTexture(
  png: Buffer,
  maxSize: ExportSettings['textureSize'],
  format: ExportSettings['textureFormat'],
): Promise<EncodedTexture> {
  const { width = maxSize, height = maxSize } = await sharp(png).metadata();
  const size = Math.min(maxSize, Math.max(width, height));
  const resized = sharp(png).resize(size, size, { fit: 'fill', kernel: 'lanczos3' });
  if (format === 'jpeg') {
    const bytes = await resized.flatten({ background: '#808080' }).jpeg({ quality: 90 }).toBuffer();
    return { bytes, mimeType: 'image/jpeg', extension: 'jpg', size };
  }
  const bytes = await resized.removeAlpha().png().toBuffer();
  return { bytes, mimeType: 'image/png', extension: 'png', size };
}
