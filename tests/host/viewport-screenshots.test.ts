/**
 * Viewport screenshots in the job folder: PNG bytes only, fixed names counting up, never overwriting.
 *
 * Run: node --import tsx --test tests/host/viewport-screenshots.test.ts
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  isPng,
  nextScreenshotNumber,
  saveViewportScreenshot,
} from '../../src-main/host/viewport-screenshots';

describe('viewport screenshots', () => {
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('numbers after the highest existing viewport-<n>.png, ignoring other names', () => {
    assert.equal(nextScreenshotNumber([]), 1);
    assert.equal(nextScreenshotNumber(['viewport-1.png', 'viewport-7.png', 'viewport-x.png', 'a.png']), 8);
    assert.equal(nextScreenshotNumber(['viewport-3.png.tmp', 'other-9.png']), 1);
  });

  it('writes PNGs as screenshots/viewport-1.png, -2.png … and refuses other bytes', async () => {
    const jobDir = await mkdtemp(join(tmpdir(), 'gen3d-screenshots-'));
    dirs.push(jobDir);
    const png = await sharp({ create: { width: 8, height: 4, channels: 3, background: '#336699' } })
      .png()
      .toBuffer();
    assert.equal(isPng(png), true);
    assert.equal(await saveViewportScreenshot(jobDir, png), 'screenshots/viewport-1.png');
    assert.equal(await saveViewportScreenshot(jobDir, png), 'screenshots/viewport-2.png');
    assert.deepEqual(await readFile(join(jobDir, 'screenshots/viewport-2.png')), png);

    await assert.rejects(saveViewportScreenshot(jobDir, new TextEncoder().encode('<svg/>')), /must be a PNG/);
    await assert.rejects(saveViewportScreenshot(jobDir, png.subarray(0, 8)), /must be a PNG/);
    assert.deepEqual((await readdir(join(jobDir, 'screenshots'))).sort(), [
      'viewport-1.png',
      'viewport-2.png',
    ]);
  });

  it('skips a number someone else took meanwhile instead of overwriting it', async () => {
    const jobDir = await mkdtemp(join(tmpdir(), 'gen3d-screenshots-'));
    dirs.push(jobDir);
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#000' } })
      .png()
      .toBuffer();
    await mkdir(join(jobDir, 'screenshots'));
    await writeFile(join(jobDir, 'screenshots/viewport-1.png'), 'kept');
    const [a, b] = await Promise.all([
      saveViewportScreenshot(jobDir, png),
      saveViewportScreenshot(jobDir, png),
    ]);
    assert.deepEqual([a, b].sort(), ['screenshots/viewport-2.png', 'screenshots/viewport-3.png']);
    assert.equal(await readFile(join(jobDir, 'screenshots/viewport-1.png'), 'utf8'), 'kept');
  });
});
