/**
 * The job history and the job's panels in a real browser on a real backend and engine (one session,
 * one done projection job of the sample photo, support/done-job.ts): the list's thumbnail, the quality panel against the job's own report.json, the
 * provider panel against the engine's diagnostics, "Re-run from… export" with another texture size
 * (only export runs again; the report's texture size changes on disk), and the presets.
 *
 * Run: node --import tsx --test tests/renderer/studio-jobs.test.ts   (screenshots in test-output/renderer/)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { JOB_PATHS, JobRecord, STAGE_IDS } from '../../src-main/shared/protocol';
import { describeYaw } from '../../src-main/shared/photo-pose';
import { imageStats } from './support/image-pixels';
import { doneSampleJobs } from './support/done-job';
import { openStudioSession, SHOTS, showOnlyJob, type StudioSession } from './support/studio-session';

interface ReportFile {
  stages: Record<string, { ms?: number }>;
  metrics?: {
    flatness?: { maxShare: number; meanShare: number };
    views: { source: string; azimuthDeg: number; flatShare?: number }[];
  };
  mesh: { textureSize: number };
  estimate: { pose: { yaw: number } };
  hair: { style: string; iou: number };
}

describe(
  'job history, quality report and provider panels (chromium, real backend and engine)',
  { timeout: 300_000 },
  () => {
    let session: StudioSession;
    let page: Page;
    let jobId: string;

    const jobFile = async <T>(path: string): Promise<T> =>
      JSON.parse(await readFile(join(session.jobsRoot, jobId, path), 'utf8')) as T;
    const rowValue = (key: string) => page.locator(`[data-row="${key}"] .value`).innerText();
    /** The first number in a row's text ("2.51 s", "12.3 %"). */
    const shownNumber = async (key: string): Promise<number> => {
      const text = await rowValue(key);
      const match = /-?\d+(\.\d+)?/.exec(text);
      assert.ok(match, `row ${key} shows a number (${text})`);
      return Number(match[0]);
    };

    before(async () => {
      session = await openStudioSession({ jobsFrom: await doneSampleJobs() });
      page = session.page;
      jobId = await showOnlyJob(session);
    });

    after(async () => {
      await session?.close();
    });

    it('lists the job with a thumbnail that is a picture, its name, date and generator/estimator', async () => {
      const entry = page.locator(`[data-testid="job-list"] li[data-job-id="${jobId}"][data-state="done"]`);
      // A finished job shows its preview's front render (before that, its photo).
      const selector = `li[data-job-id="${jobId}"] [data-testid="job-thumbnail"][data-source="export/preview/front.png"]`;
      await page.locator(selector).waitFor();
      await page.waitForFunction((selector) => {
        const doc = (
          globalThis as unknown as {
            document: { querySelector(s: string): { complete: boolean; naturalWidth: number } | null };
          }
        ).document;
        const img = doc.querySelector(selector);
        return !!img && img.complete && img.naturalWidth > 0;
      }, selector);
      const [stats] = await imageStats(page, selector);
      console.log(
        `# thumbnail ${stats?.width}x${stats?.height}, luma std ${stats?.lumaStd.toFixed(1)}, inked ${stats?.inked.toFixed(2)}`,
      );
      assert.ok(stats && stats.width > 0 && stats.width <= 96, 'a small thumbnail');
      assert.ok(stats.lumaStd > 8, `the thumbnail is not blank (luma std ${stats.lumaStd})`);
      assert.ok(stats.inked > 0.2, `the thumbnail shows something (inked ${stats.inked})`);
      assert.match(await entry.innerText(), /astronaut\.png/);
      assert.equal((await entry.getByTestId('job-summary').innerText()).trim(), 'projection · builtin');
      await page.locator('aside.side').screenshot({ path: join(SHOTS, 'jobs-panel.png') });
    });

    it('shows the stage timings and flatness figures of the job’s own report.json, and what it did not compute', async () => {
      const report = await jobFile<ReportFile>(JOB_PATHS.report);
      await page.locator('[data-row="timing.total"]').waitFor();
      const job = JobRecord.parse(await jobFile('job.json'));
      let total = 0;
      for (const stage of STAGE_IDS) {
        // The report is written during export: its time comes from job.json.
        const ms = stage === 'export' ? job.stages.export?.ms : report.stages[stage]?.ms;
        if (ms === undefined) continue;
        total += ms;
        const shown = await shownNumber(`timing.${stage}`);
        console.log(`# ${stage}: report ${ms.toFixed(1)} ms, shown ${shown} s`);
        assert.ok(Math.abs(shown * 1000 - ms) <= 5.01, `${stage}: shown ${shown} s for ${ms} ms`);
      }
      assert.ok(Math.abs((await shownNumber('timing.total')) * 1000 - total) <= 5.01, 'total');

      const flatness = report.metrics?.flatness;
      assert.ok(flatness, 'a projection job measures flatness');
      const max = await shownNumber('flatness.max');
      const mean = await shownNumber('flatness.mean');
      console.log(
        `# flatness: file max ${flatness.maxShare} mean ${flatness.meanShare}, shown ${max} % / ${mean} %`,
      );
      assert.ok(Math.abs(max - flatness.maxShare * 100) <= 0.0501, 'max flatness');
      assert.ok(Math.abs(mean - flatness.meanShare * 100) <= 0.0501, 'mean flatness');
      const views = report.metrics?.views.filter((v) => v.flatShare !== undefined) ?? [];
      assert.ok(views.length >= 2, 'flatness per view');
      for (const v of views) {
        const shown = await shownNumber(`flatness.${v.source}.${v.azimuthDeg}`);
        assert.ok(Math.abs(shown - v.flatShare! * 100) <= 0.0501, `flatness at ${v.azimuthDeg}°`);
      }
      // Flatness only (the projection default): identity and Janus are marked as not computed.
      for (const key of ['identity', 'janus']) {
        const row = page.locator(`[data-row="${key}"]`);
        assert.equal(await row.getAttribute('data-missing'), 'true', key);
        assert.match(await row.innerText(), /not computed/);
      }
      // The astronaut faces the camera: her pose row says so, with no warning.
      assert.equal(await rowValue('photo.pose'), describeYaw(report.estimate.pose.yaw));
      assert.ok(Math.abs(report.estimate.pose.yaw) < 10, `fitted yaw ${report.estimate.pose.yaw}`);
      assert.equal(await rowValue('photo.hair'), `${report.hair.style} · IoU ${report.hair.iou.toFixed(2)}`);
      assert.equal(await rowValue('provider.used'), 'not used');
      assert.equal(await rowValue('mesh.textureSize'), `${report.mesh.textureSize} px`);
      assert.equal(await rowValue('settings.generator'), 'projection');
      const panel = page.getByTestId('quality-report');
      await panel.screenshot({ path: join(SHOTS, 'quality-report.png') });
      await page.locator('[data-row="settings.generator"]').scrollIntoViewIfNeeded();
      await panel.screenshot({ path: join(SHOTS, 'quality-report-end.png') });
    });

    it('lists the detected providers from the engine and the one in use', async () => {
      const diagnostics = await session.backend.diagnostics();
      const panel = page.getByTestId('provider-panel');
      await panel.getByTestId('provider-in-use').waitFor();
      const cpu = panel.locator('[data-backend="cpu"]');
      assert.equal(await cpu.count(), 1, 'the CPU provider is listed');
      assert.equal(await cpu.getAttribute('data-bundled'), 'true');
      const inUse = await panel.getByTestId('provider-in-use').getAttribute('data-provider');
      console.log(
        `# providers: ${diagnostics.onnxRuntime.backends.map((b) => b.name).join(', ')}; auto → ${inUse}`,
      );
      assert.equal(inUse, diagnostics.onnxRuntime.autoOrder[0]);
      for (const skipped of diagnostics.onnxRuntime.skipped)
        assert.match(
          await panel.getByTestId('provider-fallbacks').innerText(),
          new RegExp(`not ${skipped.provider}`),
        );
      // Asking for DirectML here (not Windows) says it falls back to the CPU, and why.
      await page.getByTestId('provider-select').selectOption('dml');
      assert.equal(await panel.getByTestId('provider-in-use').getAttribute('data-provider'), 'cpu');
      assert.match(await panel.getByTestId('provider-fallbacks').innerText(), /not dml/);
      await page.getByTestId('provider-select').selectOption('auto');
    });

    it('re-runs from export with another texture size: export alone runs again, the report on disk changes', async () => {
      const before = await jobFile<ReportFile>(JOB_PATHS.report);
      const jobBefore = JobRecord.parse(await jobFile('job.json'));
      assert.equal(before.mesh.textureSize, 1024, 'the default texture size');
      await page.getByTestId('texture-size-select').selectOption('512');
      const ended = session.backend.waitForJob(jobId);
      await page.locator(`li[data-job-id="${jobId}"] [data-testid="rerun-select"]`).selectOption('export');
      const outcome = await ended;
      assert.equal(outcome.state, 'done');
      const after = await jobFile<ReportFile>(JOB_PATHS.report);
      const jobAfter = JobRecord.parse(await jobFile('job.json'));
      console.log(
        `# re-run export: texture ${before.mesh.textureSize} → ${after.mesh.textureSize}; export ${jobBefore.stages.export?.ms} → ${jobAfter.stages.export?.ms} ms`,
      );
      assert.equal(after.mesh.textureSize, 512);
      assert.equal(jobAfter.settings.export.textureSize, 512);
      assert.deepEqual(
        jobAfter.settings.export.formats,
        jobBefore.settings.export.formats,
        'other export settings kept',
      );
      for (const stage of ['segment', 'estimate', 'generate'] as const)
        assert.equal(jobAfter.stages[stage]?.ms, jobBefore.stages[stage]?.ms, `${stage} did not run again`);
      assert.notEqual(jobAfter.stages.export?.ms, jobBefore.stages.export?.ms, 'export ran again');
      // The panel follows: the new report and the settings the job now has.
      await page.locator('[data-row="mesh.textureSize"] .value', { hasText: '512 px' }).waitFor();
      await page.locator('[data-row="settings.textureSize"] dd', { hasText: '512 px' }).waitFor();
      // …and the new export time (job.json's; the report holds the previous run's).
      const exportSeconds = `${(jobAfter.stages.export!.ms! / 1000).toFixed(2)} s`;
      await page.locator('[data-row="timing.export"] .value', { hasText: exportSeconds }).waitFor();
      await page.screenshot({ path: join(SHOTS, 'jobs-window.png') });
    });

    it('presets set the fields of their table row; editing one makes the preset custom', async () => {
      const preset = page.getByTestId('preset-select');
      await preset.selectOption('best');
      assert.equal(await page.getByTestId('generator-select').inputValue(), 'diffusion');
      assert.equal(await page.getByTestId('texture-size-select').inputValue(), '2048');
      await preset.selectOption('fast');
      assert.equal(await page.getByTestId('generator-select').inputValue(), 'projection');
      assert.equal(await page.getByTestId('texture-size-select').inputValue(), '512');
      await preset.selectOption('balanced');
      assert.equal(await page.getByTestId('texture-size-select').inputValue(), '1024');
      await page.getByTestId('texture-size-select').selectOption('4096');
      assert.equal(await preset.inputValue(), 'custom');
      assert.deepEqual(session.pageProblems, []);
    });

    it('a folder whose job.json is damaged is said under the list with the reason, and left as it is', async () => {
      const damaged = join(session.jobsRoot, '20260101-000000-damage');
      await mkdir(damaged);
      await writeFile(join(damaged, 'job.json'), '{ torn');
      await page.reload();
      const note = page.getByTestId('unreadable-job');
      await note.waitFor();
      assert.match(await note.innerText(), /20260101-000000-damage[\s\S]*is not valid JSON/);
      await page.locator(`[data-job-id="${jobId}"]`).waitFor();
      assert.equal(
        await page.locator('[data-job-id]').count(),
        1,
        'the damaged folder is not listed as a job',
      );
      assert.equal(await readFile(join(damaged, 'job.json'), 'utf8'), '{ torn', 'nothing was changed');
      await page.getByTestId('unreadable-jobs').screenshot({ path: join(SHOTS, 'jobs-unreadable.png') });
      assert.deepEqual(session.pageProblems, []);
    });
  },
);
