/**
 * Broken meshes and failing disks give a clear StageError and leave no file under a final name (and
 * no temporary either). The disk failures are real: /dev/null/x (not a folder), a read-only tmpfs, a
 * 64 KiB tmpfs and one just big enough for the GLB but not the rest (tests run as root; without mount
 * rights those cases are skipped, saying why).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { EXPORT_PRESETS, exportHead, validateMeshForExport } from '../../src-main/engine/export';
import type { TexturedMesh } from '../../src-main/engine/geometry/textured-mesh';
import { StageError } from '../../src-main/engine/stage-error';
import type { ExportSettings } from '../../src-main/shared/protocol';
import { makeHeadFixture } from '../fixtures/head-fixture';
import { removeTempDirs, tempDir } from './support';

let head: TexturedMesh;
const mounts: string[] = [];
const settings: ExportSettings = { ...EXPORT_PRESETS.blender, textureSize: 512, zip: true };

before(async () => {
  head = await makeHeadFixture({ textureSide: 512 });
});
after(async () => {
  for (const dir of mounts) execFileSync('umount', [dir]);
  await removeTempDirs();
});

function rejectsWith(code: string) {
  return (err: unknown) => {
    assert.ok(err instanceof StageError, `a StageError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.ok(err.message.length > 10 && err.hint, 'message and hint for the user');
    return true;
  };
}

/** A tmpfs of `size` at a fresh folder, or null when this process may not mount. */
async function tmpfs(size: string, readOnly = false): Promise<string | null> {
  const dir = await tempDir('tmpfs');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `${readOnly ? 'ro,' : ''}size=${size}`, 'tmpfs', dir], {
      stdio: 'pipe',
    });
  } catch {
    return null;
  }
  mounts.push(dir);
  return dir;
}

async function assertNothingWritten(dir: string) {
  const left = await readdir(dir).catch(() => []);
  assert.deepEqual(left, [], `nothing left in ${dir}`);
}

const broken: [string, (m: TexturedMesh) => TexturedMesh][] = [
  ['a NaN position', (m) => ({ ...m, positions: m.positions.map((v, i) => (i === 100 ? NaN : v)) })],
  ['an infinite UV', (m) => ({ ...m, uvs: m.uvs.map((v, i) => (i === 7 ? Infinity : v)) })],
  ['no UVs', (m) => ({ ...m, uvs: new Float32Array(0) })],
  ['too few UVs', (m) => ({ ...m, uvs: m.uvs.subarray(0, m.uvs.length - 2) })],
  ['an index out of range', (m) => ({ ...m, indices: m.indices.map((v, i) => (i === 5 ? 1e6 : v)) })],
  ['no triangles', (m) => ({ ...m, indices: new Uint32Array(0) })],
  ['only degenerate triangles', (m) => ({ ...m, indices: new Uint32Array([0, 0, 1, 2, 2, 2]) })],
  [
    'a JPEG instead of a PNG texture',
    (m) => ({ ...m, texturePng: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0]) }),
  ],
];

for (const [what, breakIt] of broken) {
  test(`a mesh with ${what} → invalid-mesh, nothing written`, async () => {
    const mesh = breakIt(head);
    assert.throws(() => validateMeshForExport(mesh), rejectsWith('invalid-mesh'));
    const dir = path.join(await tempDir('bad'), 'export');
    await assert.rejects(
      exportHead({ mesh, photoName: 'a.png' }, dir, settings),
      rejectsWith('invalid-mesh'),
    );
    await assert.rejects(stat(dir), 'the folder is not even created');
  });
}

test('a broken prior is refused too when the prior is asked for', async () => {
  const dir = await tempDir('bad-prior');
  const prior = { ...head, uvs: new Float32Array(0) };
  await assert.rejects(
    exportHead({ mesh: head, prior, photoName: 'a.png' }, dir, { ...settings, includePrior: true }),
    rejectsWith('invalid-mesh'),
  );
  await assertNothingWritten(dir);
});

test('a few degenerate triangles are dropped, not refused', async () => {
  const indices = new Uint32Array([...head.indices, 0, 0, 1, 5, 5, 5]);
  assert.deepEqual(validateMeshForExport({ ...head, indices }), { degenerateTriangles: 2 });
  const { summary } = await exportHead(
    { mesh: { ...head, indices }, photoName: 'a.png' },
    await tempDir('degenerate'),
    settings,
  );
  assert.equal(summary.triangles, head.indices.length / 3);
});

test('outDir under a file (/dev/null/x) → export-unwritable', async () => {
  await assert.rejects(
    exportHead({ mesh: head, photoName: 'a.png' }, '/dev/null/x', settings),
    rejectsWith('export-unwritable'),
  );
});

test('read-only file system → export-unwritable, nothing written', async (t) => {
  const dir = await tmpfs('1m', true);
  if (!dir) return t.skip('cannot mount a tmpfs here (not root?)');
  await assert.rejects(
    exportHead({ mesh: head, photoName: 'a.png' }, dir, settings),
    rejectsWith('export-unwritable'),
  );
  await assertNothingWritten(dir);
});

test('disk full (64 KiB tmpfs) → export-disk-full, no partial file', async (t) => {
  const dir = await tmpfs('64k');
  if (!dir) return t.skip('cannot mount a tmpfs here (not root?)');
  await assert.rejects(
    exportHead({ mesh: head, photoName: 'a.png' }, dir, settings),
    rejectsWith('export-disk-full'),
  );
  await assertNothingWritten(dir);
});

test('disk full after the GLB fits → no GLB under its final name either, an older export kept intact', async (t) => {
  // Measure the GLB, then give the tmpfs room for it and the older file but not for the OBJ set.
  const probe = await exportHead({ mesh: head, photoName: 'a.png' }, await tempDir('probe'), {
    ...settings,
    formats: ['glb'],
  });
  const glbBytes = (await stat(probe.files[0]!.path)).size;
  const dir = await tmpfs(`${Math.ceil((glbBytes + 150_000) / 4096) * 4}k`);
  if (!dir) return t.skip('cannot mount a tmpfs here (not root?)');
  // The GLB alone does fit: the full export below fails after staging it.
  await exportHead({ mesh: head, photoName: 'a.png' }, dir, { ...settings, formats: ['glb'] });
  await rm(path.join(dir, 'a.glb'));
  await writeFile(path.join(dir, 'a.obj'), 'older export\n');
  await assert.rejects(
    exportHead({ mesh: head, photoName: 'a.png' }, dir, settings),
    rejectsWith('export-disk-full'),
  );
  assert.deepEqual(await readdir(dir), ['a.obj'], 'only the older file, no a.glb, no temporaries');
  assert.equal(await readFile(path.join(dir, 'a.obj'), 'utf8'), 'older export\n');
});

test('cancelled → CancelledError, nothing written', async () => {
  const dir = await tempDir('cancel');
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(exportHead({ mesh: head, photoName: 'a.png' }, dir, settings, controller.signal), {
    name: 'CancelledError',
  });
  await assertNothingWritten(dir);
});
