import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { JobStore } from '../../src-main/host/job-store';
import { readJobRecord } from '../../src-main/shared/job-folder';
import { JOB_LOCK_FILE, JobLockOwner } from '../../src-main/shared/job-lock-file';
import { ASTRONAUT as SAMPLE } from '../support/photos';
import { validateGlb } from '../support/glb';
import { scratchDir } from '../support/scratch-dir';

const CLI = join(process.cwd(), 'bin/gen3dface.mjs');

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (status) => resolve({ status, stdout, stderr })));
}

test('two CLIs on one job: a stale lock is taken over, the second CLI is refused (exit 4), the first finishes', async () => {
  const root = await scratchDir('cli-lock');
  const store = new JobStore(root);
  await store.open();
  const job = await store.create({
    photoBytes: await readFile(SAMPLE),
    sourceName: 'astronaut.png',
    settings: { export: { formats: ['glb'] } },
  });
  const dir = store.jobDir(job.id);
  // A lock left by a CLI that was killed: its pid is gone.
  const dead = Number(spawnSync(process.execPath, ['-p', 'process.pid'], { encoding: 'utf8' }).stdout);
  const stale: JobLockOwner = {
    pid: dead,
    host: hostname(),
    startedAt: '2026-01-01T00:00:00Z',
    token: 'dead',
  };
  await writeFile(join(dir, JOB_LOCK_FILE), JSON.stringify(stale));

  const first = spawn(process.execPath, [CLI, 'jobs', 'resume', job.id, '--jobs', root, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let firstOut = '';
  let firstErr = '';
  first.stderr.on('data', (c: Buffer) => (firstErr += c.toString()));
  const firstExit = new Promise<number | null>((resolve) => first.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    first.stdout.on('data', (c: Buffer) => {
      firstOut += c.toString();
      if (firstOut.includes('"type":"stageStarted"')) resolve();
    });
    first.on('exit', () => reject(new Error(`the first CLI ended early: ${firstOut}${firstErr}`)));
  });
  const owner = JobLockOwner.parse(JSON.parse(await readFile(join(dir, JOB_LOCK_FILE), 'utf8')));
  assert.equal(owner.pid, first.pid, 'the first CLI took over the dead process’s lock');

  const started = Date.now();
  const [second, deleted, listed] = await Promise.all([
    cli(['jobs', 'resume', job.id, '--jobs', root]),
    cli(['jobs', 'delete', job.id, '--jobs', root]),
    cli(['jobs', 'list', '--jobs', root, '--json']),
  ]);
  const refusal = new RegExp(`job ${job.id} is being worked on by process ${first.pid} \\(since `);
  for (const refused of [second, deleted]) {
    assert.equal(refused.status, 4, refused.stdout + refused.stderr);
    assert.match(refused.stderr, refusal);
    assert.match(refused.stderr, /If no such process is running, delete .*\.lock/);
  }
  console.log(`second CLI refused in ${Date.now() - started} ms`);
  assert.equal(listed.status, 0, listed.stderr);
  const seen = (JSON.parse(listed.stdout) as { id: string; state: string }[]).find((j) => j.id === job.id);
  assert.equal(seen?.state, 'running', 'a second CLI opening the folder leaves the running job alone');

  assert.equal(await firstExit, 0, firstOut + firstErr);
  const record = await readJobRecord(dir);
  assert.equal(record.state, 'done');
  const glb = record.stages.export?.artifacts.find((a) => a.kind === 'export-glb');
  assert.ok(glb, JSON.stringify(record.stages.export));
  assert.equal((await validateGlb(await readFile(join(dir, glb.path)))).issues.numErrors, 0);
  assert.ok(!(await readdir(dir)).includes(JOB_LOCK_FILE), 'the lock is released when the job is done');
});
