/**
 * The Export dialog in the studio window (real browser, real backend and engine; only the OS dialogs
 * answered by the test): one done projection job on the astronaut (support/done-job.ts), then
 * Export… → preset Unreal, GLB + OBJ, a 512 texture, a 3000-triangle budget, a folder chosen through
 * `chooseExportFolder` → the files in that folder are checked for real: the GLB passes the Khronos validator and keeps to the budget, the
 * OBJ is the GLB in centimetres and Z-up, the PNG is 512². A second export to that folder asks before
 * replacing; main refuses a folder the dialog did not choose.
 *
 * Run: node --import tsx --test tests/renderer/studio-export.test.ts   (screenshot in test-output/renderer/)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeIO } from '@gltf-transform/core';
import sharp from 'sharp';
import yauzl from 'yauzl';
import type { Page } from 'playwright-core';
import { ExportSettings, JOB_PATHS } from '../../src-main/shared/protocol';
import { validateGlb } from '../support/glb';
import { doneSampleJobs } from './support/done-job';
import {
  openStudioSession,
  SHOTS,
  showOnlyJob,
  type PageBridge,
  type StudioSession,
} from './support/studio-session';

const BUDGET = 3000;
const TEXTURE = 512;

type Box = { min: number[]; max: number[] };

function boxOf(points: Iterable<number[]>): Box {
  const box = { min: [Infinity, Infinity, Infinity], max: [-Infinity, -Infinity, -Infinity] };
  for (const p of points)
    for (let i = 0; i < 3; i++) {
      box.min[i] = Math.min(box.min[i]!, p[i]!);
      box.max[i] = Math.max(box.max[i]!, p[i]!);
    }
  return box;
}

/** Every primitive's triangles and the box of all positions (the exporter writes no node transforms). */
async function readGlb(bytes: Uint8Array): Promise<{ triangles: number[]; box: Box; nodes: string[] }> {
  const root = (await new NodeIO().readBinary(bytes)).getRoot();
  const triangles: number[] = [];
  const points: number[][] = [];
  for (const mesh of root.listMeshes())
    for (const prim of mesh.listPrimitives()) {
      triangles.push(prim.getIndices()!.getCount() / 3);
      const p = prim.getAttribute('POSITION')!.getArray()!;
      for (let i = 0; i < p.length; i += 3) points.push([p[i]!, p[i + 1]!, p[i + 2]!]);
    }
  assert.ok(root.listNodes().every((n) => n.getTranslation().every((t) => t === 0)));
  return { triangles, box: boxOf(points), nodes: root.listNodes().map((n) => n.getName()) };
}

function objBox(obj: string): Box {
  return boxOf(
    obj
      .split('\n')
      .filter((l) => l.startsWith('v '))
      .map((l) => l.slice(2).trim().split(/\s+/).map(Number)),
  );
}

