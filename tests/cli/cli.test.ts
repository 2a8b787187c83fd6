import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFile, readdir, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { readJobRecord } from '../../src-main/shared/job-folder';
import { JOB_LOCK_FILE } from '../../src-main/shared/job-lock-file';
import { EngineEvent, JOB_PATHS } from '../../src-main/shared/protocol';
import { ASTRONAUT as SAMPLE, COFFEE as NO_FACE, GRACE_HOPPER, writeBadPhotos } from '../support/photos';
import { readGlbMesh, validateGlb } from '../support/glb';
import { cameraCentre, projectPoint, type PinholeCamera } from '../../src-main/engine/geometry/camera';
import { computeVertexNormals, meshBounds } from '../../src-main/engine/geometry/textured-mesh';
import { scratchDir } from '../support/scratch-dir';

const CLI = join(process.cwd(), 'bin/gen3dface.mjs');

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('generate on a real photo writes a valid, head-sized GLB textured from the photo, plus OBJ+MTL+PNG', async () => {
  const out = await scratchDir('cli-out');
  const run = cli(['generate', SAMPLE, '--out', out, '--json']);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  const events = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string });
  const engineEvents = events.filter((e) => e.type !== 'info');
  for (const e of engineEvents)
    assert.ok(EngineEvent.safeParse(e).success, `not a protocol event: ${JSON.stringify(e)}`);
  assert.ok(events.some((e) => e.type === 'jobDone'));

  const files = (await readdir(out)).sort();
  for (const f of [
    'astronaut.glb',
    'astronaut.obj',
    'astronaut.mtl',
    'astronaut.png',
    'preview.png',
    'report.json',
  ])
    assert.ok(files.includes(f), files.join());
  const glb = await readFile(join(out, 'astronaut.glb'));
  const report = await validateGlb(glb);
  assert.equal(report.issues.numErrors, 0, JSON.stringify(report.issues.messages.slice(0, 5)));

  const mesh = await readGlbMesh(glb);
  const { min, max } = meshBounds(mesh.positions);
  const size = [0, 1, 2].map((a) => max[a]! - min[a]!);
  const largest = Math.max(...size);
  assert.ok(largest >= 0.15 && largest <= 0.4, `head size ${size.map((s) => s.toFixed(3))} m`);

  // A full head, not a face: closed once UV seams are welded (every edge shared by exactly two triangles).
  const weld = new Map<string, number>();
  const ids = Array.from({ length: mesh.positions.length / 3 }, (_, v) => {
    const key = [0, 1, 2].map((a) => mesh.positions[v * 3 + a]!.toFixed(6)).join();
    if (!weld.has(key)) weld.set(key, weld.size);
    return weld.get(key)!;
  });
  const edgeUse = new Map<string, number>();
  for (let t = 0; t < mesh.indices.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = ids[mesh.indices[t + k]!]!;
      const b = ids[mesh.indices[t + ((k + 1) % 3)]!]!;
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      edgeUse.set(key, (edgeUse.get(key) ?? 0) + 1);
    }
  }
  const open = [...edgeUse.values()].filter((n) => n !== 2).length;
  assert.equal(open, 0, `${open} edges are not shared by exactly two triangles`);
  assert.ok(mesh.indices.length / 3 > 5000, 'a full head has thousands of triangles');

  // The texture is the photo's: project each front-facing vertex into the photo with the fitted camera
  // (undoing the export's re-centring) and compare the photo there with the texture at its UV.
  const jobs = join(out, '.jobs');
  const [jobId] = await readdir(jobs);
  const jobDir = join(jobs, jobId!);
  const fit = JSON.parse(await readFile(join(jobDir, JOB_PATHS.headFit), 'utf8')) as {
    camera: PinholeCamera;
  };
  const summary = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as {
    mesh: { offset: number[] };
  };
  const photo = await sharp(join(jobDir, JOB_PATHS.photo))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const faceBox = (JSON.parse(await readFile(join(jobDir, JOB_PATHS.landmarks), 'utf8')) as { box: number[] })
    .box;
  const colourAt = (
    img: { data: Buffer; width: number; channels: number },
    x: number,
    y: number,
  ): number[] => {
    const o = (Math.round(y) * img.width + Math.round(x)) * img.channels;
    return [img.data[o]!, img.data[o + 1]!, img.data[o + 2]!];
  };
  const texture = { data: mesh.texture.data, width: mesh.texture.width, channels: mesh.texture.channels };
  const photoImg = { data: photo.data, width: photo.info.width, channels: photo.info.channels };
  const samples: { texel: number[]; pixel: number[] }[] = [];
  const normals = computeVertexNormals(mesh.positions, mesh.indices);
  const eye = cameraCentre(fit.camera);
  for (let v = 0; v < mesh.positions.length / 3; v++) {
    const p = [0, 1, 2].map((a) => mesh.positions[v * 3 + a]! - summary.mesh.offset[a]!);
    const toEye = [0, 1, 2].map((a) => eye[a]! - p[a]!);
    const len = Math.hypot(...toEye);
    const facing = [0, 1, 2].reduce((d, a) => d + normals[v * 3 + a]! * (toEye[a]! / len), 0);
    if (facing < 0.6) continue;
    const [x, y] = projectPoint(fit.camera, p[0]!, p[1]!, p[2]!);
    // inside the detected face box, away from its border (hair, background)
    if (x < faceBox[0]! + faceBox[2]! * 0.2 || x > faceBox[0]! + faceBox[2]! * 0.8) continue;
    if (y < faceBox[1]! + faceBox[3]! * 0.2 || y > faceBox[1]! + faceBox[3]! * 0.9) continue;
    const u = mesh.uvs[v * 2]! * (texture.width - 1);
    const w = mesh.uvs[v * 2 + 1]! * (mesh.texture.height - 1);
    samples.push({ texel: colourAt(texture, u, w), pixel: colourAt(photoImg, x, y) });
  }
  assert.ok(samples.length > 200, `only ${samples.length} face vertices`);
  const diff = (a: number[], b: number[]): number => a.reduce((s, c, k) => s + Math.abs(c - b[k]!), 0) / 3;
  const same = samples.reduce((s, m) => s + diff(m.texel, m.pixel), 0) / samples.length;
  const shuffled =
    samples.reduce((s, m, i) => s + diff(m.texel, samples[(i * 7919 + 13) % samples.length]!.pixel), 0) /
    samples.length;
  console.log(
    `texture vs photo: ${same.toFixed(1)} levels (shuffled ${shuffled.toFixed(1)}) over ${samples.length} vertices`,
  );
  assert.ok(same < 14, `texture differs from the photo by ${same.toFixed(1)} levels on average`);
  assert.ok(
    same < shuffled * 0.6,
    `texture matches the photo (${same.toFixed(1)}) no better than a shuffle (${shuffled.toFixed(1)})`,
  );
  const preview = await sharp(join(out, 'preview.png')).stats();
  assert.ok(
    preview.channels.slice(0, 3).some((c) => c.stdev > 20),
    'the preview image is blank',
  );
});

