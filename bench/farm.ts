/**
 * Farm throughput on this machine: heads per minute with 1, 2 and 3 `gen3dface farm worker`
 * processes (a fresh redis-server each time, six photos, from submit to the last head, the workers'
 * cold engine start included), and the queue's own overhead per job: BullMQ round trips against the
 * same append-only, fsync-always Redis with a processor that does nothing.
 *
 *   npx tsx bench/farm.ts [photos-per-run]
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { batchStatus, listWorkers, openFarmQueue } from '../src-main/farm/farm-batches';
import { connectRedis } from '../src-main/farm/farm-queue';
import { makeFarmPhotos } from '../tests/farm/support/farm-photos';
import {
  freePort,
  startRedis,
  startWorker,
  stopAll,
  stopRedis,
  submitBatch,
} from '../tests/farm/support/farm-processes';

const photosPerRun = Number(process.argv[2] ?? 6);

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function throughput(
  root: string,
  photos: string[],
  workers: number,
): Promise<{ s: number; perMin: number }> {
  const dir = await mkdtemp(join(root, `w${workers}-`));
  const redis = await startRedis(dir, await freePort());
  try {
    for (let i = 1; i <= workers; i++) startWorker(redis.url, `bench-w${i}`);
    const farm = await openFarmQueue(redis.url);
    try {
      while ((await listWorkers(farm.queue)).length < workers) await sleep(200);
      const t0 = performance.now();
      const submitted = await submitBatch(photos, redis.url, join(dir, 'out'));
      if (submitted.code !== 0) throw new Error(submitted.stderr);
      const batchId = submitted.stdout.trim();
      for (;;) {
        const s = await batchStatus(farm.queue, batchId);
        if (s.counts.failed > 0) throw new Error(JSON.stringify(s.jobs.filter((j) => j.failedReason)));
        if (s.counts.done === photos.length) break;
        await sleep(200);
      }
      const s = (performance.now() - t0) / 1000;
      return { s, perMin: (photos.length / s) * 60 };
    } finally {
      await farm.close();
    }
  } finally {
    await stopAll();
    await stopRedis(redis).catch(() => undefined);
  }
}

/** Milliseconds per job of BullMQ alone: one at a time (latency) and 500 in a row (throughput). */
async function queueOverhead(root: string): Promise<{ serialMs: number; bulkMs: number }> {
  const dir = await mkdtemp(join(root, 'noop-'));
  const redis = await startRedis(dir, await freePort());
  const producer = await connectRedis(redis.url);
  const consumer = await connectRedis(redis.url, true);
  const listener = await connectRedis(redis.url, true);
  const queue = new Queue('bench-noop', { connection: producer.connection });
  const events = new QueueEvents('bench-noop', { connection: listener.connection });
  const worker = new Worker('bench-noop', async () => 'ok', {
    connection: consumer.connection,
    concurrency: 1,
  });
  try {
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()]);
    const serial = 50;
    let t0 = performance.now();
    for (let i = 0; i < serial; i++) {
      const job = await queue.add('noop', { i });
      await job.waitUntilFinished(events);
    }
    const serialMs = (performance.now() - t0) / serial;
    const bulk = 500;
    t0 = performance.now();
    let done = 0;
    const all = new Promise<void>((resolve) => {
      worker.on('completed', () => {
        if (++done === bulk) resolve();
      });
    });
    await queue.addBulk(Array.from({ length: bulk }, (_, i) => ({ name: 'noop', data: { i } })));
    await all;
    return { serialMs, bulkMs: (performance.now() - t0) / bulk };
  } finally {
    await worker.close();
    await events.close();
    await queue.close();
    await Promise.all([producer.close(), consumer.close(), listener.close()]);
    await stopRedis(redis);
  }
}

const root = await mkdtemp(join(os.tmpdir(), 'farm-bench-'));
try {
  const { faces } = await makeFarmPhotos(join(root, 'photos'));
  const photos = faces.slice(0, photosPerRun);
  await mkdir(root, { recursive: true });
  const rows: string[] = [];
  for (const workers of [1, 2, 3]) {
    const r = await throughput(root, photos, workers);
    rows.push(`| ${workers} | ${photos.length} | ${r.s.toFixed(1)} | ${r.perMin.toFixed(1)} |`);
    process.stderr.write(`${workers} worker(s): ${r.s.toFixed(1)} s\n`);
  }
  const overhead = await queueOverhead(root);
  console.log(
    `farm on ${os.cpus().length} CPU cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}\n`,
  );
  console.log('| workers | heads | seconds | heads/minute |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(
    `\nqueue overhead per job (no-op processor, AOF fsync always): ${overhead.serialMs.toFixed(2)} ms one at a time ` +
      `(add → completed event), ${overhead.bulkMs.toFixed(2)} ms each in a run of 500`,
  );
} finally {
  await stopAll();
  await rm(root, { recursive: true, force: true });
}
