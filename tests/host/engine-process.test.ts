import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJobRecord } from '../../src-main/shared/job-folder';
// Engine kills and app quits mid-job: kill-resume.test.ts.
import { SAMPLE_PHOTO, nextEvent, startTestBackend } from '../support/backend';

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
