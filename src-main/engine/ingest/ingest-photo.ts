import sharp, { type Metadata, type SharpOptions } from 'sharp';
import type { CropBox } from '../../shared/protocol';
import { StageError } from '../stage-error';
import { checkCropBox, extractRegion } from './crop-box';

/**
 * Ingest: turn the user's file into the working copy every later stage reads — an 8-bit RGB PNG,
 * upright (EXIF orientation applied), alpha flattened on white, longest side ≤ workingMaxSide.
 * Everything a user can fix (empty, not an image, too large, corrupt, unsupported) is refused with a
 * StageError, and size is checked from the header before any pixel is decoded.
 */

export interface IngestOptions {
  /** Refuse photos with more pixels than this (decompression-bomb guard), checked before decoding. */
  maxInputPixels: number;
  /** Longest side of the working copy; larger photos are downscaled. */
  workingMaxSide: number;
  /** Cut this box (upright original pixels) out first: the studio's crop box. */
  crop?: CropBox;
}

export interface IngestedPhoto {
  /** Working copy: RGB, 8 bits per channel, upright. */
  png: Buffer;
  width: number;
  height: number;
  /** The file as given: format and size as displayed (i.e. after EXIF orientation). */
  original: { width: number; height: number; format: string };
  /** The crop applied (checked against the upright original), if any. */
  crop?: CropBox;
}

/** Raster formats we take photos in; sharp also reads svg/raw/pdf, which are not photos. */
const PHOTO_FORMATS = new Set(['jpeg', 'png', 'webp', 'heif', 'avif', 'tiff', 'gif']);

const FORMAT_HINT = 'Save the photo as JPEG or PNG and try again.';

export async function ingestPhoto(bytes: Buffer, opts: IngestOptions): Promise<IngestedPhoto> {
  if (bytes.length === 0) {
    throw new StageError('empty-file', 'The photo file is empty (0 bytes).', 'Choose the photo file again.');
  }
  const meta = await readHeader(bytes, opts.maxInputPixels);
  const format = meta.format === 'heif' && meta.compression === 'av1' ? 'avif' : String(meta.format);
  if (!PHOTO_FORMATS.has(format)) {
    throw new StageError(
      'unsupported-format',
      `Photos in ${format.toUpperCase()} format are not supported.`,
      FORMAT_HINT,
    );
  }
  if (meta.format === 'heif' && meta.compression === 'hevc') {
    // sharp's prebuilt libvips decodes AV1-coded HEIF only; HEVC (the iPhone's HEIC) is patent-encumbered
    throw new StageError(
      'unsupported-format',
      'HEIC photos (HEVC-coded, as from iPhones) cannot be decoded here.',
      'Export the photo as JPEG (Photos: File ▸ Export, or set Camera ▸ Formats ▸ Most Compatible).',
    );
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width <= 0 || height <= 0) {
    throw new StageError(
      'corrupt-image',
      'The photo header has no valid size.',
      'The file may be damaged; try another copy.',
    );
  }
  if (width * height > opts.maxInputPixels) throw tooLarge(width, height, opts.maxInputPixels);

  const upright = meta.autoOrient ?? { width, height };
  const crop = opts.crop && checkCropBox(opts.crop, upright.width, upright.height);
  try {
    // autoOrient before extract: the crop is in the upright photo's pixels, as the user saw it
    const oriented = sharp(bytes, sharpInput(opts.maxInputPixels)).autoOrient();
    const { data, info } = await (crop ? oriented.extract(extractRegion(crop)) : oriented)
      .resize({
        width: opts.workingMaxSide,
        height: opts.workingMaxSide,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .png({ compressionLevel: 6 })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`expected 3 channels after flattening, got ${info.channels}`);
    return {
      png: data,
      width: info.width,
      height: info.height,
      original: { width: upright.width, height: upright.height, format },
      ...(crop ? { crop } : {}),
    };
  } catch (err) {
    if (err instanceof StageError) throw err;
    throw classifyDecodeError(err, format, width, height, opts.maxInputPixels);
  }
}

function sharpInput(maxInputPixels: number): SharpOptions {
  // 'error' also refuses truncated files (the levels are cumulative) but tolerates harmless warnings;
  // limitInputPixels is the second guard behind our own header check.
  return { failOn: 'error', limitInputPixels: maxInputPixels, sequentialRead: true };
}

async function readHeader(bytes: Buffer, maxInputPixels: number): Promise<Metadata> {
  try {
    // metadata() parses the header only, no pixels are decoded; its pixel limit is off so that the size
    // check below can say how large the photo is
    return await sharp(bytes, { ...sharpInput(maxInputPixels), limitInputPixels: false }).metadata();
  } catch (err) {
    const msg = errorMessage(err);
    if (/unsupported image format/i.test(msg)) {
      throw new StageError(
        'not-an-image',
        'The file is not an image (its contents are not a known picture format).',
        'Choose a photo file (JPEG or PNG) — a renamed document will not work.',
      );
    }
    // libjpeg's own size limit (65500 px a side) is met before ours can say how large the photo is
    if (/pixel limit|maximum supported image dimension/i.test(msg))
      throw tooLarge(undefined, undefined, maxInputPixels);
    throw new StageError(
      'corrupt-image',
      `The photo could not be read: ${msg}`,
      'The file may be damaged; try another copy.',
    );
  }
}

function classifyDecodeError(err: unknown, format: string, w: number, h: number, limit: number): StageError {
  const msg = errorMessage(err);
  if (/pixel limit/i.test(msg)) return tooLarge(w, h, limit);
  if (/unsupported|no decoder|not supported|bad seek/i.test(msg) && !/premature|truncat|corrupt/i.test(msg)) {
    return new StageError(
      'unsupported-format',
      `This ${format.toUpperCase()} file cannot be decoded: ${msg}`,
      FORMAT_HINT,
    );
  }
  return new StageError(
    'corrupt-image',
    `The photo is damaged or incomplete and cannot be decoded (${firstLine(msg)}).`,
    'The file may have been cut off while copying or downloading; try another copy.',
  );
}

function tooLarge(w: number | undefined, h: number | undefined, limit: number): StageError {
  const size =
    w && h ? `${w} × ${h} = ${(w * h).toLocaleString('en-US')} pixels` : 'more pixels than allowed';
  return new StageError(
    'image-too-large',
    `The photo is too large: ${size}; the limit is ${limit.toLocaleString('en-US')} pixels.`,
    'Downscale the photo (a few megapixels is plenty) or raise maxInputPixels in the settings.',
  );
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function firstLine(s: string): string {
  return s.split('\n')[0]?.trim() ?? s;
}
