/** Real photos for the head tests, decoded once, with their landmarks from the real detector. */
import sharp from 'sharp';
import { detectFaces, type DetectedFace } from '../../../src-main/engine/estimate/landmarks/detect-faces';

export { ASTRONAUT } from '../../support/photos';

export interface TestPhoto {
  png: Buffer;
  rgba: { data: Uint8Array; width: number; height: number };
  face: DetectedFace;
}

export async function loadPhoto(file: string | Buffer, opts: { mirror?: boolean } = {}): Promise<TestPhoto> {
  const png = await sharp(file)
    .flop(opts.mirror ?? false)
    .png()
    .toBuffer();
  const raw = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const faces = await detectFaces({ png, width: raw.info.width, height: raw.info.height });
  const face = [...faces].sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3])[0];
  if (!face) throw new Error('no face found in the test photo');
  return {
    png,
    rgba: { data: new Uint8Array(raw.data), width: raw.info.width, height: raw.info.height },
    face,
  };
}
