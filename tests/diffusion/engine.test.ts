/**
 * The diffusion engine on the PyTorch side's tiny random-weight pack (made in the test run by
 * training.mvdiffusion.make_fixture), through real ONNX Runtime on the CPU.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { CancelledError } from '../../src-main/engine/stage-error';
import { diffusionFixture } from './support/fixture';
import { runEngine } from './support/run-engine';

const scratch = mkdtemp(path.join(tmpdir(), 'diffusion-engine-'));
after(async () => rm(await scratch, { recursive: true, force: true }));
let runs = 0;
async function viewsDir(): Promise<string> {
  return path.join(await scratch, String(runs++), 'views');
}
async function viewPngs(dir: string): Promise<Buffer[]> {
  const names = (await readdir(dir)).filter((n) => /^\d\d\.png$/.test(n)).sort();
  return Promise.all(names.map((n) => readFile(path.join(dir, n))));
}

test('16 views + cameras.json in head-frame metres; the same seed gives the same views, another seed others', async () => {
  const { packDir } = await diffusionFixture();
  const a = await viewsDir();
  const { report } = await runEngine({ packDir, viewsDir: a, steps: 6, seed: 3 });
  const files = (await readdir(a)).sort();
  for (let v = 0; v < 16; v++) assert.ok(files.includes(`${String(v).padStart(2, '0')}.png`), files.join());
  const cameras = JSON.parse(await readFile(path.join(a, 'cameras.json'), 'utf8')) as {
    frame: string;
    headScale: number;
    views: { K: number[]; R: number[]; t: number[]; centre: number[]; azimuth: number; file: string }[];
  };
  assert.equal(cameras.frame, 'head');
  assert.equal(cameras.views.length, 16);
  // rig.distance (volume units) / headScale = metres from the head centre
  const d = Math.hypot(...cameras.views[0]!.centre);
  assert.ok(Math.abs(d - 1.5 / cameras.headScale) < 1e-9, `camera distance ${d} m`);
  assert.equal(report.provider, 'cpu');
  assert.equal(report.steps, 6);
  assert.equal(report.msPerStep.steps, 6);

  const b = await viewsDir();
  await runEngine({ packDir, viewsDir: b, steps: 6, seed: 3 });
  assert.deepEqual(await viewPngs(b), await viewPngs(a), 'same seed, same views (byte for byte)');
  const c = await viewsDir();
  await runEngine({ packDir, viewsDir: c, steps: 6, seed: 4 });
  assert.notDeepEqual(await viewPngs(c), await viewPngs(a), 'another seed, other views');
});

test('cancel is honoured within one step: the step under way never completes', async () => {
  const { packDir } = await diffusionFixture();
  const controller = new AbortController();
  const completed: number[] = [];
  const started = Date.now();
  const run = runEngine({
    packDir,
    viewsDir: await viewsDir(),
    steps: 20,
    maxBatch: 1, // many UNet runs per step, so the abort lands inside one
    signal: controller.signal,
    onProgress: (step, message) => {
      if (!message?.startsWith('diffusion step')) return;
      completed.push(step);
      if (step === 3) setImmediate(() => controller.abort());
    },
  });
  await assert.rejects(run, CancelledError);
  assert.deepEqual(completed, [1, 2, 3], 'step 4 was under way when cancelled and did not complete');
  assert.ok(Date.now() - started < 60_000);
});

test('every few steps each view’s decoded preview is an artifact, before the final views', async () => {
  const { packDir } = await diffusionFixture();
  const { events } = await runEngine({ packDir, viewsDir: await viewsDir(), steps: 10, previewEvery: 4 });
  const previews = events.filter((e) => e.kind === 'view-preview');
  assert.equal(previews.length, 32, 'steps 4 and 8 (not the last), 16 views each');
  assert.deepEqual(
    previews.slice(0, 16).map((e) => e.path),
    Array.from({ length: 16 }, (_, v) => `views/preview/${String(v).padStart(2, '0')}.png`),
  );
  const lastPreview = events.lastIndexOf(previews.at(-1)!);
  const firstView = events.findIndex((e) => e.kind === 'view');
  assert.ok(firstView > lastPreview);
  assert.equal(events.filter((e) => e.kind === 'view').length, 16);
  assert.ok(events.some((e) => e.kind === 'camera' && e.path === 'views/cameras.json'));
});

test('a run stopped mid-sampling resumes from the saved latents and ends exactly as an uninterrupted one', async () => {
  const { packDir } = await diffusionFixture();
  const whole = await viewsDir();
  await runEngine({ packDir, viewsDir: whole, steps: 10, seed: 9 });

  const resumed = await viewsDir();
  const controller = new AbortController();
  await assert.rejects(
    runEngine({
      packDir,
      viewsDir: resumed,
      steps: 10,
      seed: 9,
      checkpointEvery: 3,
      signal: controller.signal,
      onProgress: (step, message) => {
        if (message?.startsWith('diffusion step') && step === 7) controller.abort();
      },
    }),
    CancelledError,
  );
  const state = JSON.parse(await readFile(path.join(resumed, 'sampling-state.json'), 'utf8')) as {
    nextStep: number;
  };
  assert.equal(state.nextStep, 6);
  const notes: string[] = [];
  const { report } = await runEngine({
    packDir,
    viewsDir: resumed,
    steps: 10,
    seed: 9,
    checkpointEvery: 3,
    onProgress: (_s, m) => m && notes.push(m),
  });
  assert.equal(report.resumedFromStep, 6);
  assert.equal(report.msPerStep.steps, 4);
  assert.ok(notes.some((n) => n.includes('resuming')));
  assert.deepEqual(await viewPngs(resumed), await viewPngs(whole));
  assert.ok(!(await readdir(resumed)).some((n) => n.startsWith('sampling-state')), 'state removed when done');

  // another seed must not pick up a saved state of this one
  const other = await viewsDir();
  const controller2 = new AbortController();
  await assert.rejects(
    runEngine({
      packDir,
      viewsDir: other,
      steps: 10,
      seed: 9,
      checkpointEvery: 3,
      signal: controller2.signal,
      onProgress: (step, m) => {
        if (m?.startsWith('diffusion step') && step === 4) controller2.abort();
      },
    }),
    CancelledError,
  );
  const fresh = await runEngine({ packDir, viewsDir: other, steps: 10, seed: 10 });
  assert.equal(fresh.report.resumedFromStep, 0);
});
