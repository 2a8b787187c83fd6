/** `--views-out`: renders of the generated head from N azimuths; the job keeps a four-view preview. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { ASTRONAUT, meanAbsDiff } from '../support/photos';
import { scratchDir } from '../support/scratch-dir';

const CLI = join(process.cwd(), 'bin/gen3dface.mjs');

function cli(args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, out: r.stderr + r.stdout };
}

test('--views-out writes N renders round the head, and the job keeps front, 3/4, profile and back', async () => {
  const out = await scratchDir('views-out');
  const viewsDir = join(out, 'views');
  const run = cli(['generate', ASTRONAUT, '--out', out, '--views-out', viewsDir, '--views', '4']);
  assert.equal(run.status, 0, run.out);
  const names = (await readdir(viewsDir)).sort();
  assert.deepEqual(names, ['000deg.png', '090deg.png', '180deg.png', '270deg.png']);
  const pngs = names.map((n) => join(viewsDir, n));
  for (const png of pngs) {
    const { width, height } = await sharp(png).metadata();
    assert.deepEqual([width, height], [512, 512]);
    const stats = await sharp(png).stats();
    assert.ok(
      stats.channels.slice(0, 3).some((c) => c.stdev > 20),
      `${png} is blank`,
    );
  }
  // Front and back differ (a face vs the back of the head); the two profiles are near mirrors, but
  // only near: the photo's light stays in the texture, carried into the synthesised skin beside it
  // (astronaut.png: front/back 14.1, profiles 7.1; a profile rendered from the wrong side, 90° against
  // its own mirror image, 20.9).
  const front = await sharp(pngs[0]!).png().toBuffer();
  const back = await sharp(pngs[2]!).png().toBuffer();
  const left = await sharp(pngs[1]!).png().toBuffer();
  const rightMirrored = await sharp(pngs[3]!).flop().png().toBuffer();
  const frontBack = await meanAbsDiff(front, back);
  const profiles = await meanAbsDiff(left, rightMirrored);
  assert.ok(
    frontBack > 1.5 * profiles,
    `front/back differ by ${frontBack}, the mirrored profiles by ${profiles}`,
  );

  const jobs = join(out, '.jobs');
  const [job] = await readdir(jobs);
  const preview = (await readdir(join(jobs, job!, 'export/preview'))).sort();
  assert.deepEqual(preview, ['back.png', 'front.png', 'profile.png', 'three-quarter.png']);
  const strip = await sharp(join(out, 'preview.png')).metadata();
  assert.deepEqual([strip.width, strip.height], [4 * 512, 512]);
});

test('--views without --views-out is a usage error', () => {
  const run = cli(['generate', ASTRONAUT, '--out', '/tmp/never', '--views', '4']);
  assert.equal(run.status, 2, run.out);
  assert.match(run.out, /--views needs --views-out/);
});
