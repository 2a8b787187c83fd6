/** The studio's crop box as ingest applies it: first, in the upright original's pixels, validated. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { ingestPhoto } from '../../src-main/engine/ingest/ingest-photo';
import { StageError } from '../../src-main/engine/stage-error';
import { JobSettings, MIN_CROP_SIDE } from '../../src-main/shared/protocol';
import { ASTRONAUT, ASTRONAUT_HEAD, meanAbsDiff } from '../support/photos';

const OPTS = { maxInputPixels: 50_000_000, workingMaxSide: 2048 };
const HEAD_CROP = {
  x: ASTRONAUT_HEAD.left,
  y: ASTRONAUT_HEAD.top,
  width: ASTRONAUT_HEAD.width,
  height: ASTRONAUT_HEAD.height,
};

describe('ingest crop', async () => {
  const astronaut = await readFile(ASTRONAUT);
  const expectedHead = await sharp(astronaut).removeAlpha().extract(ASTRONAUT_HEAD).png().toBuffer();

  it('cuts the box out of the photo before downscaling, and reports it', async () => {
    const photo = await ingestPhoto(astronaut, { ...OPTS, crop: HEAD_CROP });
    assert.equal(photo.width, ASTRONAUT_HEAD.width);
    assert.equal(photo.height, ASTRONAUT_HEAD.height);
    assert.deepEqual(photo.crop, HEAD_CROP);
    assert.deepEqual(photo.original, { width: 512, height: 512, format: 'png' });
    assert.ok((await meanAbsDiff(photo.png, expectedHead)) < 2, 'the crop is the head region');
    // downscaling applies to the crop, not the whole photo
    const small = await ingestPhoto(astronaut, { ...OPTS, workingMaxSide: 256, crop: HEAD_CROP });
    assert.equal(Math.max(small.width, small.height), 256);
    assert.equal(small.width, Math.round((256 * ASTRONAUT_HEAD.width) / ASTRONAUT_HEAD.height));
  });

  it('crops in the upright (EXIF-oriented) photo, as the user saw it', async () => {
    // stored rotated 90° counter-clockwise with orientation 6 (rotate 90° clockwise to view): upright
    // it is the astronaut photo again
    const stored = await sharp(astronaut)
      .removeAlpha()
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const photo = await ingestPhoto(stored, { ...OPTS, crop: HEAD_CROP });
    assert.equal(photo.width, ASTRONAUT_HEAD.width);
    assert.equal(photo.height, ASTRONAUT_HEAD.height);
    assert.ok(
      (await meanAbsDiff(photo.png, expectedHead)) < 8,
      'the crop is the head region of the upright photo',
    );
  });

  it('refuses a box outside the photo with a clear error', async () => {
    await assert.rejects(
      ingestPhoto(astronaut, { ...OPTS, crop: { x: 400, y: 0, width: 200, height: 200 } }),
      (err: unknown) =>
        err instanceof StageError &&
        err.code === 'crop-outside-photo' &&
        /outside the 512 × 512 photo/.test(err.message),
    );
  });

  it('the settings refuse boxes that are too small or off the photo', () => {
    const parse = (crop: unknown) => JobSettings.safeParse({ crop }).success;
    assert.equal(parse(HEAD_CROP), true);
    assert.equal(parse({ ...HEAD_CROP, width: MIN_CROP_SIDE - 1 }), false);
    assert.equal(parse({ ...HEAD_CROP, x: -1 }), false);
    assert.equal(parse({ ...HEAD_CROP, y: 1.5 }), false);
    assert.equal(parse({ ...HEAD_CROP, extra: 1 }), false);
    assert.equal(JobSettings.parse({}).crop, undefined);
  });
});
