/**
 * A checkout where `npm ci` ran but not the set-up has no native addon. The CLI, the engine and the
 * studio's backend say so before the first stage, with the command that fixes it (exit code 2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { nodeEngineLauncher } from '../../src-main/host/engine-process';
import { StudioBackend } from '../../src-main/host/studio-backend';
import { ASTRONAUT } from '../support/photos';
import { scratchDir } from '../support/scratch-dir';

const CLI = join(process.cwd(), 'bin/gen3dface.mjs');
/** The engine looks only here for its addon: as if native/build were never built. */
const NO_ADDON = { GEN3D_NATIVE_ADDON: '/nonexistent/native/build/gen3d_native.node' };

test('the CLI refuses before any stage with exit code 2 and says to run the set-up', async () => {
  const out = await scratchDir('cli-no-addon');
  const r = spawnSync(process.execPath, [CLI, 'generate', ASTRONAUT, '--out', out], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...NO_ADDON },
  });
  assert.equal(r.status, 2, r.stderr + r.stdout);
  assert.match(r.stderr, /set-up incomplete: The native addon .* is missing/);
  assert.match(r.stderr, /Run `npm run setup` in .*, then run the job again/);
  assert.doesNotMatch(r.stderr + r.stdout, /This is a bug/);
  // No job was made, so no stage ran.
  const jobs = await readdir(join(out, '.jobs')).catch(() => []);
  assert.deepEqual(
    jobs.filter((n) => !n.startsWith('.')),
    [],
  );
});

test('the engine fails a job before its first stage, with the set-up hint the studio shows', async () => {
  const jobsRoot = await scratchDir('engine-no-addon');
  const backend = new StudioBackend({ jobsRoot, launcher: nodeEngineLauncher({ env: NO_ADDON }) });
  await backend.start();
  try {
    assert.equal(backend.engine.setupProblems[0]?.code, 'setup-incomplete');
    // What the studio's set-up banner shows (IPC studio:setup-problems).
    const [banner] = await backend.setupProblems();
    assert.match(banner?.hint ?? '', /npm run setup/);
    const started: string[] = [];
    backend.on('event', (e) => {
      if (e.type === 'stageStarted') started.push(e.stage);
    });
    const job = await backend.importPhoto(ASTRONAUT);
    const outcome = await backend.waitForJob(job.id);
    assert.equal(outcome.state, 'failed');
    assert.equal(outcome.job.error?.code, 'setup-incomplete');
    assert.match(outcome.job.error?.hint ?? '', /npm run setup/);
    assert.deepEqual(started, [], 'no stage may start');
    assert.ok(Object.values(outcome.job.stages).every((s) => s.state === 'pending'));
  } finally {
    await backend.stop();
  }
});
