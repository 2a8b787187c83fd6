import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JobStore } from '../../src-main/host/job-store';
import { readJobRecord, updateJobRecord } from '../../src-main/shared/job-folder';
import { scratchDir } from '../support/scratch-dir';

const photo = Buffer.from('not really a photo: the store does not look inside');

test('create, list, get and delete jobs; they survive a new store on the same root', async () => {
  const root = await scratchDir('jobs');
  const store = new JobStore(root);
  await store.open();
  const a = await store.create({
    photoBytes: photo,
    sourceName: '/some/where/Me & You.JPG',
    settings: { faceSelection: 'largest' },
  });
  const b = await store.create({ photoBytes: photo, sourceName: 'b.png' });
  assert.equal(a.state, 'created');
  assert.equal(a.sourceName, 'Me & You.JPG');
  assert.equal(a.settings.faceSelection, 'largest');
  assert.deepEqual(await readFile(await store.inputPath(a.id)), photo);
  assert.match(await store.inputPath(a.id), /photo\.jpg$/);

  const reopened = new JobStore(root);
  await reopened.open();
  assert.deepEqual((await reopened.list()).map((j) => j.id).sort(), [a.id, b.id].sort());
  await reopened.delete(a.id);
  assert.deepEqual(
    (await reopened.list()).map((j) => j.id),
    [b.id],
  );
  await assert.rejects(reopened.get(a.id));
  await assert.rejects(reopened.delete(a.id), /ENOENT/);
  assert.throws(() => reopened.jobDir('../escape'), /invalid job id/);
});

test('opening the store cleans half-made jobs and marks jobs that were running as interrupted', async () => {
  const root = await scratchDir('jobs');
  const store = new JobStore(root);
  await store.open();
  const job = await store.create({ photoBytes: photo, sourceName: 'a.png' });
  await updateJobRecord(store.jobDir(job.id), (r) => ({ ...r, state: 'running' }));
  await mkdir(join(root, '.creating-20260101-000000-abcdef/input'), { recursive: true });
  await mkdir(join(root, 'not-a-job'));
  await writeFile(join(root, 'not-a-job', 'job.json'), '{ torn');

  await new JobStore(root).open();
  const names = await readdir(root);
  assert.ok(!names.some((n) => n.startsWith('.creating-')), names.join());
  assert.equal((await readJobRecord(join(root, job.id))).state, 'interrupted');
  assert.deepEqual(
    (await store.list()).map((j) => j.id),
    [job.id],
    'an unreadable folder is not listed',
  );
  // …but said, with the reason, and kept: a damaged record, and one from a newer studio.
  await mkdir(join(root, 'from-newer'));
  const newer = { ...(await readJobRecord(join(root, job.id))), id: 'from-newer', protocolVersion: 99 };
  await writeFile(join(root, 'from-newer', 'job.json'), JSON.stringify(newer));
  const { unreadable } = await store.listFolders();
  assert.deepEqual(
    unreadable.map((u) => u.folder),
    [join(root, 'from-newer'), join(root, 'not-a-job')],
  );
  assert.match(unreadable[0]!.reason, /is not a valid job record/);
  assert.match(unreadable[1]!.reason, /is not valid JSON/);
  assert.equal(await readFile(join(root, 'not-a-job', 'job.json'), 'utf8'), '{ torn');
});

test('a writer killed mid-write leaves job.json whole: the old state or the new, never torn', async () => {
  const root = await scratchDir('jobs');
  const store = new JobStore(root);
  await store.open();
  const job = await store.create({ photoBytes: photo, sourceName: 'a.png' });
  const dir = store.jobDir(job.id);
  // A child rewrites job.json in a loop with a large payload; we SIGKILL it at random moments.
  const writer = `
    import { updateJobRecord } from ${JSON.stringify(join(process.cwd(), 'src-main/shared/job-folder.ts'))};
    const big = 'x'.repeat(2_000_000);
    let n = 0;
    process.send?.('go');
    for (;;) {
      n++;
      await updateJobRecord(${JSON.stringify(dir)}, (r) => ({ ...r, state: n % 2 ? 'running' : 'created', versions: { n: String(n), big } }));
    }`;
  for (let round = 0; round < 5; round++) {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', writer], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    await new Promise((resolve) => child.once('message', resolve));
    await new Promise((resolve) => setTimeout(resolve, 150 + round * 70));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const record = await readJobRecord(dir); // throws if torn
    assert.ok(['running', 'created'].includes(record.state));
  }
  // Temp files of a killed writer may remain beside job.json; the next open() removes them.
  await new JobStore(root).open();
  assert.deepEqual(
    (await readdir(dir)).filter((n) => n.endsWith('.tmp')),
    [],
  );
  assert.ok(['running', 'created', 'interrupted'].includes((await readJobRecord(dir)).state));
});
