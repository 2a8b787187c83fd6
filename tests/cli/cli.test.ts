import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { readJobRecord } from '../../src-main/shared/job-folder';
import { EngineEvent, JOB_PATHS } from '../../src-main/shared/protocol';
import { NO_FACE, SAMPLE, writeBadPhotos } from '../support/bad-photos';
import { readGlbMesh, validateGlb } from '../support/glb';

const CLI = join(process.cwd(), 'bin/gen3dface.mjs');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('generate on a real photo writes a valid, head-sized GLB textured from the photo, plus OBJ+MTL+PNG', async () => {
  const out = await mkdtemp(join(tmpdir(), 'cli-out-'));
  const run = cli(['generate', SAMPLE, '--out', out, '--json']);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
  const engineEvents = events.filter((e) => e.type !== 'info');
  for (const e of engineEvents) assert.ok(EngineEvent.safeParse(e).success, `not a protocol event: ${JSON.stringify(e)}`);
  assert.ok(events.some((e) => e.type === 'jobDone'));

  const files = (await readdir(out)).sort();
  for (const f of ['astronaut.glb', 'astronaut.obj', 'astronaut.mtl', 'report.json']) assert.ok(files.includes(f), files.join());
  const glb = await readFile(join(out, 'astronaut.glb'));
  const report = await validateGlb(glb);
  assert.equal(report.issues.numErrors, 0, JSON.stringify(report.issues.messages.slice(0, 5)));

  const mesh = await readGlbMesh(glb);
  const size = [0, 1, 2].map((a) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < mesh.positions.length; i += 3) {
      lo = Math.min(lo, mesh.positions[i]!);
      hi = Math.max(hi, mesh.positions[i]!);
    }
    return hi - lo;
  });
  const largest = Math.max(...size);
  assert.ok(largest >= 0.1 && largest <= 0.4, `head size ${size.map((s) => s.toFixed(3))} m`);

  // The texture is the photo's: the colour at each vertex's UV matches the photo at its landmark.
  const jobs = join(out, '.jobs');
  const [jobId] = await readdir(jobs);
  const landmarks = JSON.parse(await readFile(join(jobs, jobId!, JOB_PATHS.landmarks), 'utf8')) as { landmarks: number[]; count: number };
  const photo = await sharp(join(jobs, jobId!, JOB_PATHS.photo)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const texel = (u: number, v: number): number[] => {
    const x = Math.min(mesh.texture.width - 1, Math.round(u * (mesh.texture.width - 1)));
    const y = Math.min(mesh.texture.height - 1, Math.round(v * (mesh.texture.height - 1)));
    const o = (y * mesh.texture.width + x) * mesh.texture.channels;
    return [mesh.texture.data[o]!, mesh.texture.data[o + 1]!, mesh.texture.data[o + 2]!];
  };
  const pixel = (x: number, y: number): number[] => {
    const o = (Math.round(y) * photo.info.width + Math.round(x)) * photo.info.channels;
    return [photo.data[o]!, photo.data[o + 1]!, photo.data[o + 2]!];
  };
  assert.equal(mesh.uvs.length / 2, landmarks.count, 'one vertex per landmark');
  let same = 0;
  let shuffled = 0;
  for (let i = 0; i < landmarks.count; i++) {
    const t = texel(mesh.uvs[i * 2]!, mesh.uvs[i * 2 + 1]!);
    const j = (i * 7919) % landmarks.count; // another landmark
    const p = pixel(landmarks.landmarks[i * 3]!, landmarks.landmarks[i * 3 + 1]!);
    const q = pixel(landmarks.landmarks[j * 3]!, landmarks.landmarks[j * 3 + 1]!);
    same += t.reduce((s, c, k) => s + Math.abs(c - p[k]!), 0) / 3;
    shuffled += t.reduce((s, c, k) => s + Math.abs(c - q[k]!), 0) / 3;
  }
  same /= landmarks.count;
  shuffled /= landmarks.count;
  assert.ok(same < 12, `texture differs from the photo by ${same.toFixed(1)} levels on average`);
  assert.ok(same < shuffled / 2, `texture matches the photo (${same.toFixed(1)}) no better than a shuffle (${shuffled.toFixed(1)})`);
});

test('bad input: each file gets a clear error and exit code 1, and no half-written job or output', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cli-bad-'));
  const cases = await writeBadPhotos(dir);
  cases.push([NO_FACE, 'no-face']);
  for (const [file, code] of cases) {
    const out = join(dir, `out-${code}`);
    const run = cli(['generate', file, '--out', out]);
    assert.equal(run.status, 1, `${file}: exit ${run.status}\n${run.stderr}${run.stdout}`);
    assert.match(run.stdout, /error: .+/, `${file}: no error message\n${run.stdout}`);
    const outputs = (await readdir(out).catch(() => [] as string[])).filter((n) => n !== '.jobs');
    assert.deepEqual(outputs, [], `${file}: left outputs ${outputs.join()}`);
    const [jobId] = await readdir(join(out, '.jobs'));
    const record = await readJobRecord(join(out, '.jobs', jobId!));
    assert.equal(record.state, 'failed');
    assert.equal(record.error?.code, code, `${file}: ${JSON.stringify(record.error)}`);
    assert.ok(!Object.values(record.stages).some((s) => s.state === 'running'));
  }
});

test('several faces: refused with a hint, or the largest taken with --face largest; a folder runs as a batch', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cli-multi-'));
  const photos = join(dir, 'photos');
  await mkdir(photos);
  const half = await sharp(SAMPLE).resize(400, 400).toBuffer();
  const small = await sharp(SAMPLE).resize(360, 360).toBuffer();
  await sharp({ create: { width: 790, height: 420, channels: 3, background: '#ffffff' } })
    .composite([
      { input: half, left: 10, top: 10 },
      { input: small, left: 420, top: 10 },
    ])
    .png()
    .toFile(join(photos, 'two.png'));
  const refused = cli(['generate', join(photos, 'two.png'), '--out', join(dir, 'refused')]);
  assert.equal(refused.status, 1);
  assert.match(refused.stdout, /2 faces/);
  assert.match(refused.stdout, /--face largest/);

  await copyFile(SAMPLE, join(photos, 'astronaut.png'));
  const batch = cli(['generate', photos, '--out', join(dir, 'batch'), '--face', 'largest', '--format', 'glb']);
  assert.equal(batch.status, 0, batch.stdout + batch.stderr);
  assert.deepEqual((await readdir(join(dir, 'batch', 'two'))).filter((n) => n.endsWith('.glb')), ['two.glb']);
  assert.deepEqual((await readdir(join(dir, 'batch', 'astronaut'))).filter((n) => n.endsWith('.glb')), ['astronaut.glb']);
});

test('usage errors exit 2 with the usage text', () => {
  const missingOut = cli(['generate', SAMPLE]);
  assert.equal(missingOut.status, 2);
  assert.match(missingOut.stderr, /--out/);
  assert.equal(cli(['paint']).status, 2);
  assert.equal(cli(['generate', SAMPLE, '--out', '/tmp/x', '--face', 'biggest']).status, 2);
  assert.equal(cli(['generate', '/no/such/photo.jpg', '--out', '/tmp/x']).status, 2);
  const help = cli(['--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Exit codes/);
});
