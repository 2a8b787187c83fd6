import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nodeEngineLauncher } from '../../src-main/host/engine-process';
import { StudioBackend } from '../../src-main/host/studio-backend';
import { JOB_PATHS, PriorOverlay, type StudioEvent } from '../../src-main/shared/protocol';
import { estimatorFixtures } from '../adapters/support/estimator-fixtures';
import { SAMPLE_PHOTO } from '../support/backend';
import { scratchDir } from '../support/scratch-dir';

// A DECA pack of the official shapes (random weights, real converter) drives the pipeline's estimate
// stage; a re-run of that stage alone (`only`) leaves the textured head as it was. (The studio's
// estimator switch re-runs generate and export too: tests/estimate/estimator-shapes-head.test.ts.)
test('estimator choice: DECA pack as prior, re-run of only the estimate stage, missing pack is a clear error', async () => {
  const { packsDir } = await estimatorFixtures(['deca']);
  const jobsRoot = await scratchDir('gen3d-est');
  const backend = new StudioBackend({
    jobsRoot,
    launcher: nodeEngineLauncher({ env: { GEN3D_PACKS_DIR: packsDir } }),
  });
  const events: StudioEvent[] = [];
  backend.on('event', (e) => events.push(e));
  await backend.start();
  try {
    const job = await backend.importPhoto(SAMPLE_PHOTO);
    assert.equal((await backend.waitForJob(job.id)).state, 'done');
    const dir = backend.store.jobDir(job.id);
    const builtinOverlay = PriorOverlay.parse(
      JSON.parse(await readFile(join(dir, JOB_PATHS.overlay), 'utf8')),
    );
    assert.equal(builtinOverlay.estimator, 'builtin');
    const glbBefore = await readFile(join(dir, 'export', 'astronaut.glb'));

    events.length = 0;
    const rerun = backend.waitForJob(job.id);
    await backend.rerunStage(job.id, 'estimate', { estimator: 'deca' }, true);
    const { state, job: after } = await rerun;
    assert.equal(state, 'done', JSON.stringify(after.error));
    const ran = events
      .filter((e) => e.type === 'stageStarted')
      .map((e) => (e.type === 'stageStarted' ? e.stage : ''));
    assert.deepEqual(ran, ['estimate']);
    const estimate = JSON.parse(await readFile(join(dir, JOB_PATHS.estimate), 'utf8')) as {
      estimator: string;
      vertexCount: number;
    };
    assert.equal(estimate.estimator, 'deca');
    assert.equal(estimate.vertexCount, 5023, 'a FLAME mesh');
    const overlay = PriorOverlay.parse(JSON.parse(await readFile(join(dir, JOB_PATHS.overlay), 'utf8')));
    assert.equal(overlay.estimator, 'deca');
    assert.equal(overlay.vertices.length, 5023 * 2);
    assert.ok(overlay.vertices.every(Number.isFinite));
    assert.deepEqual(
      await readFile(join(dir, 'export', 'astronaut.glb')),
      glbBefore,
      'the textured head is kept',
    );

    const missing = backend.waitForJob(job.id);
    await backend.rerunStage(job.id, 'estimate', { estimator: 'mica' }, true);
    const failed = await missing;
    assert.equal(failed.state, 'failed');
    assert.match(failed.job.error?.code ?? '', /^pack-/);
    assert.match(failed.job.error?.message ?? '', /mica/i);
  } finally {
    await backend.stop();
  }
});
