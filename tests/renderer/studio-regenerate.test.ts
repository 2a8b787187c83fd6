/**
 * The view gallery's time left and "New seed" for one view, in chromium over the real IPC handler
 * table, StudioBackend and engine child process, with the tiny random-weight diffusion pack
 * (tests/diffusion/support/fixture.ts). One diffusion job (6 steps): the bar shows the time left while
 * it samples; view 05 enlarged gets a candidate from another seed (different pixels) that is discarded
 * (file gone, view unchanged), then a second candidate that is kept (it becomes views/05.png, the old
 * picture is views/candidates/05-previous.png) and reconstruct → export run again to done.
 *
 * Run: node --import tsx --test tests/renderer/studio-regenerate.test.ts   (screenshots in test-output/renderer/)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import type { JobOutcome, StudioBackend } from '../../src-main/host/studio-backend';
import type { StudioEvent } from '../../src-main/shared/protocol';
import { candidatePath, previousViewPath, viewPath } from '../../src-main/shared/view-candidate-rules';
import { diffusionFixture } from '../diffusion/support/fixture';
import { ASTRONAUT } from '../support/photos';
import { imageStats } from './support/image-pixels';
import { openStudioSession, SHOTS, type StudioSession } from './support/studio-session';

/** Mean absolute difference of two PNGs' RGB values (0–255). */
async function meanPixelDifference(a: Uint8Array, b: Uint8Array): Promise<number> {
  const [x, y] = await Promise.all([a, b].map((png) => sharp(png).removeAlpha().raw().toBuffer()));
  assert.equal(x!.length, y!.length, 'pictures of one size');
  let sum = 0;
  for (let i = 0; i < x!.length; i++) sum += Math.abs(x![i]! - y![i]!);
  return sum / x!.length;
}

