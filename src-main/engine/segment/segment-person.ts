import sharp from 'sharp';
import { getHumanRuntime } from '../runtime/human-runtime';
import { decodeRawImage } from '../image/raw-image';
import { throwIfCancelled } from '../stage-error';

/**
 * Segment: the person's mask (MediaPipe selfie segmentation through Human) and the photo composited
 * on white by that mask, as the paper prepares its input (foreground on a white background).
 */

export interface PhotoPng {
  png: Buffer;
  width: number;
  height: number;
}

export interface PersonSegmentation {
  /** 8-bit grey PNG, photo size: 255 = person, 0 = background, soft edges in between. */
  maskPng: Buffer;
  /** RGB PNG, photo size: photo × mask + white × (1 − mask). */
  cutoutPng: Buffer;
  /** Fraction of the photo's pixels in the person (mask ≥ 50 %). */
  coverage: number;
}

/** The selfie model sees 256×256; a copy this size loses nothing and keeps the upload small. */
const SEGMENT_INPUT_SIDE = 512;

export async function segmentPerson(photo: PhotoPng, signal?: AbortSignal): Promise<PersonSegmentation> {
  throwIfCancelled(signal);
  const { width, height } = photo;
  const scale = Math.min(1, SEGMENT_INPUT_SIDE / Math.max(width, height));
  const inW = Math.max(1, Math.round(width * scale));
  const inH = Math.max(1, Math.round(height * scale));
  const small = await sharp(photo.png)
    .resize(inW, inH, { fit: 'fill' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer();
  throwIfCancelled(signal);

  const runtime = await getHumanRuntime();
  const lowMask = await runtime.exclusive(async (human) => {
    const input = runtime.tf.tensor3d(
      new Uint8Array(small.buffer, small.byteOffset, small.length),
      [inH, inW, 3],
      'int32',
    );
    try {
      const alpha = await human.segmentation(input, { segmentation: { mode: 'alpha' } });
      if (!alpha) throw new Error('selfie segmentation returned no mask');
      try {
        // 'alpha' mode: [h, w, 1] int32, 0–255
        const values = await alpha.data();
        const bytes = new Uint8Array(inW * inH);
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.max(0, Math.min(255, values[i] ?? 0));
        return bytes;
      } finally {
        runtime.tf.dispose(alpha);
      }
    } finally {
      runtime.tf.dispose(input);
    }
  });
  throwIfCancelled(signal);

  const { data: mask, info } = await sharp(lowMask, { raw: { width: inW, height: inH, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'cubic' })
    .extractChannel(0) // sharp treats raw one-channel input as sRGB and would hand back three channels
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rgb = (await decodeRawImage(photo.png, 3)).data;
  if (info.channels !== 1 || mask.length !== width * height)
    throw new Error('mask upscaling gave an unexpected layout');
  if (rgb.length !== width * height * 3) throw new Error('photo size does not match its PNG');

  const cutout = Buffer.alloc(rgb.length);
  let inside = 0;
  for (let i = 0; i < mask.length; i++) {
    const a = mask[i]!;
    if (a >= 128) inside++;
    for (let c = 0; c < 3; c++) {
      const o = i * 3 + c;
      cutout[o] = Math.round((rgb[o]! * a + 255 * (255 - a)) / 255);
    }
  }
  const [maskPng, cutoutPng] = await Promise.all([
    sharp(mask, { raw: { width, height, channels: 1 } })
      .toColourspace('b-w') // keep one grey channel (sharp's raw input is sRGB otherwise)
      .png()
      .toBuffer(),
    sharp(cutout, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer(),
  ]);
  return { maskPng, cutoutPng, coverage: inside / mask.length };
}
