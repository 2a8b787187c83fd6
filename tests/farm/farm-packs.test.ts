/** A worker with another version of the job's pack refuses it with that reason; nothing is made. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchStatus, openFarmQueue } from '../../src-main/farm/farm-batches';
import { readJobRecord } from '../../src-main/shared/job-folder';
import { ASTRONAUT } from '../support/photos';
import { freePort, startRedis, startWorker, stopAll, submitBatch } from './support/farm-processes';

async function fakeDecaPack(dir: string, version: string): Promise<string> {
  await mkdir(join(dir, 'deca'), { recursive: true });
  await writeFile(
    join(dir, 'deca', 'manifest.json'),
    JSON.stringify({ id: 'deca-test', version, kind: 'estimate', estimator: 'deca' }),
  );
  return dir;
}

test(
  'a worker with another pack version refuses the job, naming both versions',
  { timeout: 120_000 },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'farm-packs-'));
    try {
      const redis = await startRedis(dir, await freePort());
      const workerPacks = await fakeDecaPack(join(dir, 'worker-packs'), '1.0.0');
      const submitPacks = await fakeDecaPack(join(dir, 'submit-packs'), '2.0.0');
      startWorker(redis.url, 'w-old-pack', ['--packs', workerPacks]);
      const out = join(dir, 'shared');
      const submitted = await submitBatch([ASTRONAUT], redis.url, out, [
        '--estimator',
        'deca',
        '--packs',
        submitPacks,
      ]);
      assert.equal(submitted.code, 0, submitted.stderr);
      const batchId = submitted.stdout.trim();
      const farm = await openFarmQueue(redis.url);
      try {
        let status = await batchStatus(farm.queue, batchId);
        const deadline = Date.now() + 90_000;
        while (status.counts.failed === 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          status = await batchStatus(farm.queue, batchId);
        }
        const [job] = status.jobs;
        assert.equal(job!.state, 'failed');
        assert.match(
          job!.failedReason ?? '',
          /refused by w-old-pack: .*pack "deca-test" is version 1\.0\.0, the job needs 2\.0\.0/,
        );
        // The job folder carries the pack it was submitted with; no stage ran, no head was made.
        const record = await readJobRecord(join(out, '.jobs', job!.jobId));
        assert.equal(record.versions['pack:deca-test'], '2.0.0');
        assert.equal(record.state, 'created');
        await assert.rejects(access(join(out, 'astronaut')));
      } finally {
        await farm.close();
      }
    } finally {
      await stopAll();
      await rm(dir, { recursive: true, force: true });
    }
  },
);
