/**
 * Installing and removing model packs (engine/packs/install-pack.ts, remove-pack.ts) on real folders
 * and zips: verified then renamed into place, or nothing changes and no temp folder is left.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildZip } from '../../src-main/engine/export/zip';
import { installPack, STALE_LEFTOVER_MS } from '../../src-main/engine/packs/install-pack';
import { removePack } from '../../src-main/engine/packs/remove-pack';
import { withVerification } from '../../src-main/engine/packs/verified-packs';
import { listPacks } from '../../src-main/engine/pipeline/list-packs';
import { StageError } from '../../src-main/engine/stage-error';
import { folderEntries, markFirstEntryAsSymlink, writeTinyPack, zipFolder } from '../support/tiny-pack';

const BUILT_IN = new Set(['builtin-head-model']);

describe('installing and removing model packs', () => {
  let root: string;
  let source: string;
  let packsDir: string;
  let n = 0;

  before(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'install-pack-'));
    source = await writeTinyPack(path.join(root, 'source'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const freshPacksDir = async (): Promise<string> => {
    packsDir = path.join(root, `packs-${n++}`);
    await mkdir(packsDir);
    return packsDir;
  };
  const install = (src: string, extra: Partial<Parameters<typeof installPack>[0]> = {}) =>
    installPack({ packsDir, source: src, builtInIds: BUILT_IN, ...extra });
  /** The refusal's code, after checking the packs folder is left empty (no pack, no temp folder). */
  const refusedCode = async (attempt: Promise<unknown>): Promise<string> => {
    const error = await attempt.then(
      () => assert.fail('the install was not refused'),
      (e: unknown) => e,
    );
    assert.ok(error instanceof StageError, String(error));
    assert.deepEqual(await readdir(packsDir), [], 'nothing is left in the packs folder');
    return error.code;
  };

  it('installs a folder: verified, renamed into <packs>/<id>, no temp folder left', async () => {
    await freshPacksDir();
    const pack = await install(source);
    assert.equal(pack.id, 'tiny-test-pack');
    assert.equal(pack.ok, true);
    assert.equal(pack.sha256Verified, true);
    assert.equal(pack.sizeBytes, 256 + 16);
    assert.equal(pack.dir, path.join(packsDir, 'tiny-test-pack'));
    assert.deepEqual(await readdir(packsDir), ['tiny-test-pack']);
    assert.deepEqual(
      await readFile(path.join(packsDir, 'tiny-test-pack/data/table.bin')),
      await readFile(path.join(source, 'data/table.bin')),
    );
    const listed = await withVerification(await listPacks(packsDir));
    const mine = listed.find((p) => p.id === 'tiny-test-pack');
    assert.equal(mine?.sha256Verified, true);
    assert.equal(mine?.builtIn, false);
  });

  it('clears what a killed install or removal left a day ago, not one that may be running', async () => {
    await freshPacksDir();
    for (const name of ['.installing-old', '.removing-old', '.installing-new']) {
      await mkdir(path.join(packsDir, name, 'content'), { recursive: true });
    }
    const dayAgo = (Date.now() - STALE_LEFTOVER_MS - 60_000) / 1000;
    await utimes(path.join(packsDir, '.installing-old'), dayAgo, dayAgo);
    await utimes(path.join(packsDir, '.removing-old'), dayAgo, dayAgo);
    await install(source);
    assert.deepEqual((await readdir(packsDir)).sort(), ['.installing-new', 'tiny-test-pack']);
  });

  it('installs a zip with the files at the top, and one holding the pack folder', async () => {
    await freshPacksDir();
    const flat = await zipFolder(source, path.join(root, 'flat.zip'));
    assert.equal((await install(flat)).sha256Verified, true);
    await removePack(packsDir, 'tiny-test-pack', BUILT_IN);
    const nested = await zipFolder(source, path.join(root, 'nested.zip'), 'tiny-test-pack/');
    const pack = await install(nested);
    assert.equal(pack.sizeBytes, 272);
    assert.deepEqual(await readdir(packsDir), ['tiny-test-pack']);
    assert.deepEqual((await readdir(path.join(packsDir, 'tiny-test-pack'))).sort(), [
      'data',
      'manifest.json',
      'weights.bin',
    ]);
  });

  it('refuses a pack with a wrong sha256: nothing installed, no temp folder left', async () => {
    await freshPacksDir();
    const bad = await writeTinyPack(path.join(root, 'bad'));
    const bytes = await readFile(path.join(bad, 'weights.bin'));
    bytes[10] = bytes[10]! ^ 0xff; // same size: only the hash can tell
    await writeFile(path.join(bad, 'weights.bin'), bytes);
    const error = await install(bad).catch((e: Error) => e);
    assert.match(String(error), /weights\.bin: the file is corrupt: its sha256 does not match/);
    assert.ok(String(error).includes(bad), 'the error names the chosen folder, not the temp one');
    assert.equal(await refusedCode(install(bad)), 'pack-corrupt');
    const zipped = await zipFolder(bad, path.join(root, 'bad.zip'));
    assert.equal(await refusedCode(install(zipped)), 'pack-corrupt');
  });

  it('refuses zips with entries that climb out, links, odd names, or over the caps', async () => {
    await freshPacksDir();
    const entries = await folderEntries(source);
    const zipOf = async (name: string, list: { name: string; data: Buffer }[]): Promise<string> => {
      const file = path.join(root, name);
      await writeFile(file, buildZip(list));
      return file;
    };
    const escape = await zipOf('escape.zip', [
      ...entries,
      { name: '../escaped.txt', data: Buffer.from('x') },
    ]);
    assert.equal(await refusedCode(install(escape)), 'pack-source-unsafe');
    assert.equal(existsSync(path.join(root, 'escaped.txt')), false, 'nothing was written outside');
    const absolute = await zipOf('absolute.zip', [{ name: '/tmp/abs.txt', data: Buffer.from('x') }]);
    assert.equal(await refusedCode(install(absolute)), 'pack-source-unsafe');
    const odd = await zipOf('odd.zip', [...entries, { name: 'a\u0007b.bin', data: Buffer.from('x') }]);
    assert.equal(await refusedCode(install(odd)), 'pack-source-unsafe');
    const link = path.join(root, 'link.zip');
    await writeFile(link, markFirstEntryAsSymlink(buildZip(entries)));
    assert.equal(await refusedCode(install(link)), 'pack-source-unsafe');
    const zip = await zipFolder(source, path.join(root, 'ok.zip'));
    assert.equal(
      await refusedCode(install(zip, { limits: { maxEntries: 2, maxTotalBytes: 1e9 } })),
      'pack-source-unsafe',
    );
    assert.equal(
      await refusedCode(install(zip, { limits: { maxEntries: 100, maxTotalBytes: 200 } })),
      'pack-source-unsafe',
    );
    const notZip = await zipOf('not.zip', []);
    await writeFile(notZip, 'not a zip at all');
    assert.equal(await refusedCode(install(notZip)), 'pack-source-unreadable');
  });

  it('refuses a folder holding a link', async () => {
    await freshPacksDir();
    const linked = await writeTinyPack(path.join(root, 'linked'));
    await rm(path.join(linked, 'weights.bin'));
    await symlink(path.join(source, 'weights.bin'), path.join(linked, 'weights.bin'));
    assert.equal(await refusedCode(install(linked)), 'pack-source-unsafe');
  });

  it('refuses an installed id unless replace, and a built-in id', async () => {
    await freshPacksDir();
    await install(source);
    const again = await install(source).catch((e: StageError) => e);
    assert.equal((again as StageError).code, 'pack-exists');
    assert.deepEqual(await readdir(packsDir), ['tiny-test-pack'], 'the installed pack is kept, no temp left');
    const replaced = await install(source, { replace: true });
    assert.equal(replaced.sha256Verified, true);
    assert.deepEqual(await readdir(packsDir), ['tiny-test-pack'], 'the old one is deleted after');
    await removePack(packsDir, 'tiny-test-pack', BUILT_IN);
    const builtIn = await writeTinyPack(path.join(root, 'builtin'), 'builtin-head-model');
    assert.equal(await refusedCode(install(builtIn)), 'pack-exists');
  });

  it('removes a user pack from disk; refuses a built-in one and an unknown id', async () => {
    await freshPacksDir();
    await install(source);
    const removed = await removePack(packsDir, 'tiny-test-pack', BUILT_IN);
    assert.equal(removed.id, 'tiny-test-pack');
    assert.deepEqual(await readdir(packsDir), []);
    const builtIn = await removePack(packsDir, 'builtin-head-model', BUILT_IN).catch((e: StageError) => e);
    assert.equal((builtIn as StageError).code, 'pack-built-in');
    const unknown = await removePack(packsDir, 'nope', BUILT_IN).catch((e: StageError) => e);
    assert.equal((unknown as StageError).code, 'pack-not-found');
  });

  it('lists a pack whose file changed after it was verified as not verified', async () => {
    await freshPacksDir();
    const pack = await install(source);
    const file = path.join(pack.dir!, 'weights.bin');
    const bytes = await readFile(file);
    bytes[0] = bytes[0]! ^ 1;
    await writeFile(file, bytes);
    const listed = (await withVerification(await listPacks(packsDir))).find((p) => p.id === pack.id);
    assert.equal(listed?.ok, false);
    assert.equal(listed?.sha256Verified, false);
    assert.match(listed?.problem ?? '', /sha256 does not match/);
  });
});
