/**
 * The studio window in a real browser on a real backend: the renderer built here (electron-vite, under its
 * production CSP) in Debian's chromium via playwright-core; `window.studio` bridged to main's own IPC
 * handler table (createIpcHandlers) over a real StudioBackend whose engine is a real child process.
 * Imports the sample photo through the Import button, waits for the job, checks overlay and 3D pixels,
 * then drops a photo without a face and checks the error is shown, and deletes that job. Last, a job with
 * the tiny random-weight diffusion pack (tests/diffusion/support/fixture.ts): the view gallery fills live,
 * ends with 16 views in rig order with their angles, enlarges one beside the photo and cancels the job.
 *
 * Run: node --import tsx --test tests/renderer/studio.test.ts   (screenshots in test-output/renderer/)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { StudioBackend } from '../../src-main/host/studio-backend';
import { RENDERER_CSP } from '../../src-main/main/content-security-policy';
import { IPC } from '../../src-main/shared/studio-api';
import { canvasStats, changedShare, type CanvasStats } from './support/canvas-pixels';
import { dropFile } from './support/drop-file';
import { ASTRONAUT, CAMERAMAN, COFFEE } from '../support/photos';
import { writeCorruptEstimatorPack } from '../support/estimator-packs';
import { JOB_PATHS } from '../../src-main/shared/protocol';
import { PROJECTION_JOB_STAGES } from './support/projection-job-stages';
import { angleLabel, parseViewAngles } from '../../src-renderer/stores/view-gallery';
import { diffusionFixture } from '../diffusion/support/fixture';
import { imageStats } from './support/image-pixels';
import {
  openStudioSession,
  pollCanvasStats,
  SHOTS,
  type PageBridge,
  type StudioSession,
} from './support/studio-session';

const SAMPLE = ASTRONAUT;
const NO_FACE = COFFEE;

const pollStats = (page: Page, selector: string, done: (s: CanvasStats) => boolean) =>
  pollCanvasStats(page, selector, done);

describe('studio window (chromium, real backend and engine)', { timeout: 180_000 }, () => {
  let session: StudioSession;
  let page: Page;
  let backend: StudioBackend;
  let jobsRoot: string;
  let packsDir: string;
  let pageProblems: string[];

  before(async () => {
    // No working model pack: RingNet and MICA are not installed; DECA's pack is there with the listed
    // sizes but a wrong sha256, so it is offered and its switch fails when the pack is verified.
    session = await openStudioSession({ preparePacks: (dir) => writeCorruptEstimatorPack(dir, 'deca') });
    ({ page, backend, jobsRoot, packsDir, pageProblems } = session);
  });

  after(async () => {
    await session?.close();
  });

  it('serves the production CSP in the built index.html', async () => {
    const html = await readFile(join(session.buildOut, 'renderer/index.html'), 'utf8');
    assert.ok(html.includes(`content="${RENDERER_CSP}"`), 'index.html carries the production CSP meta');
  });

  it('imports the sample photo through the Import button and shows overlays and the head', async () => {
    // A complete installation: no set-up banner (it asks main for studio:setup-problems at start).
    assert.equal(await page.getByTestId('setup-problem').count(), 0);
    const started = Date.now();
    session.answer('openPhotos', [SAMPLE]);
    await page.getByTestId('import-button').click();
    await page.locator('[data-testid="job-state"][data-state="done"]').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="model-canvas"][data-status="shown"]').waitFor({ timeout: 30_000 });
    console.log(`# job done and shown in ${Date.now() - started} ms`);

    const stages: string[] = [];
    for (const item of await page.locator('[data-testid="stages"] [data-stage]').all())
      stages.push(`${await item.getAttribute('data-stage')}:${await item.getAttribute('data-state')}`);
    for (const stage of ['ingest', 'segment', 'estimate', 'generate', 'export'])
      assert.ok(stages.includes(`${stage}:done`), stages.join());
    // The projection generator makes no views: reconstruct had nothing to do and says so, with no time.
    assert.ok(stages.includes('reconstruct:skipped'), stages.join());
    const reconstruct = page.locator('[data-testid="stages"] [data-stage="reconstruct"]');
    assert.equal((await reconstruct.locator('.stage-time').innerText()).trim(), '');
    assert.match(await reconstruct.getByTestId('stage-note').innerText(), /no generated views/);
    // …and the view gallery says so instead of showing empty tiles.
    assert.match(await page.getByTestId('gallery-projection').innerText(), /projection generator/);
    assert.equal(await page.getByTestId('gallery-tile').count(), 0);

    const overlayOn = await canvasStats(page, '[data-testid="overlay-canvas"]', [0, 0, 0]);
    await page.getByTestId('layer-landmarks').uncheck();
    const overlayNoLandmarks = await canvasStats(page, '[data-testid="overlay-canvas"]', [0, 0, 0]);
    await page.getByTestId('layer-landmarks').check();
    console.log(
      `# overlay ${overlayOn.width}x${overlayOn.height}: landmark-green pixels ${overlayOn.landmarkGreen} on, ${overlayNoLandmarks.landmarkGreen} off`,
    );
    assert.ok(overlayOn.width >= 256 && overlayOn.height >= 256, 'the photo is drawn at its size');
    assert.ok(
      overlayOn.landmarkGreen > 1500,
      `landmark dots drawn (${overlayOn.landmarkGreen} green pixels)`,
    );
    assert.ok(
      overlayNoLandmarks.landmarkGreen < overlayOn.landmarkGreen / 20,
      'landmarks vanish when toggled off',
    );

    // Babylon draws asynchronously (shaders compile, the texture decodes): poll, then judge the last frame.
    const modelCanvas = '[data-testid="model-canvas"]';
    const model = await pollStats(page, modelCanvas, (s) => s.offBackground > 0.05 && s.lumaStd > 8);
    console.log(
      `# model canvas ${model.width}x${model.height}: luma std ${model.lumaStd.toFixed(1)}, ${(100 * model.offBackground).toFixed(1)} % off background`,
    );
    assert.ok(model.offBackground > 0.05, `the head covers part of the viewport (${model.offBackground})`);
    assert.ok(model.lumaStd > 8, `the head is shaded/textured, not flat (${model.lumaStd})`);
    // She faces the camera: the pose is said beside the estimator, with no turned-face warning.
    assert.match(await page.getByTestId('overlay-estimator').innerText(), /facing the camera/);
    assert.equal(await page.getByTestId('turned-face-note').count(), 0);

    await page.screenshot({ path: join(SHOTS, 'studio-done.png') });
    await page.getByTestId('overlay-canvas').screenshot({ path: join(SHOTS, 'overlay.png') });
    await page.getByTestId('model-canvas').screenshot({ path: join(SHOTS, 'model.png') });

    await page.getByTestId('render-mode-wireframe').click();
    // A wireframe of a dense mesh covers much the same area: compare the frames, not the coverage.
    const wire = await pollStats(page, modelCanvas, (s) => changedShare(s, model) > 0.03);
    await page.getByTestId('model-canvas').screenshot({ path: join(SHOTS, 'model-wireframe.png') });
    await page.getByTestId('render-mode-textured').click();
    const changed = changedShare(wire, model);
    console.log(`# wireframe: ${(100 * changed).toFixed(1)} % of the viewport changed`);
    assert.ok(changed > 0.03, 'the wireframe toggle changes what the viewport shows');
  });

  it('offers estimators by pack state; a failed switch keeps the previous estimate and results', async () => {
    const select = page.getByTestId('estimator-select');
    assert.equal(await select.inputValue(), 'builtin');
    await select.focus(); // asks the engine again, as opening the picker does
    const option = (id: string) => select.locator(`option[value="${id}"]`);
    assert.equal(await option('builtin').isDisabled(), false);
    assert.equal(await option('deca').isDisabled(), false, 'a pack of the right sizes is offered');
    for (const id of ['ringnet', 'mica']) {
      assert.equal(await option(id).isDisabled(), true, `${id} has no pack: it cannot be chosen`);
      const note = page.locator(`[data-testid="estimators-unavailable"] li[data-estimator="${id}"]`);
      const text = await note.textContent();
      assert.ok(text?.includes(`"${id}" (${join(packsDir, id)})`), `names the pack and folder: ${text}`);
      assert.ok(
        text?.includes(`convert_${id}.py --out ${join(packsDir, id)}`),
        `says how to add it: ${text}`,
      );
    }

    const jobDir = join(jobsRoot, (await backend.listJobs())[0]!.id);
    const estimateBefore = await readFile(join(jobDir, JOB_PATHS.estimate));
    const overlayBefore = await readFile(join(jobDir, JOB_PATHS.overlay));
    await select.selectOption('deca');
    const failure = page.getByTestId('estimator-switch-failed');
    await failure.waitFor({ timeout: 60_000 });
    const message = await failure.innerText();
    console.log(`# estimator switch with a corrupt pack: ${message}`);
    assert.match(message, /Switching to DECA failed: .*deca.*sha256/i, 'says the switch failed and why');
    assert.match(message, /still showing the Built-in estimate/);
    await page.locator('[data-testid="job-state"][data-state="done"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="stages"] [data-stage="export"][data-state="done"]').waitFor();
    const states = Object.fromEntries(
      await Promise.all(
        (await page.locator('[data-testid="stages"] [data-stage]').all()).map(async (s) => [
          await s.getAttribute('data-stage'),
          await s.getAttribute('data-state'),
        ]),
      ),
    );
    assert.deepEqual(states, PROJECTION_JOB_STAGES);
    assert.equal(await page.getByTestId('job-error').count(), 0, 'the job did not turn red');
    assert.equal(await select.inputValue(), 'builtin', 'the picker shows the estimate that is kept');
    assert.match(await page.getByTestId('overlay-estimator').innerText(), /^builtin/);
    assert.deepEqual(await readFile(join(jobDir, JOB_PATHS.estimate)), estimateBefore);
    assert.deepEqual(await readFile(join(jobDir, JOB_PATHS.overlay)), overlayBefore);
    await page.screenshot({ path: join(SHOTS, 'studio-estimator-switch-failed.png') });
  });

  it('shows a photo without a face as a failed stage with message and hint, and deletes the job', async () => {
    const bytes = await readFile(NO_FACE);
    // A real drop event carrying a real File, as a drag from the desktop produces.
    await dropFile(page, 'coffee.png', 'image/png', bytes);
    await page.locator('[data-testid="job-state"][data-state="failed"]').waitFor({ timeout: 60_000 });
    const failed = page.locator('[data-testid="stages"] [data-state="failed"]');
    await failed.first().waitFor();
    const errorText = await failed.first().locator('[role="alert"]').innerText();
    console.log(
      `# failed stage ${await failed.first().getAttribute('data-stage')}: ${errorText.replace(/\n/g, ' | ')}`,
    );
    assert.match(errorText, /face/i, 'the message says what is wrong');
    assert.ok(errorText.split('\n').filter((l) => l.trim()).length >= 2, 'message and hint are both shown');
    await page.screenshot({ path: join(SHOTS, 'studio-error.png') });

    const job = page.locator('[data-testid="job-list"] li[data-state="failed"]');
    const jobId = await job.getAttribute('data-job-id');
    assert.ok(jobId);
    await job.getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('confirm-delete-ok').click();
    await page.locator(`[data-job-id="${jobId}"]`).waitFor({ state: 'detached' });
    assert.equal(existsSync(join(jobsRoot, jobId)), false, 'the job folder is gone');
    assert.equal((await backend.listJobs()).length, 1, 'the sample job remains');
  });

  it('cancels a running job with the Cancel button and resumes it from the job list', async () => {
    session.answer('openPhotos', [SAMPLE]);
    await page.getByTestId('import-button').click();
    const running = page.locator('[data-testid="stages"] [data-state="running"]');
    await running.first().waitFor({ timeout: 30_000 });
    const stage = await running.first().getAttribute('data-stage');
    const started = Date.now();
    const backendCancelled = new Promise<number>((resolve) =>
      backend.once('event', function onEvent(event) {
        if (event.type === 'cancelled') resolve(Date.now() - started);
        else backend.once('event', onEvent);
      }),
    );
    await page.getByTestId('cancel-button').click();
    const clicked = Date.now() - started;
    await page.locator('[data-testid="job-state"][data-state="cancelled"]').waitFor({ timeout: 10_000 });
    console.log(
      `# cancel during ${stage}: click ${clicked} ms, backend 'cancelled' ${await backendCancelled} ms, UI ${Date.now() - started} ms`,
    );
    assert.ok(await page.getByTestId('cancel-button').isDisabled(), 'nothing left to cancel');

    const job = page.locator('[data-testid="job-list"] li[data-state="cancelled"]');
    await job.getByRole('button', { name: 'Resume' }).click();
    await page.locator('[data-testid="job-state"][data-state="done"]').waitFor({ timeout: 120_000 });
    await page.locator('[data-testid="model-canvas"][data-status="shown"]').waitFor({ timeout: 30_000 });
  });

  it('fills the view gallery live from a tiny diffusion pack, enlarges a view and cancels from the gallery', async () => {
    const { packDir } = await diffusionFixture();
    // The generation panel offers the diffusion packs installed in the packs folder.
    await symlink(packDir, join(packsDir, 'mvd-tiny'));
    const panel = page.getByTestId('generation-settings');
    await panel.getByTestId('generator-select').selectOption('diffusion');
    const packSelect = panel.getByTestId('diffusion-pack-select');
    await packSelect.focus();
    await packSelect.locator('option[value="mvdiffusion-tiny-head360"]').waitFor({ state: 'attached' });
    await panel.getByTestId('diffusion-seed').fill('3');
    await panel.screenshot({ path: join(SHOTS, 'generation-settings.png') });
    await panel.getByTestId('generator-select').selectOption('projection');
    const started = Date.now();
    const job = await backend.importPhoto(SAMPLE, {
      generator: 'diffusion',
      diffusion: { pack: packDir, steps: 6, previewEvery: 1, seed: 3 },
    });
    await page.locator(`[data-testid="job-list"] li[data-job-id="${job.id}"]`).click();
    const gallery = page.getByTestId('view-gallery');
    const tiles = gallery.getByTestId('gallery-tile');
    await gallery.locator('[data-picture="preview"] img').first().waitFor({ timeout: 90_000 });
    const previewAt = Date.now() - started;
    const sampling = await gallery.getByTestId('gallery-progress').getAttribute('aria-valuetext');
    await gallery.locator('[data-picture="final"] img').nth(15).waitFor({ timeout: 90_000 });
    // cameras.json is written after the last view: wait for the angle of the last tile.
    await gallery.locator('[data-view="15"] [data-testid="tile-angle"][title]').waitFor({ timeout: 10_000 });
    console.log(
      `# diffusion job: first preview tile ${previewAt} ms (${sampling}), 16 final views ${Date.now() - started} ms`,
    );
    assert.match(sampling ?? '', /diffusion|step/, 'the bar speaks of the sampling steps');

    const cameras = parseViewAngles(
      JSON.parse(await readFile(join(jobsRoot, job.id, 'views/cameras.json'), 'utf8')),
    );
    assert.equal(cameras?.length, 16);
    assert.equal(await tiles.count(), 16);
    for (const [index, tile] of (await tiles.all()).entries()) {
      assert.equal(await tile.getAttribute('data-view'), String(index), 'tiles in view order');
      assert.equal(await tile.getAttribute('data-picture'), 'final');
      const label = await tile.getByTestId('tile-angle').getAttribute('title');
      assert.equal(label, angleLabel(cameras![index]!), `view ${index}'s angle`);
      assert.match(
        (await tile.getAttribute('aria-label')) ?? '',
        new RegExp(`^view ${String(index).padStart(2, '0')}, azimuth`),
      );
    }
    const pixels = await imageStats(page, '[data-testid="view-gallery"] [data-testid="gallery-tile"] img');
    assert.equal(pixels.length, 16);
    for (const [index, p] of pixels.entries()) {
      assert.ok(
        p.width > 0 && p.width === p.height,
        `view ${index} is a square picture (${p.width}x${p.height})`,
      );
      assert.ok(p.lumaStd > 2, `view ${index} is not blank (luma std ${p.lumaStd.toFixed(1)})`);
    }
    console.log(
      `# gallery pictures ${pixels[0]?.width} px, luma std ${Math.min(...pixels.map((p) => p.lumaStd)).toFixed(1)}…${Math.max(...pixels.map((p) => p.lumaStd)).toFixed(1)}`,
    );
    await gallery.screenshot({ path: join(SHOTS, 'gallery.png') });

    await tiles.nth(3).click();
    const enlarged = page.getByTestId('enlarged-view');
    await enlarged.getByTestId('enlarged-picture').waitFor();
    assert.match(await enlarged.innerText(), /view 03/);
    assert.equal(await tiles.nth(3).getAttribute('aria-pressed'), 'true');
    const big = await imageStats(page, '[data-testid="enlarged-picture"]');
    assert.ok((big[0]?.lumaStd ?? 0) > 2, 'the enlarged view is the picture, not blank');
    await page.screenshot({ path: join(SHOTS, 'studio-gallery-enlarged.png') });

    // The job goes on to reconstruct from the views: cancel it from the gallery (the same cancel path).
    const cancel = gallery.getByTestId('gallery-cancel');
    if (await cancel.isEnabled()) {
      await cancel.click();
      await page.locator('[data-testid="job-state"][data-state="cancelled"]').waitFor({ timeout: 20_000 });
      assert.ok(await cancel.isDisabled(), 'nothing left to cancel');
    }
    console.log(
      `# diffusion job ${await page.getByTestId('job-state').innerText()} after ${Date.now() - started} ms`,
    );
    await enlarged.getByRole('button', { name: 'Close the enlarged view' }).click();
    await enlarged.waitFor({ state: 'detached' });
    await page.locator(`[data-job-id="${job.id}"]`).getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('confirm-delete-ok').click();
    await page.locator(`[data-job-id="${job.id}"]`).waitFor({ state: 'detached' });
  });

  it('says on the photo when the face is turned too far for a true head (the turned cameraman)', async () => {
    session.answer('openPhotos', [CAMERAMAN]);
    await page.getByTestId('import-button').click();
    const note = page.getByTestId('turned-face-note');
    await note.waitFor({ timeout: 120_000 });
    assert.match(await note.innerText(), /turned \d+° to the right.*partly guessed/s);
    assert.match(await page.getByTestId('overlay-estimator').innerText(), /turned \d+° to the right/);
    await page.locator('[data-testid="job-state"][data-state="done"]').waitFor({ timeout: 120_000 });
    await page.locator('.photo-pane').screenshot({ path: join(SHOTS, 'studio-turned-face.png') });
    const job = page.locator('[data-testid="job-list"] li', { hasText: 'cameraman.png' });
    await job.getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('confirm-delete-ok').click();
    await job.waitFor({ state: 'detached' });
  });

  it('rejects malformed calls in the handler table, as main would', async () => {
    const result = await page.evaluate(async () => {
      const api = (globalThis as unknown as PageBridge).studio;
      try {
        await api.readArtifact('../escape', 'photo.png');
        return 'accepted';
      } catch (error) {
        return (error as Error).message;
      }
    });
    assert.match(result, new RegExp(`${IPC.readArtifact}: invalid arguments`));
  });

  it('had no page errors or CSP violations', () => {
    assert.deepEqual(pageProblems, []);
  });
});
