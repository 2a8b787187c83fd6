import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { ingestPhoto } from '../../src-main/engine/ingest/ingest-photo';
import { StageError } from '../../src-main/engine/stage-error';
import { ASTRONAUT, meanAbsDiff, pngWithDeclaredSize } from '../support/photos';

const OPTS = { maxInputPixels: 50_000_000, workingMaxSide: 2048 };

async function refusal(bytes: Buffer, opts = OPTS): Promise<StageError> {
  try {
    await ingestPhoto(bytes, opts);
  } catch (err) {
    assert.ok(err instanceof StageError, `expected a StageError, got ${String(err)}`);
    return err;
  }
  assert.fail('ingestPhoto accepted the file');
}

describe('ingestPhoto', async () => {
  const astronautPng = await readFile(ASTRONAUT);
  const astronautJpeg = await sharp(astronautPng).jpeg({ quality: 90 }).toBuffer();

  it('takes the real PNG and JPEG photo as an 8-bit RGB working copy', async () => {
    for (const [bytes, format] of [
      [astronautPng, 'png'],
      [astronautJpeg, 'jpeg'],
      [await sharp(astronautPng).webp().toBuffer(), 'webp'],
    ] as const) {
      const photo = await ingestPhoto(bytes, OPTS);
      assert.deepEqual(photo.original, { width: 512, height: 512, format });
      assert.equal(photo.width, 512);
      assert.equal(photo.height, 512);
      const meta = await sharp(photo.png).metadata();
      assert.equal(meta.format, 'png');
      assert.equal(meta.channels, 3);
      assert.equal(meta.depth, 'uchar');
      assert.ok((await meanAbsDiff(photo.png, astronautPng)) < 4, `${format} copy differs from the photo`);
    }
  });

  it('refuses an empty file', async () => {
    assert.equal((await refusal(Buffer.alloc(0))).code, 'empty-file');
  });

  it('refuses a text file renamed .jpg', async () => {
    const text = Buffer.from('Dear team,\nthis is a letter, not a photo.\n'.repeat(40));
    const err = await refusal(text);
    assert.equal(err.code, 'not-an-image');
    assert.ok(err.hint);
  });

  it('refuses a truncated JPEG cut from the real photo', async () => {
    for (const keep of [0.5, 0.9]) {
      const err = await refusal(astronautJpeg.subarray(0, Math.floor(astronautJpeg.length * keep)));
      assert.equal(err.code, 'corrupt-image', `cut at ${keep}: ${err.message}`);
    }
  });

  it('refuses a PNG whose header claims 30000×30000 before decoding it, quickly', async () => {
    const bomb = pngWithDeclaredSize(30000, 30000);
    const meta = await sharp(bomb, { limitInputPixels: false }).metadata();
    assert.deepEqual(
      [meta.width, meta.height],
      [30000, 30000],
      'the header must be valid for the test to mean anything',
    );
    const started = performance.now();
    const err = await refusal(bomb);
    const ms = performance.now() - started;
    assert.equal(err.code, 'image-too-large');
    assert.match(err.message, /30000 × 30000/);
    assert.match(err.message, /50,000,000/);
    assert.ok(ms < 500, `refusal took ${ms.toFixed(0)} ms; decoding 900 MP would take far longer`);
  });

  it('applies its own pixel limit to real photos too', async () => {
    const err = await refusal(astronautPng, { maxInputPixels: 100_000, workingMaxSide: 2048 });
    assert.equal(err.code, 'image-too-large');
    assert.match(err.message, /512 × 512 = 262,144 pixels/);
  });

  it('applies the EXIF orientation (6 = rotate 90° clockwise)', async () => {
    const landscape = await sharp(astronautPng)
      .extract({ left: 0, top: 0, width: 512, height: 256 })
      .toBuffer();
    const tagged = await sharp(landscape).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    assert.equal((await sharp(tagged).metadata()).orientation, 6);
    const photo = await ingestPhoto(tagged, OPTS);
    assert.deepEqual([photo.width, photo.height], [256, 512]);
    assert.deepEqual(photo.original, { width: 256, height: 512, format: 'jpeg' });
    const upright = await sharp(landscape).rotate(90).png().toBuffer();
    const unrotated = await sharp(landscape).resize(256, 512, { fit: 'fill' }).png().toBuffer();
    const diffUpright = await meanAbsDiff(photo.png, upright);
    const diffUnrotated = await meanAbsDiff(photo.png, unrotated);
    assert.ok(diffUpright < 4, `rotated copy differs from the expected one by ${diffUpright}`);
    assert.ok(diffUnrotated > 4 * diffUpright, 'output looks like the unrotated photo');
  });

  it('downscales large photos so the longest side fits workingMaxSide', async () => {
    const big = await sharp(astronautPng).resize(3000, 1500, { fit: 'fill' }).jpeg().toBuffer();
    const photo = await ingestPhoto(big, { maxInputPixels: 50_000_000, workingMaxSide: 1024 });
    assert.deepEqual([photo.width, photo.height], [1024, 512]);
    assert.deepEqual(photo.original, { width: 3000, height: 1500, format: 'jpeg' });
    const small = await ingestPhoto(astronautPng, { maxInputPixels: 50_000_000, workingMaxSide: 4096 });
    assert.equal(small.width, 512, 'small photos are not enlarged');
  });

  it('flattens transparency on white and makes grey or 16-bit photos 8-bit RGB', async () => {
    const transparent = await sharp(astronautPng).ensureAlpha(0).png().toBuffer();
    const flat = await ingestPhoto(transparent, OPTS);
    const { data, info } = await sharp(flat.png).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, 3);
    assert.ok(
      data.every((v) => v === 255),
      'a fully transparent photo must come out white',
    );

    const grey16 = await sharp(astronautPng).greyscale().toColourspace('grey16').png().toBuffer();
    assert.equal((await sharp(grey16).metadata()).depth, 'ushort');
    const grey = await ingestPhoto(grey16, OPTS);
    const meta = await sharp(grey.png).metadata();
    assert.equal(meta.channels, 3);
    assert.equal(meta.depth, 'uchar');
  });

  it('refuses image formats that are not photos', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle r="20"/></svg>',
    );
    const err = await refusal(svg);
    assert.equal(err.code, 'unsupported-format');
    assert.match(err.hint ?? '', /JPEG or PNG/);
  });
});
