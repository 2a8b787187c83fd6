/**
 * The studio's "Export…" on the host side (host/export-to-folder.ts): which of the export stage's files
 * go to the user's folder, the copy (atomic, never replacing a file unless asked), the refusal of a
 * folder not chosen through the dialog, and real disk failures (a read-only and a full tmpfs; as root,
 * as the tests run here, else skipped saying why).
 *
 * Run: node --import tsx --test tests/host/export-to-folder.test.ts
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  ChosenFolders,
  copyIntoFolder,
  exportedFiles,
  exportJobToFolder,
  exportStillThere,
  type ExportBackend,
} from '../../src-main/host/export-to-folder';
import { ExportSettings, JobRecord, type Artifact } from '../../src-main/shared/protocol';

let root: string;
let sources: { source: string; name: string }[];
const mounts: string[] = [];

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'gen3d-export-to-folder-'));
  await mkdir(join(root, 'job', 'export', 'head_views'), { recursive: true });
  sources = [];
  for (const [name, body] of [
    ['head.glb', 'glb bytes'],
    ['head.obj', 'v 0 0 0\n'],
    ['head_views/00.png', 'png bytes'],
  ] as const) {
    await writeFile(join(root, 'job', 'export', name), body);
    sources.push({ source: join(root, 'job', 'export', name), name });
  }
});
after(async () => {
  for (const dir of mounts) execFileSync('umount', [dir]);
  await rm(root, { recursive: true, force: true });
});

async function freshFolder(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  return dir;
}

/** A tmpfs of `size` at a fresh folder, or null when this process may not mount. */
async function tmpfs(name: string, size: string, readOnly = false): Promise<string | null> {
  const dir = await freshFolder(name);
  try {
    const options = `${readOnly ? 'ro,' : ''}size=${size}`;
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  } catch {
    return null;
  }
  mounts.push(dir);
  return dir;
}

function jobWith(artifacts: Artifact[], settings: Partial<ExportSettings>): JobRecord {
  return JobRecord.parse({
    id: 'job1',
    protocolVersion: 1,
    state: 'done',
    sourceName: 'astronaut.png',
    createdAt: '',
    updatedAt: '',
    settings: { export: ExportSettings.parse(settings) },
    stages: { export: { state: 'done', artifacts } },
  });
}

test("the export stage's files go to the folder, its preview and report do not; a zip stands for the OBJ set", () => {
  const artifacts: Artifact[] = [
    { kind: 'export-glb', path: 'export/a.glb' },
    { kind: 'export-obj', path: 'export/a.obj' },
    { kind: 'export-mtl', path: 'export/a.mtl' },
    { kind: 'export-texture', path: 'export/a.png' },
    { kind: 'export-zip', path: 'export/a.zip' },
    { kind: 'export-view', path: 'export/a_views/00.png' },
    { kind: 'preview', path: 'export/preview.png' },
    { kind: 'report', path: 'export/report.json' },
  ];
  const loose = exportedFiles(jobWith(artifacts, { formats: ['glb', 'obj'] })).map((f) => f.name);
  assert.deepEqual(loose, ['a.glb', 'a.obj', 'a.mtl', 'a.png', 'a.zip', 'a_views/00.png']);
  const zipped = exportedFiles(jobWith(artifacts, { formats: ['glb', 'obj'], zip: true })).map((f) => f.name);
  assert.deepEqual(zipped, ['a.glb', 'a.zip', 'a_views/00.png']);
});

test('copies every file (subfolder included) and leaves no temporary', async () => {
  const dir = await freshFolder('copy');
  const result = await copyIntoFolder(sources, dir, false);
  assert.equal(result.state, 'written');
  assert.deepEqual(result.state === 'written' && result.written, [
    join(dir, 'head.glb'),
    join(dir, 'head.obj'),
    join(dir, 'head_views', '00.png'),
  ]);
  assert.equal(await readFile(join(dir, 'head.glb'), 'utf8'), 'glb bytes');
  assert.equal(await readFile(join(dir, 'head_views', '00.png'), 'utf8'), 'png bytes');
  assert.deepEqual((await readdir(dir)).sort(), ['head.glb', 'head.obj', 'head_views']);
});

