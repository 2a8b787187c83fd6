/**
 * The renderer's stores behind the estimator picker and the stage bar. The pure parts (stage views,
 * picker entries) on job records as the engine writes them; the pinia stores on a real backend (a
 * real engine child) reached through main's IPC handler table and the preload's createStudioApi,
 * with a packs folder holding a corrupt DECA pack, an incomplete RingNet pack and no MICA pack.
 *
 * Run: node --import tsx --test tests/renderer/estimator-stores.test.ts
 */
/// <reference lib="dom" />
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPinia, setActivePinia } from 'pinia';
import { nodeEngineLauncher } from '../../src-main/host/engine-process';
import { StudioBackend } from '../../src-main/host/studio-backend';
import { createIpcHandlers, type InvokeChannel } from '../../src-main/main/ipc-handlers';
import { createStudioApi } from '../../src-main/preload/studio-api-client';
import { JobRecord, type StudioEvent } from '../../src-main/shared/protocol';
import { estimatorChoices } from '../../src-renderer/stores/estimator-choices';
import { useEstimatorsStore } from '../../src-renderer/stores/estimators';
import { useJobsStore } from '../../src-renderer/stores/jobs';
import { applyEvent, emptyLiveJob, stageViews } from '../../src-renderer/stores/stage-view';
import { writeCorruptEstimatorPack, writeIncompleteEstimatorPack } from '../support/estimator-packs';
import { finishedJobRecord } from './support/job-record';
import { PROJECTION_JOB_STAGES } from './support/projection-job-stages';

/** A finished projection job as job.json holds it after a run with `estimator`'s estimate. */
function finishedJob(madeWith: 'builtin' | 'deca', chosen: 'builtin' | 'deca'): JobRecord {
  const done = (ms: number) => ({ state: 'done' as const, ms, artifacts: [] });
  return finishedJobRecord(
    { estimator: chosen },
    {
      ingest: done(10),
      segment: done(20),
      estimate: { ...done(300), estimator: madeWith },
      generate: { ...done(900), estimator: madeWith },
      reconstruct: { ...done(0), estimator: madeWith, skipped: 'no generated views' },
      export: { ...done(400), estimator: madeWith },
    },
  );
}

const statesOf = (views: ReturnType<typeof stageViews>) =>
  Object.fromEntries(views.map((v) => [v.id, v.state]));

describe('stage views', () => {
  it('shows a stage that had nothing to do as skipped, with why and no time', () => {
    const reconstruct = stageViews(finishedJob('builtin', 'builtin'), undefined).find(
      (v) => v.id === 'reconstruct',
    );
    assert.equal(reconstruct?.state, 'skipped');
    assert.equal(reconstruct?.ms, undefined, 'no "0.0 s" for a stage that did not run');
    assert.match(reconstruct?.note ?? '', /no generated views/);
    // …and so does a live stageDone that says it skipped
    const live = applyEvent(emptyLiveJob(), {
      type: 'stageDone',
      jobId: 'job1',
      stage: 'reconstruct',
      ms: 0,
      skipped: 'no generated views',
    });
    const job = { ...finishedJob('builtin', 'builtin'), stages: {} };
    assert.equal(stageViews(job, live).find((v) => v.id === 'reconstruct')?.state, 'skipped');
  });

  it('never calls results made from another estimator than the chosen one done', () => {
    assert.deepEqual(
      statesOf(stageViews(finishedJob('builtin', 'builtin'), undefined)),
      PROJECTION_JOB_STAGES,
    );
    // e.g. a re-run of the estimate alone that failed: job.json says deca, the results are builtin's
    const views = stageViews(finishedJob('builtin', 'deca'), undefined);
    assert.deepEqual(statesOf(views), {
      ingest: 'done',
      segment: 'done',
      estimate: 'stale',
      generate: 'stale',
      reconstruct: 'skipped',
      export: 'stale',
    });
    assert.match(views.find((v) => v.id === 'export')?.note ?? '', /builtin estimate, not deca/);
  });

  it('folds a failed switch into a message and drops that run’s stage states', () => {
    let live = applyEvent(emptyLiveJob(), { type: 'stageStarted', jobId: 'job1', stage: 'estimate' });
    assert.equal(stageViews(finishedJob('builtin', 'builtin'), live)[2]?.state, 'running');
    const error = { code: 'pack-corrupt', message: 'Model pack /p/deca: estimator.onnx: corrupt' };
    live = applyEvent(live, {
      type: 'estimatorSwitchFailed',
      jobId: 'job1',
      estimator: 'deca',
      kept: 'builtin',
      error,
    });
    assert.deepEqual(live.switchFailure, { estimator: 'deca', kept: 'builtin', error });
    assert.equal(live.error, undefined, 'the job itself did not fail');
    assert.equal(stageViews(finishedJob('builtin', 'builtin'), live)[2]?.state, 'done');
  });
});

