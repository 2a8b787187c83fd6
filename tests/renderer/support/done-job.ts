/**
 * One done job of the sample photo per test run, for the browser tests that start from a finished head
 * (the viewport, the export dialog, the job panels): made once, the way the studio makes it
 * (make-done-job.ts), and copied into each of their sessions' jobs folders, so each does not generate
 * the same head again. Importing is tested where it is under test (studio.test.ts,
 * studio-import.test.ts). Keyed by the test runner's pid: the next run, with its code, makes it anew.
 */
import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../../src-main/host/engine-process';

const PREFIX = 'gen3d-studio-done-job-';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The jobs folder holding the done job (made now if this run has none yet). */
export async function doneSampleJobs(): Promise<string> {
  const dir = join(tmpdir(), `${PREFIX}${process.ppid}`);
  // earlier runs' copies and their lock files (their runner is gone)
  for (const name of await readdir(tmpdir())) {
    const pid = name.startsWith(PREFIX) ? Number(name.slice(PREFIX.length).replace(/\.lock$/, '')) : 0;
    if (pid && pid !== process.ppid && !alive(pid))
      await rm(join(tmpdir(), name), { recursive: true, force: true });
  }
  const maker = join(projectRoot(), 'tests/renderer/support/make-done-job.ts');
  // flock: the test files running side by side wait for one maker
  await promisify(execFile)('flock', [`${dir}.lock`, process.execPath, '--import', 'tsx', maker, dir], {
    cwd: projectRoot(),
    maxBuffer: 1 << 24,
  });
  return dir;
}
