/**
 * The engine's view-candidate files (src-main/engine/pipeline/view-candidates.ts) on a real job folder
 * made by the job store: keep puts the candidate in place of views/NN.png and keeps the old picture as
 * NN-previous.png, discard deletes only the candidate, and the refusals (projection job, view out of
 * range, running job, no candidate) change nothing.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { JobStore } from '../../src-main/host/job-store';
import { readJobRecord, updateJobRecord } from '../../src-main/shared/job-folder';
import {
  candidatePath,
  discardViewCandidate,
  keepViewCandidate,
  previousViewPath,
  refuseViewCandidate,
  viewPath,
} from '../../src-main/engine/pipeline/view-candidates';
import { StageError } from '../../src-main/engine/stage-error';
import { scratchDir } from '../support/scratch-dir';

const bytes = (text: string): Buffer => Buffer.from(text);

async function refusal(action: Promise<unknown>): Promise<string> {
  try {
    await action;
  } catch (error) {
    assert.ok(error instanceof StageError, `a StageError, not ${String(error)}`);
    return error.code;
  }
  assert.fail('it was not refused');
}

describe('view candidate files', () => {
  let store: JobStore;
  let diffusionDir: string;
  let projectionDir: string;

  before(async () => {
    store = new JobStore(await scratchDir('gen3d-candidates'));
    await store.open();
    const photoBytes = bytes('not read here');
    const diffusion = await store.create({
      photoBytes,
      sourceName: 'a.png',
      settings: { generator: 'diffusion' },
    });
    const projection = await store.create({ photoBytes, sourceName: 'b.png' });
    diffusionDir = store.jobDir(diffusion.id);
    projectionDir = store.jobDir(projection.id);
    await mkdir(join(diffusionDir, 'views/candidates'), { recursive: true });
    const views = Array.from({ length: 16 }, (_, v) => ({ azimuth: v * 22.5, elevation: 0 }));
    await writeFile(join(diffusionDir, 'views/cameras.json'), JSON.stringify({ views }));
    for (let v = 0; v < 16; v++) await writeFile(join(diffusionDir, viewPath(v)), bytes(`view ${v}`));
  });

  it('refuses a projection job, a view out of range and a running job', async () => {
    const diffusion = await readJobRecord(diffusionDir);
    assert.equal(
      await refusal(refuseViewCandidate(projectionDir, await readJobRecord(projectionDir), 5)),
      'no-views',
    );
    assert.equal(await refusal(refuseViewCandidate(diffusionDir, diffusion, 16)), 'view-out-of-range');
    assert.equal(await refusal(refuseViewCandidate(diffusionDir, diffusion, -1)), 'view-out-of-range');
    await refuseViewCandidate(diffusionDir, diffusion, 15);
    const running = await updateJobRecord(diffusionDir, (r) => ({ ...r, state: 'running' }));
    assert.equal(await refusal(refuseViewCandidate(diffusionDir, running, 5)), 'job-running');
    await updateJobRecord(diffusionDir, (r) => ({ ...r, state: 'done' }));
  });

  it('refuses to keep or discard a candidate that is not there', async () => {
    assert.equal(await refusal(keepViewCandidate(diffusionDir, 5, 7)), 'no-candidate');
    assert.equal(await refusal(discardViewCandidate(diffusionDir, 5, 7)), 'no-candidate');
    assert.deepEqual(await readFile(join(diffusionDir, viewPath(5))), bytes('view 5'));
    assert.ok(!existsSync(join(diffusionDir, previousViewPath(5))));
  });

  it('discard deletes the candidate only', async () => {
    await writeFile(join(diffusionDir, candidatePath(5, 11)), bytes('seed 11'));
    await discardViewCandidate(diffusionDir, 5, 11);
    assert.ok(!existsSync(join(diffusionDir, candidatePath(5, 11))));
    assert.deepEqual(await readFile(join(diffusionDir, viewPath(5))), bytes('view 5'));
  });

  it('keep swaps the candidate in and keeps the old view as NN-previous.png', async () => {
    assert.equal(candidatePath(5, 12), 'views/candidates/05-seed12.png');
    await writeFile(join(diffusionDir, candidatePath(5, 12)), bytes('seed 12'));
    await keepViewCandidate(diffusionDir, 5, 12);
    assert.deepEqual(await readFile(join(diffusionDir, viewPath(5))), bytes('seed 12'));
    assert.deepEqual(await readFile(join(diffusionDir, previousViewPath(5))), bytes('view 5'));
    assert.ok(!existsSync(join(diffusionDir, candidatePath(5, 12))), 'the candidate moved, not copied');
    assert.deepEqual(
      await readFile(join(diffusionDir, viewPath(4))),
      bytes('view 4'),
      'other views untouched',
    );
  });
});
