/**
 * `gen3dface jobs list` with a damaged job folder beside a real job: the job is listed (JSON on
 * stdout, unchanged), the folder is said on stderr with the reason, and nothing is deleted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobStore } from '../../src-main/host/job-store';
import { ASTRONAUT } from '../support/photos';

const CLI = join(process.cwd(), 'bin/gen3dface.mjs');

test('jobs list names a damaged job folder on stderr and leaves it alone', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cli-jobs-list-'));
  try {
    const store = new JobStore(root);
    await store.open();
    const job = await store.create({ photoBytes: await readFile(ASTRONAUT), sourceName: 'astronaut.png' });
    const damaged = join(root, '20260101-000000-damage');
    await mkdir(damaged);
    await writeFile(join(damaged, 'job.json'), '{ torn');

    const listed = spawnSync(process.execPath, [CLI, 'jobs', 'list', '--jobs', root, '--json'], {
      encoding: 'utf8',
    });
    assert.equal(listed.status, 0, listed.stderr);
    const ids = (JSON.parse(listed.stdout) as { id: string }[]).map((j) => j.id);
    assert.deepEqual(ids, [job.id]);
    assert.match(
      listed.stderr,
      new RegExp(`not a readable job, left as it is: ${damaged}/job\\.json is not valid JSON`),
    );
    assert.equal(await readFile(join(damaged, 'job.json'), 'utf8'), '{ torn');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