describe('picker entries', () => {
  it('offers only the built-in until the engine has answered', () => {
    const choices = estimatorChoices([]);
    assert.deepEqual(
      choices.map((c) => [c.id, c.available]),
      [
        ['builtin', true],
        ['ringnet', false],
        ['deca', false],
        ['mica', false],
      ],
    );
  });
});

describe('estimator stores on a real backend', { timeout: 60_000 }, () => {
  let backend: StudioBackend;
  let jobsRoot: string;
  let packsDir: string;
  const events: StudioEvent[] = [];

  before(async () => {
    jobsRoot = await mkdtemp(join(tmpdir(), 'gen3d-store-jobs-'));
    packsDir = await mkdtemp(join(tmpdir(), 'gen3d-store-packs-'));
    await writeCorruptEstimatorPack(packsDir, 'deca');
    await writeIncompleteEstimatorPack(packsDir, 'ringnet');
    backend = new StudioBackend({
      jobsRoot,
      launcher: nodeEngineLauncher({ env: { GEN3D_PACKS_DIR: packsDir } }),
    });
    backend.on('event', (event) => events.push(event));
    await backend.start();
    const handlers = createIpcHandlers(backend, {
      openPhoto: async () => null,
      openPhotos: async () => [],
      chooseExportFolder: async () => null,
      reveal: async () => undefined,
      choosePackFolder: async () => null,
      choosePackZip: async () => null,
    });
    const studio = createStudioApi({
      invoke: (channel, args) => handlers[channel as InvokeChannel](args),
      subscribe: (listener) => {
        backend.on('event', listener);
        return () => void backend.off('event', listener);
      },
    });
    Object.assign(globalThis, { window: { studio } });
    setActivePinia(createPinia());
  });
  after(async () => {
    await backend?.stop();
    Reflect.deleteProperty(globalThis, 'window');
    await rm(jobsRoot, { recursive: true, force: true });
    await rm(packsDir, { recursive: true, force: true });
  });

  it('lists every estimator with its state, and for the unavailable ones the pack and how to add it', async () => {
    const store = useEstimatorsStore();
    const started = Date.now();
    await store.refresh();
    console.log(`# estimators listed in ${Date.now() - started} ms`);
    assert.equal(store.problem, undefined);
    const byId = Object.fromEntries(store.choices.map((c) => [c.id, c]));
    assert.equal(byId.builtin?.available, true);
    // sizes match, so only loading it finds the bad sha256: listed, and its switch must fail softly
    assert.equal(byId.deca?.available, true);
    assert.equal(byId.ringnet?.available, false);
    assert.match(byId.ringnet?.note ?? '', /"ringnet"/);
    assert.match(byId.ringnet?.note ?? '', /estimator\.onnx is missing/);
    assert.equal(byId.mica?.available, false);
    const mica = byId.mica?.note ?? '';
    assert.ok(mica.includes(`"mica" (${join(packsDir, 'mica')})`), mica);
    assert.ok(mica.includes(`training/convert_mica.py --out ${join(packsDir, 'mica')}`), mica);
  });

  it('refuses a switch to an estimator without its pack before anything runs', async () => {
    const jobs = useJobsStore();
    events.length = 0;
    await jobs.switchEstimator('job1', 'mica');
    assert.match(jobs.notice ?? '', /MICA needs the model pack "mica"/);
    assert.equal(jobs.runningId, undefined);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(events, [], 'the engine was asked nothing');
  });
});
