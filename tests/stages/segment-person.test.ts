import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { segmentPerson, type PersonSegmentation } from '../../src-main/engine/segment/segment-person';
import { CancelledError } from '../../src-main/engine/stage-error';
import { ASTRONAUT, COFFEE, loadPhoto, type Photo } from '../support/photos';

const OUT = path.resolve(import.meta.dirname, '../../test-output/stages');

/** Pixels as stored: sharp's raw output would expand a grey PNG to sRGB, so grey files are read as one channel. */
async function greyPixels(
  png: Buffer,
): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const stored = (await sharp(png).metadata()).channels;
  const image = sharp(png);
  if (stored === 1) image.extractChannel(0);
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, stored);
  return { data, width: info.width, height: info.height, channels: info.channels };
}

describe('segmentPerson on astronaut.png', () => {
  let photo: Photo;
  let seg: PersonSegmentation;

  before(async () => {
    photo = await loadPhoto(ASTRONAUT);
    const t = performance.now();
    seg = await segmentPerson(photo);
    console.log(
      `[timing] first segmentPerson (incl. runtime start) ${(performance.now() - t).toFixed(0)} ms`,
    );
    await mkdir(OUT, { recursive: true });
    await writeFile(path.join(OUT, 'astronaut-mask.png'), seg.maskPng);
    await writeFile(path.join(OUT, 'astronaut-cutout.png'), seg.cutoutPng);
  });

  it('returns a one-channel mask of the photo’s size with plausible coverage', async () => {
    const mask = await greyPixels(seg.maskPng);
    assert.deepEqual([mask.width, mask.height, mask.channels], [photo.width, photo.height, 1]);
    assert.ok(seg.coverage > 0.1 && seg.coverage < 0.9, `coverage ${seg.coverage}`);
    let inside = 0;
    for (const v of mask.data) if (v >= 128) inside++;
    assert.ok(Math.abs(inside / mask.data.length - seg.coverage) < 1e-9, 'coverage matches the mask');
  });

  it('is bright on the face and dark in the background corners', async () => {
    const mask = await greyPixels(seg.maskPng);
    const at = (x: number, y: number): number => mask.data[y * mask.width + x]!;
    // face centre of the portrait (between the eyes and mouth) and the block around it, row by row
    for (let y = 100; y < 150; y += 1)
      for (let x = 200; x < 250; x += 5) assert.ok(at(x, y) > 200, `face (${x},${y}) = ${at(x, y)}`);
    // top corners are studio backdrop; the bottom ones are the suit and the helmet, i.e. person
    for (const [x, y] of [
      [5, 5],
      [506, 5],
      [60, 30],
      [450, 60],
    ] as const) {
      assert.ok(at(x, y) < 40, `background (${x},${y}) = ${at(x, y)}`);
    }
  });

  it('composites the photo on white by the mask', async () => {
    const cut = await greyPixels(seg.cutoutPng);
    const src = await greyPixels(photo.png);
    assert.deepEqual([cut.width, cut.height, cut.channels], [photo.width, photo.height, 3]);
    const mask = await greyPixels(seg.maskPng);
    let bgWhite = 0;
    let bgCount = 0;
    let fgDiff = 0;
    let fgCount = 0;
    for (let i = 0; i < mask.data.length; i++) {
      const a = mask.data[i]!;
      if (a === 0) {
        bgCount++;
        if (cut.data[i * 3]! === 255 && cut.data[i * 3 + 1]! === 255 && cut.data[i * 3 + 2]! === 255)
          bgWhite++;
      } else if (a === 255) {
        fgCount++;
        for (let c = 0; c < 3; c++) fgDiff += Math.abs(cut.data[i * 3 + c]! - src.data[i * 3 + c]!);
      }
    }
    assert.ok(bgCount > 1000 && fgCount > 1000);
    assert.equal(bgWhite, bgCount, 'background is pure white');
    assert.equal(fgDiff, 0, 'the person keeps the photo’s pixels');
  });

  it('sees far less person in a photo without one', async () => {
    const coffee = await segmentPerson(await loadPhoto(COFFEE));
    assert.ok(coffee.coverage < seg.coverage / 2, `coffee coverage ${coffee.coverage} vs ${seg.coverage}`);
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(segmentPerson(photo, controller.signal), CancelledError);
  });
});
