/** The farm's pieces that need no Redis: job ids, Redis URLs, pack checks, the command line. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { farmJobId, parseRedisUrl } from '../../src-main/farm/farm-queue';
import { missingPacks, packsForEstimator } from '../../src-main/farm/pack-requirements';
import { JobSettings } from '../../src-main/shared/protocol';
import { runCli } from './support/farm-processes';

test('job ids: same photo and settings → same id; another photo, setting or pack version → another', () => {
  const photo = new Uint8Array([1, 2, 3]);
  const settings = JobSettings.parse({});
  const id = farmJobId(photo, settings, []);
  assert.match(id, /^[A-Za-z0-9_-]{1,80}$/);
  assert.equal(farmJobId(new Uint8Array([1, 2, 3]), JobSettings.parse({}), []), id);
  assert.notEqual(farmJobId(new Uint8Array([1, 2, 4]), settings, []), id);
  assert.notEqual(farmJobId(photo, JobSettings.parse({ faceSelection: 'largest' }), []), id);
  const deca1 = farmJobId(photo, settings, [{ id: 'deca', version: '1' }]);
  assert.notEqual(deca1, farmJobId(photo, settings, [{ id: 'deca', version: '2' }]));
});

test('Redis URLs: user, password, db and TLS; anything else is refused', () => {
  assert.deepEqual(parseRedisUrl('rediss://farm:s%40cret@redis.lan:6380/2'), {
    host: 'redis.lan',
    port: 6380,
    username: 'farm',
    password: 's@cret',
    db: 2,
    tls: {},
  });
  assert.deepEqual(parseRedisUrl('redis://127.0.0.1'), { host: '127.0.0.1', port: 6379 });
  assert.throws(() => parseRedisUrl('http://redis.lan'), /redis:\/\/ or rediss:\/\//);
  assert.throws(() => parseRedisUrl('not a url'), /redis:\/\/host:6379/);
});

test('a worker without the pack, or with another version, says why', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'farm-packs-'));
  try {
    await mkdir(join(dir, 'deca'));
    await writeFile(
      join(dir, 'deca', 'manifest.json'),
      JSON.stringify({ id: 'deca-flame2020', version: '1.0.0', estimator: 'deca' }),
    );
    const needs = await packsForEstimator(dir, 'deca');
    assert.deepEqual(needs, [{ id: 'deca-flame2020', version: '1.0.0' }]);
    assert.deepEqual(await packsForEstimator(dir, 'builtin'), []);
    await assert.rejects(packsForEstimator(dir, 'mica'), /no mica model pack/);
    assert.equal(await missingPacks(dir, needs), undefined);
    assert.match(
      (await missingPacks(dir, [{ id: 'deca-flame2020', version: '2.0.0' }]))!,
      /pack "deca-flame2020" is version 1\.0\.0, the job needs 2\.0\.0/,
    );
    assert.match((await missingPacks(join(dir, 'none'), needs))!, /no pack "deca-flame2020"/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('farm command line: usage errors exit 2 with the reason', async () => {
  const noRedis = await runCli(['farm', 'submit', 'x.png', '--out', '/tmp/x']);
  assert.equal(noRedis.code, 2);
  assert.match(noRedis.stderr, /--redis/);
  const badDevice = await runCli(['farm', 'worker', '--redis', 'redis://127.0.0.1:1', '--device', 'tpu']);
  assert.equal(badDevice.code, 2);
  assert.match(badDevice.stderr, /--device takes cpu or gpu:N/);
  const noBatch = await runCli(['farm', 'retry', '--redis', 'redis://127.0.0.1:1']);
  assert.equal(noBatch.code, 2);
  const help = await runCli(['farm', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /farm worker --redis/);
});
