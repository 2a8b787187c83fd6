/**
 * The trained default diffusion pack that ships in resources/packs/ (issue 11): it verifies (every file's
 * sha256), carries its own licence and training record, stays under 40 MB, and is what
 * `--generator diffusion` takes when no pack is named — on the sample photo it writes 16 views and a
 * report with the identity figures.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { verifyPack } from '../../src-main/engine/packs/verify-pack';
import { HeadMetrics } from '../../src-main/shared/protocol';
import { ASTRONAUT } from '../support/photos';

const PACK = path.resolve('resources/packs/gen3dface-heads-compact');
const CLI = path.join(process.cwd(), 'bin/gen3dface.mjs');
const scratch = mkdtemp(path.join(tmpdir(), 'shipped-pack-'));
after(async () => rm(await scratch, { recursive: true, force: true }));

test('the shipped pack verifies, says what it is, and fits the size limit', async () => {
  const pack = await verifyPack(PACK);
  const m = pack.manifest;
  assert.equal(m.id, 'gen3dface-heads-compact');
  assert.match(m.license, /project's own weights/);
  const bytes = m.files.reduce((s, f) => s + f.bytes, 0);
  assert.ok(bytes < 40e6, `${bytes} bytes`);
  const recipe = JSON.parse(await readFile(path.join(PACK, 'recipe.json'), 'utf8')) as {
    config: string;
    phases: { vae: { psnr_val: number }; diffusion: { steps: number; val_ema: number } };
  };
  assert.equal(recipe.config, 'compact');
  assert.ok(
    recipe.phases.diffusion.steps > 0 && recipe.phases.vae.psnr_val > 20,
    JSON.stringify(recipe.phases),
  );
  for (const curve of ['loss-vae.png', 'loss-diffusion.png'])
    assert.ok(
      m.files.some((f) => f.path === curve),
      `${curve} listed with its sha256`,
    );
});

test('--generator diffusion without --pack runs the shipped pack on the sample photo', async () => {
  const out = path.join(await scratch, 'out');
  const jobs = path.join(await scratch, 'jobs');
  const packs = path.join(await scratch, 'no-user-packs');
  const args = ['generate', ASTRONAUT, '--out', out, '--jobs', jobs, '--packs', packs];
  const run = spawnSync(
    process.execPath,
    [CLI, ...args, '--generator', 'diffusion', '--steps', '6', '--json'],
    {
      encoding: 'utf8',
      timeout: 400_000,
    },
  );
  assert.equal(run.status, 0, run.stderr + run.stdout.slice(-2000));
  assert.match(run.stdout, /gen3dface-heads-compact/, 'the progress names the shipped pack');
  const [jobId] = await readdir(jobs);
  const views = await readdir(path.join(jobs, jobId!, 'views'));
  for (let v = 0; v < 16; v++) assert.ok(views.includes(`${String(v).padStart(2, '0')}.png`), views.join());
  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as {
    diffusion?: { pack: { id: string } };
    metrics?: unknown;
  };
  assert.equal(report.diffusion?.pack.id, 'gen3dface-heads-compact');
  const metrics = HeadMetrics.parse(report.metrics);
  assert.equal(metrics.views.filter((v) => v.source === 'generated').length, 16);
  // the default after diffusion: the full figures
  assert.equal(metrics.photoFace, true);
  assert.ok(
    metrics.identity && metrics.janus && metrics.crossView?.generated,
    JSON.stringify(metrics).slice(0, 400),
  );
  console.log(
    `shipped pack: 0° ${metrics.identity.at0.distance ?? 'no face'}, generated faces ${metrics.crossView?.generated?.facesFound}/16, Janus ${metrics.janus.flagged}`,
  );
});