function zipEntries(bytes: Buffer): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const names: string[] = [];
      zip.on('entry', (entry: yauzl.Entry) => {
        names.push(entry.fileName);
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

const dialog = (page: Page) => page.getByTestId('export-dialog');
const phaseIs = (page: Page, phase: string) =>
  page.locator(`[data-testid="export-dialog"][data-phase="${phase}"]`).waitFor({ timeout: 120_000 });

describe('export dialog (chromium, real backend and engine)', { timeout: 600_000 }, () => {
  let session: StudioSession;
  let page: Page;
  let jobId: string;
  let outDir: string;
  let otherDir: string;
  let firstGlb: Buffer;
  let holdDir: string;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'gen3d-export-chosen-'));
    otherDir = await mkdtemp(join(tmpdir(), 'gen3d-export-other-'));
    holdDir = await mkdtemp(join(tmpdir(), 'gen3d-export-hold-'));
    // The cancel test holds the export stage until it is cancelled (a real export of this head can end
    // between "Cancel is offered" and the click); the hold is on only while its file exists.
    session = await openStudioSession({
      jobsFrom: await doneSampleJobs(),
      engineEnv: {
        GEN3D_TEST_HOOKS: '1',
        GEN3D_TEST_HANG_AT: 'export',
        GEN3D_TEST_HANG_MODE: 'until-cancelled',
        GEN3D_TEST_HANG_WHILE_FILE: join(holdDir, 'hold'),
      },
    });
    page = session.page;
    jobId = await showOnlyJob(session);
  });

  after(async () => {
    await session?.close();
    for (const dir of [outDir, otherDir, holdDir]) if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('opens from Export… as a modal with the photo name; Escape closes it', async () => {
    await page.getByTestId('export-button').click();
    assert.equal(await dialog(page).getAttribute('role'), 'dialog');
    assert.equal(await dialog(page).getAttribute('aria-modal'), 'true');
    assert.equal(await page.getByTestId('export-file-name').inputValue(), 'astronaut');
    const focusInside = await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
    assert.ok(focusInside, 'focus moves into the dialog');
    // Tab from the last control wraps to the first: focus stays in the dialog.
    await page.getByTestId('export-submit').focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    assert.ok(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]')));
    await page.keyboard.press('Escape');
    assert.equal(await dialog(page).count(), 0, 'Escape closes the dialog');
  });

  it('a preset fills the fields; wrong fields are said inline; the export writes into the chosen folder', async () => {
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-preset').selectOption('unreal');
    assert.equal(await page.getByTestId('export-units').inputValue(), 'cm');
    assert.equal(await page.getByTestId('export-up-axis').inputValue(), 'Z');
    assert.equal(await page.getByTestId('export-format').inputValue(), 'both');
    assert.equal(await page.getByTestId('export-texture-size').inputValue(), '2048');
    await page.getByTestId('export-texture-size').selectOption(String(TEXTURE));
    assert.equal(
      await page.getByTestId('export-preset').inputValue(),
      'custom',
      'edited: no longer the preset',
    );

    await page.getByTestId('export-triangle-budget').fill('lots');
    await page.getByTestId('export-submit').click();
    assert.match(await page.getByTestId('export-error-triangleBudget').innerText(), /whole number/);
    assert.match(await page.getByTestId('export-error-destination').innerText(), /Choose the folder/);
    assert.equal(await dialog(page).getAttribute('data-phase'), 'editing', 'nothing exported');
    assert.equal(await page.getByTestId('export-triangle-budget').getAttribute('aria-invalid'), 'true');
    await page.getByTestId('export-triangle-budget').fill(String(BUDGET));
    assert.equal(await page.getByTestId('export-error-triangleBudget').count(), 0);

    session.answer('chooseExportFolder', outDir);
    await page.getByTestId('export-choose-folder').click();
    await page.getByTestId('export-error-destination').waitFor({ state: 'detached' });
    assert.equal(await page.getByTestId('export-destination').getAttribute('title'), outDir);
    assert.ok((await page.getByTestId('export-destination').innerText()).endsWith(outDir));
    await dialog(page).screenshot({ path: join(SHOTS, 'export-dialog.png') });

    await page.getByTestId('export-submit').click();
    await page.getByTestId('export-progress').waitFor();
    await phaseIs(page, 'written');
    await page.getByTestId('export-written').screenshot({ path: join(SHOTS, 'export-dialog-written.png') });
    const shown = await page.getByTestId('export-written-file').allInnerTexts();
    const names = (await readdir(outDir)).sort();
    console.log(`# written: ${names.join(', ')}`);
    assert.deepEqual(
      names,
      ['astronaut.glb', 'astronaut.mtl', 'astronaut.obj', 'astronaut.png']
        .concat(names.includes('astronaut_hair.png') ? ['astronaut_hair.png'] : [])
        .sort(),
    );
    assert.deepEqual(
      shown.sort(),
      names.map((n) => join(outDir, n)).sort(),
      'the dialog lists what was written',
    );

    await page.getByTestId('export-reveal').click();
    const reveal = session.dialogCalls.find((c) => c.dialog === 'reveal');
    assert.ok(reveal && String(reveal.args[0]).startsWith(outDir), 'Show in folder reveals a written file');
    const job = await session.backend.getJob(jobId);
    assert.equal(job.state, 'done');
    assert.equal(job.settings.export.triangleBudget, BUDGET);
  });

  it('the files validate: GLB clean and within budget, OBJ in cm and Z-up, texture 512²', async () => {
    firstGlb = await readFile(join(outDir, 'astronaut.glb'));
    const report = await validateGlb(new Uint8Array(firstGlb));
    assert.equal(report.issues.numErrors, 0, JSON.stringify(report.issues.messages.slice(0, 5)));
    const glb = await readGlb(new Uint8Array(firstGlb));
    const jobReport = JSON.parse(
      new TextDecoder().decode(await session.backend.readArtifact(jobId, JOB_PATHS.report)),
    ) as { mesh: { triangles: number; simplifiedFrom?: number } };
    console.log(
      `# GLB: ${glb.nodes.join(', ')}; triangles ${glb.triangles.join(' + ')} (head simplified from ${jobReport.mesh.simplifiedFrom}); ` +
        `validator ${report.issues.numErrors} errors, ${report.issues.numWarnings} warnings`,
    );
    assert.ok(
      glb.triangles.length > 0 && glb.triangles.every((t) => t > 0 && t <= BUDGET),
      `each object ≤ ${BUDGET}`,
    );
    assert.ok((jobReport.mesh.simplifiedFrom ?? 0) > BUDGET, 'the budget made the exporter simplify');

    const obj = await readFile(join(outDir, 'astronaut.obj'), 'utf8');
    assert.match(obj, /units: centimetres; up: \+Z/);
    const o = objBox(obj);
    const g = glb.box;
    // cm: ×100; Z-up: (x, y, z) → (x, −z, y).
    const expected: Box = {
      min: [g.min[0]! * 100, -g.max[2]! * 100, g.min[1]! * 100],
      max: [g.max[0]! * 100, -g.min[2]! * 100, g.max[1]! * 100],
    };
    console.log(
      `# OBJ box (cm) ${o.min.map((v) => v.toFixed(2))} … ${o.max.map((v) => v.toFixed(2))}; ` +
        `GLB box (m) ${g.min.map((v) => v.toFixed(4))} … ${g.max.map((v) => v.toFixed(4))}`,
    );
    for (const side of ['min', 'max'] as const)
      for (let i = 0; i < 3; i++)
        assert.ok(
          Math.abs(o[side][i]! - expected[side][i]!) < 0.01,
          `OBJ ${side}[${i}] ${o[side][i]} vs GLB×100 turned ${expected[side][i]}`,
        );
    assert.ok(o.max[2]! - o.min[2]! > 15, 'a head is taller than 15 cm along +Z');

    const png = await sharp(join(outDir, 'astronaut.png')).metadata();
    assert.deepEqual([png.format, png.width, png.height], ['png', TEXTURE, TEXTURE]);
  });

  it('a second export to the same folder asks first; nothing is replaced until the user says so', async () => {
    await page.getByTestId('export-format').selectOption('glb-zip');
    const before = await stat(join(outDir, 'astronaut.glb'));
    await page.getByTestId('export-submit').click();
    await phaseIs(page, 'confirm-overwrite');
    assert.match(await page.getByTestId('export-overwrite').innerText(), /astronaut\.glb[\s\S]*Replace/);
    await page
      .getByTestId('export-overwrite')
      .screenshot({ path: join(SHOTS, 'export-dialog-overwrite.png') });
    assert.equal((await stat(join(outDir, 'astronaut.glb'))).mtimeMs, before.mtimeMs, 'not replaced yet');
    assert.equal(
      await readdir(outDir).then((n) => n.includes('astronaut.zip')),
      false,
      'nothing written yet',
    );

    const stageAtAsk = (await session.backend.getJob(jobId)).stages.export;
    await page.getByTestId('export-overwrite-yes').click();
    await phaseIs(page, 'written');
    assert.deepEqual(
      (await session.backend.getJob(jobId)).stages.export,
      stageAtAsk,
      'Replace copies what the export stage has just made: the stage does not run again',
    );
    const shown = await page.getByTestId('export-written-file').allInnerTexts();
    assert.deepEqual(shown.sort(), [join(outDir, 'astronaut.glb'), join(outDir, 'astronaut.zip')]);
    const entries = await zipEntries(await readFile(join(outDir, 'astronaut.zip')));
    console.log(`# zip: ${entries.join(', ')}`);
    assert.ok(['astronaut.obj', 'astronaut.mtl', 'astronaut.png'].every((n) => entries.includes(n)));
    assert.ok((await stat(join(outDir, 'astronaut.glb'))).mtimeMs > before.mtimeMs, 'the GLB was replaced');
    const report = await validateGlb(new Uint8Array(await readFile(join(outDir, 'astronaut.glb'))));
    assert.equal(report.issues.numErrors, 0);
    await page.getByTestId('export-dismiss').click();
    assert.equal(await dialog(page).count(), 0);
  });

  it('main refuses a folder that was not chosen through the dialog, and reveals nothing outside', async () => {
    const settings = ExportSettings.parse({ formats: ['glb'] });
    const answer = await page.evaluate(
      async ({ id, dir, s }) => {
        const studio = (globalThis as unknown as PageBridge).studio;
        const results: string[] = [];
        for (const call of [() => studio.exportJob(id, s, dir, true), () => studio.reveal(`${dir}/x.glb`)]) {
          try {
            await call();
            results.push('accepted');
          } catch (error) {
            results.push((error as Error).message);
          }
        }
        return results;
      },
      { id: jobId, dir: otherDir, s: settings },
    );
    assert.match(answer[0]!, /was not chosen in the export dialog/);
    assert.match(answer[1]!, /not in a chosen export folder/);
    assert.deepEqual(await readdir(otherDir), [], 'nothing written there');
    assert.deepEqual(session.pageProblems, []);
  });

  it("shows the export stage's progress, and Cancel stops it", async () => {
    await page.getByTestId('export-button').click();
    assert.equal(
      await page.getByTestId('export-destination').getAttribute('title'),
      outDir,
      'the last folder',
    );
    await page.getByTestId('export-file-name').fill('cancelled head');
    await writeFile(join(holdDir, 'hold'), '');
    await page.getByTestId('export-submit').click();
    // Cancel is offered once the stage runs (before, the engine has nothing to cancel).
    await page.locator('[data-testid="export-cancel"]:not([disabled])').waitFor({ timeout: 60_000 });
    await dialog(page).screenshot({ path: join(SHOTS, 'export-dialog-progress.png') });
    await page.getByTestId('export-cancel').click();
    await phaseIs(page, 'failed');
    assert.match(await page.getByTestId('export-failure').innerText(), /cancelled/);
    assert.equal((await readdir(outDir)).filter((n) => n.startsWith('cancelled')).length, 0);
    assert.equal((await session.backend.getJob(jobId)).state, 'cancelled');
    await page.keyboard.press('Escape');
    assert.equal(await dialog(page).count(), 0);
  });
});
