/** Which diffusion pack a job gets: a folder, an id, else the first one — the user's before the shipped default. */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { findDiffusionPack } from '../../src-main/engine/generate/multiview-diffusion/diffusion-pack';
import { DIFFUSION_ROLE } from '../../src-main/engine/packs/pack-manifest';
import { listPacks } from '../../src-main/engine/pipeline/list-packs';
import { StageError } from '../../src-main/engine/stage-error';
import { scratchDir } from '../support/scratch-dir';

async function packFolder(root: string, name: string, id: string): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir, { recursive: true });
  const manifest = {
    format: 1,
    id,
    kind: 'generate',
    role: DIFFUSION_ROLE,
    version: '1',
    license: 'x',
    files: [],
  };
  await writeFile(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

test('the shipped pack is found when the user has none; a user pack wins; ids look in both', async () => {
  const root = await scratchDir('find-pack');
  const user = path.join(root, 'user');
  const shipped = path.join(root, 'shipped');
  await mkdir(user, { recursive: true });
  const embedded = await packFolder(shipped, 'gen3dface-default', 'gen3dface-default');
  assert.equal(await findDiffusionPack(user, undefined, shipped), embedded);
  assert.equal(await findDiffusionPack(user, 'gen3dface-default', shipped), embedded);
  const mine = await packFolder(user, 'my-pack', 'my-pack');
  assert.equal(await findDiffusionPack(user, undefined, shipped), mine);
  assert.equal(await findDiffusionPack(user, 'gen3dface-default', shipped), embedded);
  await assert.rejects(findDiffusionPack(user, 'nope', shipped), (e: unknown) => {
    assert.ok(e instanceof StageError);
    assert.equal(e.code, 'pack-not-installed');
    return true;
  });
  // without the shipped folder, as before: only the user's
  await assert.rejects(findDiffusionPack(path.join(root, 'none'), undefined), StageError);

  const listed = await listPacks(user, shipped);
  const ids = listed.map((p) => `${p.id}:${p.builtIn}`);
  assert.ok(ids.includes('gen3dface-default:true') && ids.includes('my-pack:false'), ids.join(' '));
});
