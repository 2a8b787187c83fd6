/** The studio's farm setting: checked by the protocol's schema, and photos go to the farm's queue. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioFarm } from '../../src-main/farm/studio-farm';
import { StudioSettings } from '../../src-main/shared/protocol';
import { ASTRONAUT } from '../support/photos';
import { freePort, startRedis, stopAll } from './support/farm-processes';

test('the farm setting takes a redis:// or rediss:// URL and a shared folder', () => {
  assert.ok(StudioSettings.safeParse({}).success);
  assert.ok(
    StudioSettings.safeParse({ farm: { redisUrl: 'rediss://u:p@farm:6380/1', sharedDir: '/mnt/heads' } })
      .success,
  );
  assert.ok(
    !StudioSettings.safeParse({ farm: { redisUrl: 'http://farm', sharedDir: '/mnt/heads' } }).success,
  );
  assert.ok(!StudioSettings.safeParse({ farm: { redisUrl: 'redis://farm' } }).success);
});

test('with the farm set, the studio queues its photos on the farm', { timeout: 60_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'studio-farm-'));
  try {
    const redis = await startRedis(dir, await freePort());
    const farm = await StudioFarm.connect(
      { redisUrl: redis.url, sharedDir: join(dir, 'shared') },
      { studio: 'test' },
    );
    try {
      const { batchId, jobs } = await farm.importPhotos([ASTRONAUT], { faceSelection: 'largest' });
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0]!.state, 'created');
      assert.equal(jobs[0]!.settings.faceSelection, 'largest');
      const status = await farm.batch(batchId);
      assert.deepEqual(status.counts, { queued: 1, running: 0, done: 0, failed: 0 });
      assert.equal((await farm.getJob(jobs[0]!.id)).versions.studio, 'test');
    } finally {
      await farm.close();
    }
  } finally {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
  }
});