test('a second real photo (JPEG, glasses, cap): the fit meets its landmark target and the head exports', async () => {
  const out = await scratchDir('cli-hopper');
  const run = cli(['generate', GRACE_HOPPER, '--out', out, '--format', 'glb']);
  assert.equal(run.status, 0, run.stderr + run.stdout);
  const [jobId] = await readdir(join(out, '.jobs'));
  const fit = JSON.parse(await readFile(join(out, '.jobs', jobId!, JOB_PATHS.headFit), 'utf8')) as {
    reprojectionError: { medianFractionOfFaceBox: number };
    confidence: number;
  };
  console.log(
    `grace_hopper.jpg: median landmark error ${(fit.reprojectionError.medianFractionOfFaceBox * 100).toFixed(2)} % of the face box, confidence ${fit.confidence.toFixed(2)}`,
  );
  assert.ok(fit.reprojectionError.medianFractionOfFaceBox <= 0.02);
  assert.ok(fit.confidence > 0.3);
  const glb = await readFile(join(out, 'grace_hopper.glb'));
  assert.equal((await validateGlb(glb)).issues.numErrors, 0);
});

test('bad input: each file gets a clear error and exit code 1, and no half-written job or output', async () => {
  const dir = await scratchDir('cli-bad');
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
    assert.ok(!(await readdir(join(out, '.jobs', jobId!))).includes(JOB_LOCK_FILE), 'lock left behind');
  }
});

test('several faces: refused with a hint, or the largest taken with --face largest; a folder runs as a batch', async () => {
  const dir = await scratchDir('cli-multi');
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
  const batch = cli([
    'generate',
    photos,
    '--out',
    join(dir, 'batch'),
    '--face',
    'largest',
    '--format',
    'glb',
  ]);
  assert.equal(batch.status, 0, batch.stdout + batch.stderr);
  assert.deepEqual(
    (await readdir(join(dir, 'batch', 'two'))).filter((n) => n.endsWith('.glb')),
    ['two.glb'],
  );
  assert.deepEqual(
    (await readdir(join(dir, 'batch', 'astronaut'))).filter((n) => n.endsWith('.glb')),
    ['astronaut.glb'],
  );
});

test('Ctrl-C cancels the running job: exit 130, the job is cancelled and resumes to the end', async () => {
  const out = await scratchDir('cli-sigint');
  // its own process group, so the signal reaches the CLI and its engine alike, as a terminal's Ctrl-C does
  const child = spawn(process.execPath, [CLI, 'generate', SAMPLE, '--out', out, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  const started = new Promise<void>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('"stage":"segment"')) resolve();
    });
  });
  await started;
  process.kill(-child.pid!, 'SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 130, stdout);
  const jobs = join(out, '.jobs');
  const [jobId] = await readdir(jobs);
  const record = await readJobRecord(join(jobs, jobId!));
  assert.equal(record.state, 'cancelled');
  assert.ok(!(await readdir(join(jobs, jobId!))).includes(JOB_LOCK_FILE), 'a cancelled job keeps no lock');
  assert.deepEqual(
    (await readdir(out)).filter((n) => n !== '.jobs'),
    [],
    'no outputs from a cancelled job',
  );

  const resumed = cli(['jobs', 'resume', jobId!, '--jobs', jobs]);
  assert.equal(resumed.status, 0, resumed.stdout + resumed.stderr);
  assert.equal((await readJobRecord(join(jobs, jobId!))).state, 'done');
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
