/**
 * The quality figures (engine/metrics) on real outputs: SSIM/PSNR on image pairs whose answer is
 * known; `npm run eval` on a folder of one photo (astronaut) — one real projection job with the full
 * figures — writing its table, contact sheet and report; and on that job's head, a Janus positive
 * control: a face image given as a view of the back must be flagged.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import sharp from 'sharp';
import { readMeshFolder } from '../../src-main/engine/geometry/mesh-file';
import type { RawImage } from '../../src-main/engine/image/raw-image';
import { compareViewSets, measureHead, psnr, ssim } from '../../src-main/engine/metrics';
import { parseCliArgs } from '../../src-main/cli/cli-args';
import { compareRows, markdownDeltas, type EvalRow } from '../../src-main/cli/eval/eval-table';
import { HeadMetrics, JOB_PATHS, JobSettings, metricsLevelOf } from '../../src-main/shared/protocol';
import { ASTRONAUT } from '../support/photos';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin/gen3dface.mjs');
const scratch = mkdtemp(path.join(tmpdir(), 'metrics-'));
after(async () => rm(await scratch, { recursive: true, force: true }));

function uniform(width: number, height: number, value: number): RawImage {
  return { data: new Uint8Array(width * height * 3).fill(value), width, height };
}

describe('SSIM and PSNR on known pairs', () => {
  it('identical images: SSIM 1, PSNR infinite', async () => {
    const { data, info } = await sharp(ASTRONAUT).resize(128, 128).removeAlpha().raw().toBuffer({
      resolveWithObject: true,
    });
    const image = { data: new Uint8Array(data), width: info.width, height: info.height };
    assert.equal(ssim(image, image), 1);
    assert.equal(psnr(image, image), Infinity);
  });

  it('a uniform image against itself 10 levels brighter: PSNR 20·log10(25.5), SSIM its luminance term', () => {
    const a = uniform(32, 32, 100);
    const b = uniform(32, 32, 110);
    assert.ok(Math.abs(psnr(a, b) - 20 * Math.log10(255 / 10)) < 1e-9, `PSNR ${psnr(a, b)}`);
    const c1 = (0.01 * 255) ** 2;
    const expected = (2 * 100 * 110 + c1) / (100 ** 2 + 110 ** 2 + c1);
    assert.ok(Math.abs(ssim(a, b) - expected) < 1e-9, `SSIM ${ssim(a, b)} vs ${expected}`);
  });

  it('a photo against noise: SSIM near 0, PSNR low; different sizes are refused', async () => {
    const { data } = await sharp(ASTRONAUT).resize(64, 64).removeAlpha().raw().toBuffer({
      resolveWithObject: true,
    });
    const photo = { data: new Uint8Array(data), width: 64, height: 64 };
    let seed = 1;
    const noise = uniform(64, 64, 0);
    for (let i = 0; i < noise.data.length; i++)
      noise.data[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    assert.ok(ssim(photo, noise) < 0.1, `SSIM ${ssim(photo, noise)}`);
    assert.ok(psnr(photo, noise) < 12, `PSNR ${psnr(photo, noise)}`);
    assert.throws(() => ssim(photo, uniform(32, 32, 0)), /64×64 against 32×32/);
  });
});

it('the metrics level: --metrics, else full after diffusion and flatness after projection', () => {
  const settingsOf = (args: string[]): JobSettings => {
    const c = parseCliArgs(['generate', 'a.jpg', '--out', 'o', ...args]);
    assert.equal(c.kind, 'generate');
    return JobSettings.parse(c.kind === 'generate' ? c.settings : {});
  };
  assert.equal(metricsLevelOf(settingsOf([])), 'flatness');
  assert.equal(metricsLevelOf(settingsOf(['--generator', 'diffusion'])), 'full');
  assert.equal(metricsLevelOf(settingsOf(['--metrics', 'full'])), 'full');
  assert.equal(metricsLevelOf(settingsOf(['--generator', 'diffusion', '--metrics', 'off'])), 'off');
  assert.throws(() => parseCliArgs(['generate', 'a.jpg', '--out', 'o', '--metrics', 'most']), /--metrics/);
});

it('view sets: each truth view against the generated view of its name, resized to it', async () => {
  const png = (size: number, grey: number): Promise<Buffer> =>
    sharp({ create: { width: size, height: size, channels: 3, background: { r: grey, g: grey, b: grey } } })
      .png()
      .toBuffer();
  const generated = [
    { name: '00.png', png: await png(64, 100) },
    { name: '01.png', png: await png(64, 100) },
  ];
  const truth = [
    { name: '00.png', png: await png(128, 100) }, // the same grey at twice the size
    { name: '01.png', png: await png(128, 110) },
    { name: '02.png', png: await png(128, 0) }, // no generated view of that name: left out
  ];
  const result = await compareViewSets(generated, truth);
  assert.deepEqual(
    result!.views.map((v) => v.name),
    ['00.png', '01.png'],
  );
  assert.equal(result!.views[0]!.ssim, 1);
  assert.equal(result!.views[0]!.psnrDb, 100, 'identical: capped at 100 dB');
  assert.ok(Math.abs(result!.views[1]!.psnrDb - 20 * Math.log10(25.5)) < 1e-3);
  assert.equal(await compareViewSets(generated, [truth[2]!]), undefined);
});

describe('npm run eval on a folder of one photo', { concurrency: 1 }, () => {
  let jobDir = '';
  let rows: EvalRow[] = [];

  it('writes the table, the CSV, the contact sheet and full metrics into the job report', async () => {
    const photos = path.join(await scratch, 'photos');
    const out = path.join(await scratch, 'eval');
    await mkdir(photos);
    await copyFile(ASTRONAUT, path.join(photos, 'astronaut.png'));
    // the projection generator only: the shipped diffusion pack's run is tests/diffusion/shipped-pack's
    const packs = path.join(await scratch, 'packs');
    await mkdir(packs);
    const args = [CLI, 'eval', photos, '--out', out, '--packs', packs, '--generators', 'projection'];
    const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 300_000 });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    assert.doesNotMatch(run.stdout, /· diffusion/);

    const md = await readFile(path.join(out, 'eval.md'), 'utf8');
    const row = md.split('\n').find((l) => l.startsWith('| astronaut.png | projection | done |'));
    assert.ok(row, md);
    const csv = (await readFile(path.join(out, 'eval.csv'), 'utf8')).trim().split('\n');
    assert.equal(csv.length, 2, csv.join('\n'));
    const cells = Object.fromEntries(csv[0]!.split(',').map((k, i) => [k, csv[1]!.split(',')[i]]));
    console.log(`eval astronaut: ${row}`);
    const sheet = await sharp(path.join(out, 'contact', 'astronaut.png')).metadata();
    assert.equal(sheet.width, 9 * 256, 'the photo and 8 turntable views');

    rows = (JSON.parse(await readFile(path.join(out, 'results.json'), 'utf8')) as { rows: EvalRow[] }).rows;
    const jobs = path.join(out, '.jobs');
    jobDir = path.join(
      jobs,
      (await readdir(jobs)).find((n) => !n.startsWith('.'))!,
    );
    const report = JSON.parse(await readFile(path.join(jobDir, JOB_PATHS.report), 'utf8')) as {
      metrics: unknown;
    };
    const m = HeadMetrics.parse(report.metrics);
    assert.equal(m.photoFace, true);
    assert.ok(m.identity!.at0.distance! < 0.6, `0°: distance ${m.identity!.at0.distance}`);
    assert.equal(m.identity!.at0.match, true);
    assert.equal(Number(cells.id0), m.identity!.at0.distance);
    assert.equal(m.janus!.flagged, false, `faces at the back: ${JSON.stringify(m.janus)}`);
    assert.equal(cells.janus, '');
    assert.deepEqual(
      m.views.map((v) => v.azimuthDeg),
      [0, 45, 90, 135, 180, 225, 270, 315],
    );
    assert.ok(m.flatness!.maxShare < 0.5, `flat share ${m.flatness!.maxShare}`);
    assert.ok(m.crossView!.renders.facesFound >= 1);
  });

  it('--compare: deltas now − before per photo and generator', () => {
    assert.equal(rows.length, 1);
    const before = rows.map((r) => ({ ...r, id0: r.id0! + 0.1, janus: '180' }));
    const [delta] = compareRows(rows, before);
    assert.ok(Math.abs(delta!.deltas.id0! + 0.1) < 1e-9, JSON.stringify(delta));
    assert.equal(delta!.deltas.flatMax, 0);
    assert.equal(delta!.janus, 'yes → no');
    assert.match(markdownDeltas([delta!]), /\| astronaut\.png \| projection \| -0\.100 \|/);
  });

  it('Janus positive control: the photo given as a view of the back is flagged', async () => {
    assert.ok(jobDir, 'needs the eval job above');
    const head = await readMeshFolder(path.join(jobDir, JOB_PATHS.meshDir));
    const hair = await readMeshFolder(path.join(jobDir, JOB_PATHS.meshDir, 'hair'));
    const photo = await readFile(path.join(jobDir, JOB_PATHS.photo));
    const front = await readFile(path.join(jobDir, JOB_PATHS.turntableDir, '000deg.png'));
    const { metrics } = await measureHead({
      objects: [head, hair],
      photo,
      level: 'full',
      size: 256, // the renders are not what this checks
      generatedViews: [
        { azimuthDeg: 0, png: front },
        { azimuthDeg: 180, png: front }, // the face where the back of the head should be
        { azimuthDeg: 202.5, png: photo },
      ],
    });
    assert.equal(metrics.janus!.flagged, true, JSON.stringify(metrics.janus));
    assert.deepEqual(metrics.janus!.facesAtBack, [
      { source: 'generated', azimuthDeg: 180 },
      { source: 'generated', azimuthDeg: 202.5 },
    ]);
    assert.equal(metrics.generatedIdentity!.facesFound, 3);
    assert.equal(metrics.crossView!.generated!.facesFound, 3);
  });
});
