/**
 * The farm end to end on real processes: redis-server (append-only, fsync always) and three
 * `gen3dface farm worker` processes. A batch of six photos plus a no-face photo: one worker is
 * SIGKILLed mid-job (its job is resumed elsewhere from its last finished stage), Redis is restarted
 * mid-batch, every head comes out valid, the no-face photo fails once, a resubmission skips it all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchStatus, openFarmQueue, type BatchStatus } from '../../src-main/farm/farm-batches';
import type { FarmJobResult } from '../../src-main/farm/farm-worker';
import { readJobRecord } from '../../src-main/shared/job-folder';
import { meshBounds } from '../../src-main/engine/geometry/textured-mesh';
import { readGlbMesh, validateGlb } from '../support/glb';
import { makeFarmPhotos } from './support/farm-photos';
import {
  freePort,
  runCli,
  startRedis,
  startWorker,
  stopAll,
  stopRedis,
  submitBatch,
} from './support/farm-processes';

async function headSize(glbFile: string): Promise<number> {
  const glb = await readFile(glbFile);
  const report = await validateGlb(glb);
  assert.equal(
    report.issues.numErrors,
    0,
    `${glbFile}: ${JSON.stringify(report.issues.messages.slice(0, 3))}`,
  );
  const { min, max } = meshBounds((await readGlbMesh(glb)).positions);
  return Math.max(...[0, 1, 2].map((a) => max[a]! - min[a]!));
}

async function until<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test(
  'a batch survives a killed worker and a Redis restart; no-face fails once; resubmitting skips',
  { timeout: 300_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'farm-test-'));
    const redisDir = join(dir, 'redis');
    await mkdir(redisDir);
    const out = join(dir, 'shared');
    try {
      const port = await freePort();
      let redis = await startRedis(redisDir, port);
      const { faces, noFace } = await makeFarmPhotos(join(dir, 'photos'));
      const tuning = ['--lock-ms', '5000', '--stalled-ms', '2000'];
      const workers = ['w1', 'w2', 'w3'].map((name) => startWorker(redis.url, name, tuning));

      const submitted = await submitBatch([...faces, noFace], redis.url, out);
      assert.equal(submitted.code, 0, submitted.stderr);
      const batchId = submitted.stdout.trim();
      assert.match(batchId, /^b\d{8}-\d{6}-[0-9a-f]{6}$/);

      const farm = await openFarmQueue(redis.url);
      let status: BatchStatus;
      try {
        // A worker past its first two stages (estimate running) is SIGKILLed.
        const victim = await until('a job in its estimate stage', 180_000, async () => {
          const s = await batchStatus(farm.queue, batchId);
          return s.jobs.find((j) => j.state === 'active' && j.progress && j.progress.percent >= 40);
        });
        const killed = workers.find((w) => w.name === victim.progress!.worker)!;
        killed.process.kill('SIGKILL');

        // Redis restarts (SIGTERM, then again on the same folder and port) once another head is done.
        await until('two heads done', 180_000, async () =>
          (await batchStatus(farm.queue, batchId)).counts.done >= 2 ? true : undefined,
        );
        const before = await batchStatus(farm.queue, batchId);
        await stopRedis(redis);
        await new Promise((r) => setTimeout(r, 1000));
        redis = await startRedis(redisDir, port);
        const after = await batchStatus(farm.queue, batchId);
        assert.equal(after.jobs.length, 7);
        assert.ok(after.counts.done >= before.counts.done, 'a done job was lost in the restart');
        assert.ok(
          after.jobs.every((j) => j.state !== 'removed' && j.state !== 'unknown'),
          JSON.stringify(after.jobs),
        );

        status = await until('the batch to finish', 240_000, async () => {
          const s = await batchStatus(farm.queue, batchId);
          return s.counts.queued + s.counts.running === 0 ? s : undefined;
        });
        assert.deepEqual(
          status.counts,
          { queued: 0, running: 0, done: 6, failed: 1 },
          JSON.stringify(status.jobs),
        );

        // The killed worker's job was finished by another, resumed after its finished stages.
        const resumed = await farm.queue.getJob(victim.jobId);
        const result = resumed!.returnvalue as FarmJobResult;
        assert.notEqual(result.worker, killed.name);
        assert.ok(result.resumedAfter.includes('segment'), `resumed after ${result.resumedAfter.join(', ')}`);

        // The no-face photo failed once, with its reason, and was not retried. (Its attempt count read
        // 0 once, in a loaded CI run where its job failed around the Redis restart: BullMQ's count of
        // that attempt, not a retry. At most one is what "not retried" means.)
        const coffee = status.jobs.find((j) => j.photo === 'coffee.png')!;
        assert.equal(coffee.state, 'failed', JSON.stringify(coffee));
        assert.ok(coffee.attempts <= 1, `retried: ${JSON.stringify(coffee)}`);
        assert.match(coffee.failedReason ?? '', /no-face/, JSON.stringify(coffee));
      } finally {
        await farm.close();
      }

      // Every head is there, valid and head-sized; each job folder is done and carries its settings.
      for (const job of status.jobs.filter((j) => j.state === 'completed')) {
        const stem = job.photo.replace(/\.[^.]+$/, '');
        const size = await headSize(join(out, stem, `${stem}.glb`));
        assert.ok(size >= 0.15 && size <= 0.4, `${job.photo}: ${size.toFixed(3)} m`);
        const record = await readJobRecord(join(out, '.jobs', job.jobId));
        assert.equal(record.state, 'done');
        assert.equal(record.settings.estimator, 'builtin');
        assert.ok(record.versions.studio);
      }

      const shown = await runCli(['farm', 'status', '--batch', batchId, '--redis', redis.url]);
      assert.match(shown.stdout, /queued 0 {2}running 0 {2}done 6 {2}failed 1/);
      assert.match(shown.stdout, /w[123] +\S+ pid \d+ {2}cpu ×1/);

      // Resubmitting the same photos with the same settings queues nothing.
      const again = await submitBatch([...faces, noFace], redis.url, out, ['--json']);
      assert.equal(again.code, 0, again.stderr);
      const resubmitted = JSON.parse(again.stdout) as { queued: string[]; skipped: { state: string }[] };
      assert.equal(resubmitted.queued.length, 0);
      assert.deepEqual(
        resubmitted.skipped.map((s) => s.state).sort(),
        [...Array(6).fill('completed'), 'failed'].sort(),
      );
    } finally {
      await stopAll();
      await rm(dir, { recursive: true, force: true });
    }
  },
);
