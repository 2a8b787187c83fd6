import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, truncate, unlink, writeFile, open } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createEstimator } from '../../src-main/engine/estimate/create-estimator';
import { PackError } from '../../src-main/engine/packs/pack-error';
import { createPackSession } from '../../src-main/engine/packs/pack-session';
import { verifyPack } from '../../src-main/engine/packs/verify-pack';
import { StageError } from '../../src-main/engine/stage-error';
import { estimatorFixtures } from '../adapters/support/estimator-fixtures';

// the same cached fixtures as tests/adapters (a small FLAME pack, a full-size DECA pack)
const fixtures = { deca: estimatorFixtures(['deca']), flame: estimatorFixtures(['flame']) };
const scratch = mkdtemp(path.join(os.tmpdir(), 'packs-'));
after(async () => rm(await scratch, { recursive: true, force: true }));

let copies = 0;
/** A private copy of a fixture pack, as `<tmp>/<n>/<name>` (so it can also serve as a packs folder). */
async function copyPack(name: 'deca' | 'flame'): Promise<{ packsDir: string; dir: string }> {
  const packsDir = path.join(await scratch, String(copies++));
  const dir = path.join(packsDir, name);
  await cp(path.join((await fixtures[name]).packsDir, name), dir, { recursive: true });
  return { packsDir, dir };
}

async function editManifest(dir: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(m);
  await writeFile(file, JSON.stringify(m));
}

/** Asserts a PackError of `code` that names `file` in its message and its `file` field. */
async function rejectsWith(p: Promise<unknown>, code: string, file: string): Promise<PackError> {
  const err = await p.then(
    () => assert.fail(`expected ${code} for ${file}`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof PackError, `a PackError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.equal(err.file, file);
  assert.ok(err.message.includes(file), err.message);
  assert.ok(err instanceof StageError && err.hint, 'a user-facing hint');
  return err;
}

test('a converted pack verifies: every file with its size and sha256', async () => {
  const { dir } = await copyPack('flame');
  const pack = await verifyPack(dir);
  assert.equal(pack.manifest.kind, 'estimate');
  assert.equal(pack.manifest.role, 'flame-model');
  assert.deepEqual(pack.manifest.arrays['flame.shapedirs']?.shape, [5023, 3, 400]);
  assert.deepEqual(pack.manifest.arrays['flame.J_regressor']?.shape, [5, 5023]);
  assert.deepEqual(pack.manifest.arrays['flame.faces']?.shape, [9976, 3]);
  assert.equal(pack.file('flame/v_template.bin').length, 5023 * 3 * 4);
});

test('missing, truncated and corrupt files are named', async () => {
  const a = await copyPack('flame');
  await unlink(path.join(a.dir, 'flame', 'weights.bin'));
  await rejectsWith(verifyPack(a.dir), 'pack-missing-file', 'flame/weights.bin');

  const b = await copyPack('flame');
  await truncate(path.join(b.dir, 'flame', 'posedirs.bin'), 1000);
  const err = await rejectsWith(verifyPack(b.dir), 'pack-corrupt', 'flame/posedirs.bin');
  assert.match(err.message, /truncated/);

  const c = await copyPack('flame');
  await flipByte(path.join(c.dir, 'flame', 'shapedirs.bin'), 12345);
  await rejectsWith(verifyPack(c.dir), 'pack-corrupt', 'flame/shapedirs.bin');
});

test('a broken or foreign manifest is refused', async () => {
  const a = await copyPack('flame');
  await unlink(path.join(a.dir, 'manifest.json'));
  await rejectsWith(verifyPack(a.dir), 'pack-missing-file', 'manifest.json');

  const b = await copyPack('flame');
  await writeFile(path.join(b.dir, 'manifest.json'), '{"id": "flame", ');
  await rejectsWith(verifyPack(b.dir), 'pack-corrupt', 'manifest.json');

  const c = await copyPack('flame');
  await editManifest(
    c.dir,
    (m) => (m.files = [{ path: '../outside.bin', bytes: 1, sha256: '0'.repeat(64) }]),
  );
  await rejectsWith(verifyPack(c.dir), 'pack-mismatch', 'manifest.json');

  const d = await copyPack('flame');
  await editManifest(
    d.dir,
    (m) => ((m.arrays as Record<string, { shape: number[] }>)['flame.v_template']!.shape = [5023, 4]),
  );
  await rejectsWith(verifyPack(d.dir), 'pack-mismatch', 'flame/v_template.bin');
});

test('DECA pack with one flipped byte in the .onnx: pack-corrupt naming it, nothing loaded', async () => {
  const { packsDir, dir } = await copyPack('deca');
  await flipByte(path.join(dir, 'deca_coarse.onnx'), 5_000_000);
  await rejectsWith(createEstimator('deca', packsDir), 'pack-corrupt', 'deca_coarse.onnx');
});

test('DECA pack whose manifest claims a wrong output shape: pack-mismatch naming the .onnx', async () => {
  const { packsDir, dir } = await copyPack('deca');
  await editManifest(dir, (m) => {
    const net = (m.networks as Record<string, { outputs: { shape: number[] }[] }>).estimator!;
    net.outputs[0]!.shape = [1, 200];
  });
  // the adapter knows DECA's official shape …
  const err = await rejectsWith(createEstimator('deca', packsDir), 'pack-mismatch', 'deca_coarse.onnx');
  assert.match(err.message, /parameters\[1×200\]/);
  // … and the session check compares the manifest with the network itself
  await rejectsWith(
    createPackSession(await verifyPack(dir), 'estimator'),
    'pack-mismatch',
    'deca_coarse.onnx',
  );
});

test('no pack, or a pack of another estimator, is a clear error', async () => {
  const empty = path.join(await scratch, 'empty');
  const err = await createEstimator('ringnet', empty).then(
    () => assert.fail('expected pack-not-installed'),
    (e: unknown) => e as StageError,
  );
  assert.equal(err.code, 'pack-not-installed');
  assert.match(err.hint ?? '', /convert_ringnet\.py/);

  const { packsDir } = await copyPack('deca');
  await cp(path.join(packsDir, 'deca'), path.join(packsDir, 'mica'), { recursive: true });
  await rejectsWith(createEstimator('mica', packsDir), 'pack-mismatch', 'manifest.json');
});

async function flipByte(file: string, offset: number): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    const buf = Buffer.alloc(1);
    await fh.read(buf, 0, 1, offset);
    buf[0] = buf[0]! ^ 0xff;
    await fh.write(buf, 0, 1, offset);
  } finally {
    await fh.close();
  }
}