describe(
  'view gallery: time left, a new seed for one view (chromium, real engine)',
  { timeout: 600_000 },
  () => {
    let session: StudioSession;
    let page: Page;
    let backend: StudioBackend;
    let jobDir: string;
    let jobId: string;
    let firstRun: Promise<JobOutcome>;
    const events: StudioEvent[] = [];

    before(async () => {
      session = await openStudioSession();
      ({ page, backend } = session);
      backend.on('event', (event) => events.push(event));
      const { packDir } = await diffusionFixture();
      const job = await backend.importPhoto(ASTRONAUT, {
        generator: 'diffusion',
        diffusion: { pack: packDir, steps: 6, previewEvery: 1, seed: 3 },
        // the gallery is under test, not the quality figures (full ones after diffusion: 6–15 s a run)
        metrics: 'off',
      });
      jobId = job.id;
      jobDir = join(session.jobsRoot, jobId);
      firstRun = backend.waitForJob(jobId);
      await page.locator(`[data-testid="job-list"] li[data-job-id="${jobId}"]`).click();
    });

    after(async () => {
      await session?.close();
    });

    it('shows the time left while the views are sampled', async () => {
      const gallery = page.getByTestId('view-gallery');
      const timeLeft = gallery.getByTestId('gallery-time-left');
      // read text and aria-valuetext in one go: the estimate shows only for the last few steps
      const seen = await page.waitForFunction(
        () => {
          const text = document.querySelector('[data-testid="gallery-time-left"]')?.textContent ?? '';
          const bar = document.querySelector('[data-testid="gallery-progress"]');
          const valueText = bar?.getAttribute('aria-valuetext') ?? '';
          return text && valueText.includes(text.trim()) ? { text: text.trim(), valueText } : undefined;
        },
        undefined,
        { timeout: 180_000, polling: 50 },
      );
      const { text, valueText } = (await seen.jsonValue())!;
      await gallery.screenshot({ path: join(SHOTS, 'gallery-time-left.png') }).catch(() => undefined);
      console.log(`# time left during sampling: "${text}"; aria-valuetext "${valueText}"`);
      assert.match(text, /^(about (\d+ min )?\d+ s left|about \d+ min left|finishing)$/);
      assert.match(valueText, /diffusion step \d\/6 .* · /);
      const outcome = await firstRun;
      assert.equal(outcome.state, 'done', JSON.stringify(outcome.job.error));
      assert.equal(await timeLeft.count(), 0, 'no time left once the views are sampled');
    });

    it('samples view 05 again with a new seed beside the current one, and discards it', async () => {
      const tiles = page.getByTestId('view-gallery').getByTestId('gallery-tile');
      assert.equal((await firstRun).state, 'done');
      await page.locator('[data-testid="job-state"][data-state="done"]').waitFor({ timeout: 30_000 });
      await tiles.nth(5).click();
      const enlarged = page.getByTestId('enlarged-view');
      await enlarged.getByTestId('enlarged-picture').waitFor();
      const before = await readFile(join(jobDir, viewPath(5)));

      await assert.rejects(backend.regenerateView(jobId, 16, 1), /views 0–15; there is no view 16/);
      await enlarged.getByTestId('view-new-seed').click();
      const candidate = enlarged.getByTestId('view-candidate');
      await candidate
        .locator('[data-testid="candidate-progress"]')
        .waitFor({ timeout: 60_000 })
        .catch(() => {
          // a fast machine may be done before the bar is seen; the ready picture is what matters
        });
      await candidate.and(page.locator('[data-phase="ready"]')).waitFor({ timeout: 180_000 });
      await candidate.getByTestId('candidate-picture').waitFor();
      const seed = Number(await candidate.getAttribute('data-seed'));
      assert.match(await candidate.getByTestId('candidate-seed').innerText(), new RegExp(`seed ${seed}`));
      const file = join(jobDir, candidatePath(5, seed));
      const candidateBytes = await readFile(file);
      const difference = await meanPixelDifference(before, candidateBytes);
      const shown = await imageStats(page, '[data-testid="candidate-picture"]');
      console.log(
        `# candidate seed ${seed}: mean pixel difference to view 05 ${difference.toFixed(1)}, shown ${shown[0]?.width} px (luma std ${shown[0]?.lumaStd.toFixed(1)})`,
      );
      assert.ok(difference > 1, `the candidate differs from the current view (${difference})`);
      assert.ok((shown[0]?.lumaStd ?? 0) > 2, 'the candidate is shown, not blank');
      assert.ok(existsSync(join(jobDir, 'views/candidates')), 'candidates folder');
      assert.deepEqual(
        await readFile(join(jobDir, viewPath(5))),
        before,
        'views/05.png untouched by sampling',
      );
      await page.screenshot({ path: join(SHOTS, 'gallery-regenerate.png') });

      await candidate.getByTestId('candidate-discard').click();
      await candidate.waitFor({ state: 'detached', timeout: 30_000 });
      assert.ok(!existsSync(file), 'the discarded candidate is deleted');
      assert.deepEqual(await readFile(join(jobDir, viewPath(5))), before, 'views/05.png unchanged');
    });

    it('cancels a candidate while it samples: no file is left and the job stays done', async () => {
      const enlarged = page.getByTestId('enlarged-view');
      await enlarged.getByTestId('view-new-seed').click();
      const candidate = enlarged.getByTestId('view-candidate');
      await candidate.getByTestId('candidate-progress').waitFor({ timeout: 60_000 });
      const seed = Number(await candidate.getAttribute('data-seed'));
      const from = events.length;
      await candidate.getByTestId('candidate-cancel').click();
      await candidate.and(page.locator('[data-phase="failed"]')).waitFor({ timeout: 30_000 });
      const killed = events.slice(from).some((e) => e.type === 'engineExited');
      console.log(
        `# candidate cancelled ${killed ? 'by killing and restarting the engine (no answer in 0.8 s)' : 'by the engine'}`,
      );
      assert.match(await candidate.getByTestId('candidate-problem').innerText(), /cancelled/);
      assert.ok(!existsSync(join(jobDir, candidatePath(5, seed))), 'no candidate file');
      const left = (await readdir(join(jobDir, 'views/candidates'))).filter(
        (f) => !f.endsWith('-previous.png'),
      );
      assert.deepEqual(left, [], 'no scratch sampling folder left');
      assert.equal((await backend.getJob(jobId)).state, 'done');
      await candidate.getByTestId('candidate-dismiss').click();
      await candidate.waitFor({ state: 'detached' });
    });

    it('keeps a second candidate: it becomes view 05 and reconstruct → export run again', async () => {
      const enlarged = page.getByTestId('enlarged-view');
      const before = await readFile(join(jobDir, viewPath(5)));
      await enlarged.getByTestId('view-new-seed').click();
      const candidate = enlarged.getByTestId('view-candidate');
      await candidate.and(page.locator('[data-phase="ready"]')).waitFor({ timeout: 180_000 });
      const seed = Number(await candidate.getAttribute('data-seed'));
      const candidateBytes = await readFile(join(jobDir, candidatePath(5, seed)));
      const tile = page.locator('[data-testid="gallery-tile"][data-view="5"] img');
      const srcBefore = await tile.getAttribute('src');

      const rerun = backend.waitForJob(jobId);
      const from = events.length;
      await candidate.getByTestId('candidate-keep').click();
      await page.locator('[data-stage="reconstruct"][data-state="running"]').waitFor({ timeout: 60_000 });
      await assert.rejects(
        backend.regenerateView(jobId, 5, 1),
        /is running/,
        'no new seed while the job runs',
      );
      await page.screenshot({ path: join(SHOTS, 'gallery-regenerate-kept.png') });
      const outcome = await rerun;
      assert.equal(outcome.state, 'done', JSON.stringify(outcome.job.error));
      await page.locator('[data-testid="job-state"][data-state="done"]').waitFor({ timeout: 30_000 });

      assert.deepEqual(
        await readFile(join(jobDir, viewPath(5))),
        candidateBytes,
        'views/05.png is the candidate',
      );
      assert.deepEqual(await readFile(join(jobDir, previousViewPath(5))), before, 'the old view is kept');
      assert.ok(!existsSync(join(jobDir, candidatePath(5, seed))), 'the candidate moved into place');
      const started = events
        .slice(from)
        .filter((e) => e.type === 'stageStarted')
        .map((e) => (e.type === 'stageStarted' ? e.stage : ''));
      assert.deepEqual(started, ['reconstruct', 'export'], 'only reconstruct and export run again');
      // the tile reads views/05.png again (a new blob: URL) and shows the kept picture
      await page.waitForFunction(
        (before) =>
          document.querySelector('[data-testid="gallery-tile"][data-view="5"] img')?.getAttribute('src') !==
          before,
        srcBefore,
        { timeout: 10_000 },
      );
      const tileStats = await imageStats(page, '[data-testid="gallery-tile"][data-view="5"] img');
      console.log(
        `# kept seed ${seed}: stages run again ${started.join(' → ')}; tile 05 re-read (luma std ${tileStats[0]?.lumaStd.toFixed(1)})`,
      );
      assert.ok((tileStats[0]?.lumaStd ?? 0) > 2, 'the tile shows a picture');
      await page.screenshot({ path: join(SHOTS, 'gallery-regenerate-done.png') });
      assert.deepEqual(session.pageProblems, []);
    });
  },
);
