import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { readJobRecord } from '../../src-main/shared/job-folder';
import { JOB_PATHS } from '../../src-main/shared/protocol';
import { SAMPLE_PHOTO, nextEvent, startTestBackend } from '../support/backend';

test('killing the engine mid-job: the host reports it, restarts it, and the job resumes from its last finished stage', async () => {
  const { backend, events } = await startTestBackend();
  try {
    const firstPid = backend.engine.pid;
    const job = await backend.importPhoto(SAMPLE_PHOTO);
    const outcome = backend.waitForJob(job.id);
    await nextEvent(backend, (e) => e.type === 'stageDone' && e.stage === 'segment');
    backend.engine.kill('SIGKILL');
    const exited = await nextEvent(backend, (e) => e.type === 'engineExited');
    assert.equal(exited.type === 'engineExited' && exited.willRestart, true);
    await nextEvent(backend, (e) => e.type === 'engineRestarted');
    assert.notEqual(backend.engine.pid, firstPid);

    const { state, job: finished } = await outcome;
    assert.equal(state, 'done', JSON.stringify(finished.error));
    const restartAt = events.findIndex((e) => e.type === 'engineRestarted');
    const rerun = events
      .slice(restartAt)
      .filter((e) => e.type === 'stageStarted')
      .map((e) => (e.type === 'stageStarted' ? e.stage : ''));
    assert.ok(
      !rerun.includes('ingest') && !rerun.includes('segment'),
      `finished stages ran again: ${rerun.join()}`,
    );
    assert.ok(rerun.includes('export'));
    for (const stage of ['ingest', 'segment', 'estimate', 'generate', 'export'] as const) {
      assert.equal(finished.stages[stage]?.state, 'done', stage);
    }
    await access(join(backend.store.jobDir(job.id), JOB_PATHS.report));
  } finally {
    await backend.stop();
  }
});

test('cancel stops a job within a second and leaves the job folder consistent; it can be resumed', async () => {
  const { backend } = await startTestBackend();
  try {
    const job = await backend.importPhoto(SAMPLE_PHOTO);
    const outcome = backend.waitForJob(job.id);
    await nextEvent(backend, (e) => e.type === 'stageStarted' && e.stage === 'segment');
    const asked = Date.now();
    await backend.cancelJob(job.id);
    const { state } = await outcome;
    const took = Date.now() - asked;
    assert.equal(state, 'cancelled');
    assert.ok(took < 1000, `cancel took ${took} ms`);

    // job.json is readable and says cancelled, no stage is left "running"
    const record = await readJobRecord(backend.store.jobDir(job.id));
    assert.equal(record.state, 'cancelled');
    assert.ok(!Object.values(record.stages).some((s) => s.state === 'running'));
    assert.equal(record.stages.ingest?.state, 'done');

    await backend.engine.start(); // the engine may have been killed to honour the deadline
    const resumed = backend.waitForJob(job.id);
    await backend.resumeJob(job.id);
    assert.equal((await resumed).state, 'done');
  } finally {
    await backend.stop();
  }
});
