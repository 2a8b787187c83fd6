/** cancel takes a batch's queued jobs out of the queue; retry puts them back (no worker needed). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchStatus, openFarmQueue } from '../../src-main/farm/farm-batches';
import { ASTRONAUT, GRACE_HOPPER } from '../support/photos';
import { freePort, runCli, startRedis, startWorker, stopAll, submitBatch } from './support/farm-processes';

test('farm cancel removes queued jobs, farm retry queues them again', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'farm-cancel-'));
  try {
    const redis = await startRedis(dir, await freePort());
    const out = join(dir, 'shared');
    const submitted = await submitBatch([ASTRONAUT, GRACE_HOPPER], redis.url, out);
    assert.equal(submitted.code, 0, submitted.stderr);
    const batchId = submitted.stdout.trim();
    const cancelled = await runCli(['farm', 'cancel', '--batch', batchId, '--redis', redis.url]);
    assert.equal(cancelled.code, 0, cancelled.stderr);
    assert.match(cancelled.stdout, /2 queued job\(s\) removed, 0 running/);
    const farm = await openFarmQueue(redis.url);
    try {
      const after = await batchStatus(farm.queue, batchId);
      assert.equal(after.cancelled, true);
      assert.deepEqual(
        after.jobs.map((j) => j.state),
        ['removed', 'removed'],
      );
      const retried = await runCli(['farm', 'retry', '--batch', batchId, '--redis', redis.url]);
      assert.equal(retried.code, 0, retried.stderr);
      assert.match(retried.stdout, /2 job\(s\) back in the queue/);
      const again = await batchStatus(farm.queue, batchId);
      assert.equal(again.cancelled, false);
      assert.deepEqual(again.counts, { queued: 2, running: 0, done: 0, failed: 0 });
      const unknown = await runCli(['farm', 'retry', '--batch', 'b-nope', '--redis', redis.url]);
      assert.equal(unknown.code, 3);
      assert.match(unknown.stderr, /no batch b-nope/);
    } finally {
      await farm.close();
    }
  } finally {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
  }
});

test(
  'farm cancel stops a running job within seconds; it fails as cancelled, once',
  { timeout: 150_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'farm-cancel-run-'));
    try {
      const redis = await startRedis(dir, await freePort());
      startWorker(redis.url, 'w-cancel');
      const out = join(dir, 'shared');
      const submitted = await submitBatch([ASTRONAUT], redis.url, out);
      assert.equal(submitted.code, 0, submitted.stderr);
      const batchId = submitted.stdout.trim();
      const farm = await openFarmQueue(redis.url);
      try {
        const deadline = Date.now() + 120_000;
        while ((await batchStatus(farm.queue, batchId)).jobs[0]!.progress === undefined) {
          assert.ok(Date.now() < deadline, 'the job never started');
          await new Promise((r) => setTimeout(r, 100));
        }
        const t0 = Date.now();
        const cancelled = await runCli(['farm', 'cancel', '--batch', batchId, '--redis', redis.url]);
        assert.match(cancelled.stdout, /0 queued job\(s\) removed, 1 running/);
        let job = (await batchStatus(farm.queue, batchId)).jobs[0]!;
        while (job.state === 'active') {
          assert.ok(Date.now() - t0 < 20_000, 'the running job was not stopped');
          await new Promise((r) => setTimeout(r, 100));
          job = (await batchStatus(farm.queue, batchId)).jobs[0]!;
        }
        assert.equal(job.state, 'failed');
        assert.equal(job.attempts, 1);
        assert.match(job.failedReason ?? '', /cancelled/);
      } finally {
        await farm.close();
      }
    } finally {
      await stopAll();
      await rm(dir, { recursive: true, force: true });
    }
  },
);
