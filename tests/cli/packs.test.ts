/** `gen3dface packs list|install|remove` on a temp packs folder, through the real engine. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PackInfo } from '../../src-main/shared/protocol';
import { writeTinyPack, zipFolder } from '../support/tiny-pack';

const CLI = join(process.cwd(), 'bin/gen3dface.mjs');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'packs', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('packs install (folder, zip with --replace), list, remove; refusals exit 1 and change nothing', async () => {
  const root = await mkdtemp(join(tmpdir(), 'cli-packs-'));
  try {
    const packs = join(root, 'packs');
    const source = await writeTinyPack(join(root, 'source'));
    const installed = cli(['install', source, '--packs', packs, '--json']);
    assert.equal(installed.status, 0, installed.stderr);
    const pack = JSON.parse(installed.stdout) as PackInfo;
    assert.equal(pack.id, 'tiny-test-pack');
    assert.equal(pack.sha256Verified, true);

    const again = cli(['install', source, '--packs', packs]);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /A pack "tiny-test-pack" is installed already/);
    const zip = await zipFolder(source, join(root, 'pack.zip'));
    const replaced = cli(['install', zip, '--replace', '--packs', packs]);
    assert.equal(replaced.status, 0, replaced.stderr);
    assert.deepEqual(await readdir(packs), ['tiny-test-pack']);

    const listed = cli(['list', '--packs', packs, '--json']);
    assert.equal(listed.status, 0, listed.stderr);
    const mine = (JSON.parse(listed.stdout) as PackInfo[]).find((p) => p.id === 'tiny-test-pack');
    assert.equal(mine?.sha256Verified, true);
    assert.equal(mine?.sizeBytes, 272);
    const text = cli(['list', '--packs', packs]);
    console.log(`# packs list:\n${text.stdout.replace(/^/gm, '#   ')}`);
    assert.match(text.stdout, /tiny-test-pack {2}estimate 1\.0 0\.0 MB {2}installed {2}sha256 verified/);

    const builtIn = cli(['remove', 'builtin-head-model', '--packs', packs]);
    assert.equal(builtIn.status, 1);
    assert.match(builtIn.stderr, /ships with the studio and cannot be removed/);
    const removed = cli(['remove', 'tiny-test-pack', '--packs', packs]);
    assert.equal(removed.status, 0, removed.stderr);
    assert.deepEqual(await readdir(packs), []);
    assert.equal(cli(['frobnicate', '--packs', packs]).status, 2);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
