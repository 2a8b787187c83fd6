/**
 * Issue 13's fault check in full: the engine killed (SIGKILL) or the app quit at ≥ 20 seeded random
 * moments of real projection jobs on the sample photo; every job must resume and end with the same
 * files as an uninterrupted run. Prints one row per fault and the counts.
 * Run: npx tsx bench/kill-resume.ts [faults=20] [seed=1]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { SAMPLE_PHOTO } from '../tests/support/backend';
import { runKillResume } from '../tests/host/support/kill-resume';

const faults = Number(process.argv[2] ?? 20);
const seed = Number(process.argv[3] ?? 1);
const jobsRoot = await mkdtemp(join(os.tmpdir(), 'gen3d-kill-bench-'));
const started = Date.now();
try {
  const result = await runKillResume({
    jobsRoot,
    photo: SAMPLE_PHOTO,
    faults,
    seed,
    faultsPerJob: 5,
    appQuitEvery: 3,
    log: (line) => console.log(line),
  });
  console.log(`\n${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, seed ${seed}`);
  console.log('| fault | job | kind | at (ms after start/resume) | stage |');
  console.log('|---|---|---|---|---|');
  for (const [i, f] of result.faults.entries())
    console.log(`| ${i + 1} | ${f.job} | ${f.fault} | ${f.atMs} | ${f.stage} |`);
  const identical = result.jobs.filter((j) => j.state === 'done' && j.differences.length === 0);
  const rerun = result.jobs.filter((j) => j.rerunFinished.length > 0);
  console.log(
    `\nfaults ${result.faults.length} (engine kills ${result.faults.filter((f) => f.fault === 'engine-kill').length}, ` +
      `app quits ${result.faults.filter((f) => f.fault === 'app-quit').length}) over ${result.jobs.length} jobs; ` +
      `done with the reference's files: ${identical.length}/${result.jobs.length}; finished stages re-run: ${rerun.length}; ` +
      `unreadable job.json: ${result.unreadableRecords.length}; reference job ${result.referenceMs} ms; ` +
      `total ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
  for (const job of result.jobs)
    if (job.differences.length || job.state !== 'done')
      console.log(`job ${job.id}: ${job.state}; ${job.differences.join(', ')}`);
  if (identical.length !== result.jobs.length || rerun.length || result.unreadableRecords.length)
    process.exitCode = 1;
} finally {
  await rm(jobsRoot, { recursive: true, force: true });
}
