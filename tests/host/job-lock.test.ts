import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireJobLock, JobLockedError, liveJobLockOwner } from '../../src-main/host/job-lock';
import { JobStore } from '../../src-main/host/job-store';
import { JOB_LOCK_FILE, JobLockOwner } from '../../src-main/shared/job-lock-file';
import { readJobRecord, updateJobRecord } from '../../src-main/shared/job-folder';
import { scratchDir } from '../support/scratch-dir';

/** The pid of a process that has exited (pids are not reused this quickly). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(child.stdout);
}

async function writeLock(dir: string, owner: Partial<JobLockOwner>): Promise<void> {
  const full: JobLockOwner = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    token: 'planted',
    ...owner,
  };
  await writeFile(join(dir, JOB_LOCK_FILE), JSON.stringify(full));
}

const readOwner = async (dir: string): Promise<JobLockOwner> =>
  JobLockOwner.parse(JSON.parse(await readFile(join(dir, JOB_LOCK_FILE), 'utf8')));

test('a held lock refuses others with who holds it, and is gone once released', async () => {
  const dir = await scratchDir('lock');
  const lock = await acquireJobLock(dir, 'job-a');
  assert.equal((await readOwner(dir)).pid, process.pid);
  const refused = await acquireJobLock(dir, 'job-a').catch((e: unknown) => e);
  assert.ok(refused instanceof JobLockedError);
  assert.equal(refused.code, 'job-locked');
  assert.match(
    refused.message,
    new RegExp(`^job job-a is being worked on by process ${process.pid} \\(since `),
  );
  assert.match(refused.toInfo().hint!, /delete .*\.lock/);
  assert.equal((await liveJobLockOwner(dir))?.token, lock.owner.token);
  await lock.release();
  await lock.release();
  assert.deepEqual(await readdir(dir), []);
  assert.equal(await liveJobLockOwner(dir), undefined);
  await (await acquireJobLock(dir, 'job-a')).release();
});

test('stale locks are taken over: a dead pid here, our own pid from an earlier life, a silent other host, a torn file', async () => {
  const stale: [string, Partial<JobLockOwner>, number][] = [
    ['dead pid on this host', { pid: deadPid() }, 0],
    ['our pid, not our token', { pid: process.pid, token: 'an-earlier-process' }, 0],
    ['another host, untouched for 2 minutes', { pid: 1, host: 'elsewhere.example' }, 120],
  ];
  for (const [why, owner, ageS] of stale) {
    const dir = await scratchDir('lock');
    await writeLock(dir, owner);
    const then = new Date(Date.now() - ageS * 1000);
    await utimes(join(dir, JOB_LOCK_FILE), then, then);
    assert.equal(await liveJobLockOwner(dir), undefined, why);
    const lock = await acquireJobLock(dir, 'j');
    assert.equal((await readOwner(dir)).token, lock.owner.token, why);
    await lock.release();
  }
  const torn = await scratchDir('lock');
  await writeFile(join(torn, JOB_LOCK_FILE), '');
  const old = new Date(Date.now() - 60_000);
  await utimes(join(torn, JOB_LOCK_FILE), old, old);
  await (await acquireJobLock(torn, 'j')).release();

  // Live ones are not: another host that keeps its heartbeat, and a live process here (our parent).
  for (const owner of [
    { pid: 1, host: 'elsewhere.example' },
    { pid: process.ppid, token: 'the-parent' },
  ]) {
    const dir = await scratchDir('lock');
    await writeLock(dir, owner);
    const refused = await acquireJobLock(dir, 'j').catch((e: unknown) => e);
    assert.ok(refused instanceof JobLockedError, JSON.stringify(owner));
    assert.equal(refused.owner.pid, owner.pid);
    if (owner.host) assert.match(refused.message, / on elsewhere\.example /);
  }
});

/**
 * Starts `count` processes that wait for a common start signal, then each try to lock dir; the
 * winner holds the lock for a while. Returns what each one printed.
 */
async function race(dir: string, count: number): Promise<string[]> {
  const go = join(dir, 'go');
  const racer = `
    import { existsSync } from 'node:fs';
    import { acquireJobLock } from ${JSON.stringify(join(process.cwd(), 'src-main/host/job-lock.ts'))};
    process.send('ready');
    while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2));
    try {
      const lock = await acquireJobLock(${JSON.stringify(dir)}, 'raced');
      console.log('won');
      await new Promise((r) => setTimeout(r, 1500));
      await lock.release();
    } catch (e) {
      console.log(e.code === 'job-locked' ? 'refused' : 'error ' + e.message);
    }`;
  const children = Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', racer], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    }),
  );
  const outputs = children.map(
    (child) =>
      new Promise<string>((resolve) => {
        let out = '';
        child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
        child.on('exit', () => resolve(out.trim()));
      }),
  );
  await Promise.all(children.map((c) => new Promise((resolve) => c.once('message', resolve))));
  await writeFile(go, '');
  return Promise.all(outputs);
}

test('processes racing for a free lock, or for one stale lock, end with exactly one holder', async () => {
  const free = await scratchDir('lock-race');
  const stale = await scratchDir('lock-race');
  await writeLock(stale, { pid: deadPid() });
  const [onFree, onStale] = await Promise.all([race(free, 4), race(stale, 4)]);
  for (const results of [onFree, onStale]) {
    assert.deepEqual(results.toSorted(), ['refused', 'refused', 'refused', 'won'], results.join());
  }
  assert.deepEqual((await readdir(stale)).sort(), ['go'], 'the winner released; no takeover file left');
});

test('the store leaves a job that another process is working on alone: open() and delete()', async () => {
  const root = await scratchDir('jobs');
  const store = new JobStore(root);
  await store.open();
  const job = await store.create({ photoBytes: Buffer.from('x'), sourceName: 'a.png' });
  const dir = store.jobDir(job.id);
  await updateJobRecord(dir, (r) => ({ ...r, state: 'running' }));
  await writeFile(join(dir, '.job.json.123.abcd.tmp'), 'being written');
  await writeLock(dir, { pid: process.ppid, token: 'another-studio' });

  await new JobStore(root).open();
  assert.equal((await readJobRecord(dir)).state, 'running');
  assert.ok((await readdir(dir)).includes('.job.json.123.abcd.tmp'), 'its temp file is in use');
  await assert.rejects(
    store.delete(job.id),
    new RegExp(`job ${job.id} is being worked on by process ${process.ppid}`),
  );
  assert.equal((await store.get(job.id)).state, 'running');

  await writeLock(dir, { pid: deadPid() }); // its holder died: the job was interrupted
  await new JobStore(root).open();
  assert.equal((await readJobRecord(dir)).state, 'interrupted');
  await store.delete(job.id);
  assert.deepEqual(await readdir(root), []);
});
