/**
 * The engine running out of memory in a job (issue 13: "out of memory: fall back as the stage allows,
 * then fail clearly"). The engine's test hook makes V8 really exhaust its heap at a stage; the host
 * reads why it died from its stderr, runs the job again once with a smaller working photo, and fails
 * it with an `out-of-memory` error when that does not fit either.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeEngineLauncher } from '../../src-main/host/engine-process';
import { StudioBackend } from '../../src-main/host/studio-backend';
import { classifyEngineExit } from '../../src-main/host/engine-exit-cause';
import { outOfMemoryFallback } from '../../src-main/host/out-of-memory';
import type { StudioEvent } from '../../src-main/shared/protocol';
import { SAMPLE_PHOTO } from '../support/backend';

async function runOutOfMemoryJob(env: Record<string, string>) {
  const jobsRoot = await mkdtemp(join(tmpdir(), 'gen3d-oom-'));
  const backend = new StudioBackend({
    jobsRoot,
    // A small heap so the hook exhausts it in a second, not after eating the machine's memory.
    launcher: nodeEngineLauncher({
      env: { GEN3D_TEST_HOOKS: '1', NODE_OPTIONS: '--max-old-space-size=384', ...env },
    }),
  });
  const events: StudioEvent[] = [];
  backend.on('event', (e) => events.push(e));
  try {
    await backend.start();
    const job = await backend.importPhoto(SAMPLE_PHOTO);
    const outcome = await backend.waitForJob(job.id);
    return { outcome, events, record: await backend.store.get(job.id) };
  } finally {
    await backend.stop();
    await rm(jobsRoot, { recursive: true, force: true });
  }
}

describe('engine out of memory', { timeout: 240_000 }, () => {
  it('tells an out-of-memory death from other crashes by what the process printed', () => {
    const v8 =
      '<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n';
    assert.deepEqual(classifyEngineExit(v8), {
      cause: 'out-of-memory',
      line: 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
    });
    assert.equal(
      classifyEngineExit("terminate called after throwing an instance of 'std::bad_alloc'").cause,
      'out-of-memory',
    );
    assert.equal(classifyEngineExit('Segmentation fault (core dumped)').cause, 'crashed');
    assert.equal(classifyEngineExit('').cause, 'crashed');
    assert.deepEqual(outOfMemoryFallback({ workingMaxSide: 2048 }, false)?.settings, {
      workingMaxSide: 1024,
    });
    assert.equal(outOfMemoryFallback({ workingMaxSide: 2048 }, true), undefined, 'only once');
    assert.equal(outOfMemoryFallback({ workingMaxSide: 1024 }, false), undefined, 'not below 1024 px');
  });

  it('runs the job again with a smaller working photo, which then fits', async () => {
    const { outcome, events, record } = await runOutOfMemoryJob({
      GEN3D_TEST_OOM_AT: 'segment',
      GEN3D_TEST_OOM_ABOVE: '1024',
    });
    const exited = events.find((e) => e.type === 'engineExited');
    console.log(`# engine exit: ${JSON.stringify(exited)}`);
    assert.equal(exited?.type === 'engineExited' && exited.cause, 'out-of-memory');
    const note = events.find((e) => e.type === 'log' && /out of memory/.test(e.message));
    console.log(`# ${note?.type === 'log' ? note.message : 'no fallback note'}`);
    assert.ok(note, 'the fallback is said');
    assert.equal(outcome.state, 'done', JSON.stringify(outcome.job.error));
    assert.equal(record.settings.workingMaxSide, 1024, 'the job records the smaller working photo');
  });

  it('fails clearly when it does not fit with the smaller photo either', async () => {
    const { outcome, record } = await runOutOfMemoryJob({ GEN3D_TEST_OOM_AT: 'ingest' });
    console.log(`# ${record.error?.code}: ${record.error?.message} — ${record.error?.hint}`);
    assert.equal(outcome.state, 'failed');
    assert.equal(record.error?.code, 'out-of-memory');
    assert.match(
      record.error?.message ?? '',
      /ran out of memory during ingest, also with a smaller working photo/,
    );
    assert.match(record.error?.hint ?? '', /resume/);
  });
});