test('refuses to replace existing files unless asked, and then replaces them', async () => {
  const dir = await freshFolder('overwrite');
  await writeFile(join(dir, 'head.obj'), 'older');
  const refused = await copyIntoFolder(sources, dir, false);
  assert.deepEqual(refused, { state: 'exists', existing: [join(dir, 'head.obj')] });
  assert.deepEqual(await readdir(dir), ['head.obj'], 'nothing written when refused');
  assert.equal(await readFile(join(dir, 'head.obj'), 'utf8'), 'older');
  const replaced = await copyIntoFolder(sources, dir, true);
  assert.equal(replaced.state, 'written');
  assert.equal(await readFile(join(dir, 'head.obj'), 'utf8'), 'v 0 0 0\n');
});

test('refuses a folder not chosen through the dialog, before the backend is touched', async () => {
  const chosen = await freshFolder('chosen');
  const other = await freshFolder('other');
  const folders = new ChosenFolders();
  folders.add(chosen);
  const touched: string[] = [];
  const backend: ExportBackend = {
    getJob: async () => (touched.push('getJob'), jobWith([], {})),
    rerunStage: async () => (touched.push('rerunStage'), jobWith([], {})),
    artifactPath: (_id, path) => path,
    on: () => touched.push('on'),
    off: () => touched.push('off'),
  };
  const request = { jobId: 'job1', settings: ExportSettings.parse({}), overwrite: false };
  for (const destination of [other, `${chosen}/../other`, join(chosen, 'sub'), '/tmp'])
    await assert.rejects(exportJobToFolder(backend, folders, { ...request, destination }), /was not chosen/);
  assert.deepEqual(touched, []);
  assert.equal(folders.confirm(`${chosen}/.`), chosen, 'the same folder, spelt otherwise');
  assert.equal(folders.holds(join(chosen, 'a.glb')), true);
  assert.equal(folders.holds(join(other, 'a.glb')), false);
});

test('a missing folder and a file instead of a folder are refused with a clear message', async () => {
  await assert.rejects(copyIntoFolder(sources, join(root, 'gone'), false), /does not exist any more/);
  await assert.rejects(copyIntoFolder(sources, sources[0]!.source, false), /is not a folder/);
});

test('a read-only file system: a clear error, nothing written', async (t) => {
  const dir = await tmpfs('readonly', '1m', true);
  if (!dir) return t.skip('cannot mount a tmpfs here (not root?)');
  await assert.rejects(copyIntoFolder(sources, dir, false), /Cannot write to .*EROFS/);
  assert.deepEqual(await readdir(dir), []);
});

test('a full disk part-way: a clear error, no file under its final name, no temporary', async (t) => {
  const dir = await tmpfs('full', '64k');
  if (!dir) return t.skip('cannot mount a tmpfs here (not root?)');
  const big = join(root, 'job', 'export', 'big.png');
  await writeFile(big, Buffer.alloc(200_000, 7));
  const files = [...sources, { source: big, name: 'big.png' }];
  await assert.rejects(copyIntoFolder(files, dir, false), /Not enough space .*ENOSPC/);
  assert.deepEqual(await readdir(dir), [], 'nothing under a final name, no temporary, no folder');
});

test('the last export is reused only with the same settings and while all its files are there', async () => {
  const artifacts: Artifact[] = [
    { kind: 'export-glb', path: 'export/head.glb' },
    { kind: 'export-obj', path: 'export/head.obj' },
  ];
  const backend = { artifactPath: (_id: string, path: string) => join(root, 'job', path) };
  const settings = ExportSettings.parse({ formats: ['glb', 'obj'] });
  const job = jobWith(artifacts, settings);
  assert.equal(await exportStillThere(backend, job, settings), true, 'same settings, files there');
  const other = ExportSettings.parse({ formats: ['glb', 'obj'], textureSize: 2048 });
  assert.equal(await exportStillThere(backend, job, other), false, 'other settings');
  const notDone = JobRecord.parse({ ...job, stages: { export: { state: 'failed', artifacts } } });
  assert.equal(await exportStillThere(backend, notDone, settings), false, 'the stage did not finish');
  const gone = jobWith([...artifacts, { kind: 'export-texture', path: 'export/head.png' }], settings);
  assert.equal(await exportStillThere(backend, gone, settings), false, 'a file of it was deleted');
});
