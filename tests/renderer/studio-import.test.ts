/**
 * The studio's import and keyboard, in a real browser on a real backend and engine (studio-session.ts):
 * photos dropped at once become a queue that runs them one after another (one is removed while it
 * waits; a no-face photo fails there with a clear message and the queue goes on), a pasted image
 * becomes a job, the recent photos list them and import one again, the crop box on a two-person photo
 * is adjusted with the keyboard and applied (the job re-runs from ingest on the cropped photo: the one
 * projection job of this file), the shortcuts work (Ctrl+O, ?, arrows, Delete, Escape), and axe-core
 * finds no serious or critical violations with that job shown.
 *
 * Run: node --import tsx --test tests/renderer/studio-import.test.ts   (screenshots in test-output/renderer/)
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import type { StudioBackend } from '../../src-main/host/studio-backend';
import { JOB_PATHS, endsJobRun, type StudioEvent } from '../../src-main/shared/protocol';
import { inputPhotoPath } from '../../src-main/shared/input-file-name';
import { COFFEE, twoFacesPhoto } from '../support/photos';
import { dropFiles, pasteFile } from './support/drop-file';
import { openStudioSession, SHOTS, type StudioSession } from './support/studio-session';

const TWO_FACES = 'two-people.png';
const NO_FACE = 'coffee.png';
const PASTED = 'pasted-coffee.png';
const REMOVED = 'removed.png';

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
}

describe('studio import, crop and keyboard (chromium, real backend and engine)', { timeout: 420_000 }, () => {
  let session: StudioSession;
  let page: Page;
  let backend: StudioBackend;
  /** Every backend event in order: [type, jobId]. */
  const events: [string, string | undefined][] = [];
  const jobIdOf = async (name: string) => (await backend.listJobs()).find((j) => j.sourceName === name)?.id;
  const queueItem = (name: string) => page.locator(`[data-testid="queue-item"]`, { hasText: name });

  before(async () => {
    session = await openStudioSession();
    ({ page, backend } = session);
    backend.on('event', (e: StudioEvent) => events.push([e.type, 'jobId' in e ? e.jobId : undefined]));
  });
  after(async () => {
    await session?.close();
  });

  it('queues three photos dropped at once, one removed while waiting; the others run one after the other, a failure shown and the queue going on', async () => {
    const twoFaces = (await twoFacesPhoto()).photo.png;
    // Every queue the page renders, recorded as it renders: a job that fails within its own import
    // call goes from starting to failed in one update, so polling for "running" can miss it.
    await page.evaluate(recordQueueRenders);
    // The third photo is removed the moment its Remove button shows: the first two fail within
    // seconds, and a click from here can come after the queue has started it.
    await page.evaluate(removeFromQueueOnSight, REMOVED);
    await dropFiles(page, [
      { name: TWO_FACES, type: 'image/png', bytes: twoFaces },
      { name: NO_FACE, type: 'image/png', bytes: await readFile(COFFEE) },
      { name: REMOVED, type: 'image/png', bytes: await readFile(COFFEE) },
    ]);
    await page.getByTestId('import-queue').waitFor();
    // a waiting photo removed never becomes a job
    await queueItem(REMOVED).waitFor({ state: 'detached' });
    await page.screenshot({ path: join(SHOTS, 'import-queue.png') });
    assert.equal(await page.getByTestId('queue-item').count(), 2);

    await queueItem(NO_FACE).and(page.locator('[data-state="failed"]')).waitFor({ timeout: 120_000 });
    assert.equal(await queueItem(TWO_FACES).getAttribute('data-state'), 'failed');
    const twoFacesError = await queueItem(TWO_FACES).getByTestId('queue-error').innerText();
    const noFaceError = await queueItem(NO_FACE).getByTestId('queue-error').innerText();
    console.log(`# queue errors: ${TWO_FACES}: ${twoFacesError} | ${NO_FACE}: ${noFaceError}`);
    assert.match(twoFacesError, /2 faces.*crop the photo to one face/s);
    assert.match(noFaceError, /No face was found/);

    // While one runs, the others wait; a waiting photo can be removed, a started one cannot.
    const renders = await page.evaluate(() => (globalThis as unknown as QueueRenderGlobals).queueRenders);
    const started = (r: QueueRow) => r.state === 'starting' || r.state === 'running';
    console.log(
      `# queue renders: ${renders.map((rows) => rows.map((r) => `${r.name}:${r.state}`).join(' ')).join(' | ')}`,
    );
    assert.ok(renders.length >= 3, 'the queue was rendered as it changed');
    for (const rows of renders) {
      assert.ok(rows.filter(started).length <= 1, `two photos started at once: ${JSON.stringify(rows)}`);
      for (const r of rows) {
        if (r.state === 'waiting') assert.ok(r.removable, `a waiting photo cannot be removed: ${r.name}`);
        if (started(r)) assert.ok(!r.removable, `a started photo can be removed: ${r.name}`);
      }
    }
    const stateOf = (rows: QueueRow[], name: string) => rows.find((r) => r.name === name)?.state;
    assert.ok(
      renders.some(
        (rows) => started(rows.find((r) => r.name === TWO_FACES)!) && stateOf(rows, NO_FACE) === 'waiting',
      ),
      'the first photo ran while the second waited',
    );
    assert.ok(
      renders.some(
        (rows) => stateOf(rows, TWO_FACES) === 'failed' && started(rows.find((r) => r.name === NO_FACE)!),
      ),
      'the second photo ran after the first failed',
    );

    // one after the other: the second job's first event comes after the first job's end
    const first = await jobIdOf(TWO_FACES);
    const second = await jobIdOf(NO_FACE);
    assert.ok(first && second);
    const firstEnd = events.findIndex(
      ([type, id]) => id === first && endsJobRun({ type, jobId: id } as StudioEvent),
    );
    const secondStart = events.findIndex(([, id]) => id === second);
    console.log(`# events: first job ends at #${firstEnd}, second job's first event #${secondStart}`);
    assert.ok(firstEnd >= 0 && secondStart > firstEnd, 'the second job started after the first ended');
    assert.equal(await jobIdOf(REMOVED), undefined, 'the removed photo made no job');
  });

  it('imports a pasted image as a job, lists the photos as recent ones and imports one again', async () => {
    const coffee = await readFile(COFFEE);
    await pasteFile(page, PASTED, 'image/png', coffee);
    await queueItem(PASTED).and(page.locator('[data-state="failed"]')).waitFor({ timeout: 120_000 });
    const pastedJob = await jobIdOf(PASTED);
    assert.ok(pastedJob, 'the paste made a job');
    assert.deepEqual(
      new Uint8Array(await backend.readArtifact(pastedJob, inputPhotoPath(PASTED))),
      new Uint8Array(coffee),
    );

    const recent = page.getByTestId('recent-photo');
    await page.locator(`[data-testid="recent-photo"][data-name="${PASTED}"] img`).waitFor();
    const names = await recent.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
    console.log(`# recent photos: ${names.join(', ')}`);
    assert.deepEqual(names, [PASTED, NO_FACE, TWO_FACES]);
    assert.equal(await page.locator('[data-testid="recent-photo"] img').count(), 3, 'each has a thumbnail');

    // again: a new job from the stored bytes
    const before = (await backend.listJobs()).length;
    await page.locator(`[data-testid="recent-photo"][data-name="${NO_FACE}"]`).click();
    await page
      .locator('[data-testid="queue-item"][data-state="failed"]')
      .nth(3)
      .waitFor({ timeout: 120_000 });
    const jobs = await backend.listJobs();
    assert.equal(jobs.length, before + 1);
    const again = jobs.filter((j) => j.sourceName === NO_FACE).map((j) => j.id);
    assert.equal(again.length, 2);
    const [a, b] = await Promise.all(again.map((id) => backend.readArtifact(id, inputPhotoPath(NO_FACE))));
    assert.deepEqual(new Uint8Array(a!), new Uint8Array(b!), 'the same photo bytes');
  });

  it('adjusts the crop box on the two-person photo with the mouse and the keyboard; Apply re-runs the job from ingest', async () => {
    const jobId = (await jobIdOf(TWO_FACES))!;
    await page.locator(`[data-job-id="${jobId}"] [data-testid="job-select"]`).click();
    const box = page.getByTestId('crop-box');
    await box.waitFor({ timeout: 15_000 });
    const read = async () => {
      const [x, y, width, height] = await Promise.all(
        ['data-x', 'data-y', 'data-width', 'data-height'].map(async (a) => Number(await box.getAttribute(a))),
      );
      return { x: x!, y: y!, width: width!, height: height! };
    };
    // The store reads the job's faces over IPC after the box first shows (under load the box can show
    // the default first): wait for the faces, then assert on where it ended up.
    await page
      .waitForFunction(
        () => {
          const el = document.querySelector('[data-testid="crop-box"]');
          return !!el && Number(el.getAttribute('data-x')) + Number(el.getAttribute('data-width')) / 2 < 220;
        },
        null,
        { timeout: 15_000 },
      )
      .catch(() => undefined);
    const initial = await read();
    console.log(`# crop box at start: ${JSON.stringify(initial)}`);
    // around the left (larger) person: the box's centre is in the photo's left half
    assert.ok(initial.x + initial.width / 2 < 220, 'centred on the left face');
    // the mouse: drag the box to the right, then its corner handle inwards
    const area = (await box.boundingBox())!;
    await page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
    await page.mouse.down();
    await page.mouse.move(area.x + area.width / 2 + 30, area.y + area.height / 2, { steps: 3 });
    await page.mouse.up();
    const dragged = await read();
    assert.ok(
      dragged.x > initial.x && dragged.width === initial.width,
      `dragged: ${JSON.stringify(dragged)}`,
    );
    const handle = (await box.locator('.crop-handle').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 - 25, handle.y + handle.height / 2, { steps: 3 });
    await page.mouse.up();
    const start = await read();
    console.log(`# crop box after the mouse: ${JSON.stringify(start)}`);
    assert.ok(start.width < dragged.width && start.x === dragged.x, 'the corner handle resizes it');
    await box.focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('Shift+ArrowLeft');
    await page.keyboard.press('ArrowDown');
    const adjusted = await read();
    console.log(`# crop box after the keys: ${JSON.stringify(adjusted)}`);
    assert.equal(adjusted.width, start.width - 16, 'Shift+← narrows it by 4 × 1 % of 440 px');
    assert.ok(adjusted.y === start.y + 4 || adjusted.y + adjusted.height === 290, 'moved down');
    assert.match(
      await page.getByTestId('crop-size').innerText(),
      new RegExp(`${adjusted.width} × ${adjusted.height} px`),
    );
    await page.screenshot({ path: join(SHOTS, 'crop-box.png') });

    const ingestAgain = events.length;
    await page.getByTestId('crop-apply').click();
    await page.locator('[data-testid="job-state"][data-state="done"]').waitFor({ timeout: 180_000 });
    await page.locator('[data-testid="model-canvas"][data-status="shown"]').waitFor({ timeout: 30_000 });
    assert.ok(
      events.slice(ingestAgain).some(([type, id]) => type === 'stageStarted' && id === jobId),
      'the job ran again',
    );
    const job = await backend.getJob(jobId);
    assert.deepEqual(job.settings.crop, adjusted);
    const photo = await sharp(await backend.readArtifact(jobId, JOB_PATHS.photo)).metadata();
    console.log(`# cropped photo.png: ${photo.width}×${photo.height}`);
    assert.deepEqual([photo.width, photo.height], [adjusted.width, adjusted.height]);
    const report = JSON.parse(
      new TextDecoder().decode(await backend.readArtifact(jobId, JOB_PATHS.ingestReport)),
    );
    assert.deepEqual(report.crop, adjusted, 'ingest records the crop');
    const faces = JSON.parse(new TextDecoder().decode(await backend.readArtifact(jobId, JOB_PATHS.faces)));
    assert.equal(faces.faces.length, 1, 'one face left in the crop');
  });

  it('has keyboard shortcuts: help, job list arrows, Delete asks first, Escape closes', async () => {
    await page.locator('h1.brand').click(); // the focus out of the crop box, on nothing in particular
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-help').waitFor();
    assert.match(await page.getByTestId('shortcuts-help').innerText(), /Ctrl\+O[\s\S]*Delete[\s\S]*Escape/);
    await page.keyboard.press('Escape');
    await page.getByTestId('shortcuts-help').waitFor({ state: 'detached' });

    const listed = await page
      .getByTestId('job-select')
      .evaluateAll((els) => els.map((e) => e.textContent?.trim()));
    const selected = () => page.locator('[data-testid="job-select"][aria-current="true"]').innerText();
    const at = listed.indexOf(await selected());
    assert.ok(at >= 0 && listed.length >= 2);
    // towards the other end of the list, and back
    const [there, back] = at === listed.length - 1 ? ['ArrowUp', 'ArrowDown'] : ['ArrowDown', 'ArrowUp'];
    await page.keyboard.press(there);
    assert.equal(
      await selected(),
      listed[there === 'ArrowDown' ? at + 1 : at - 1],
      `${there} moves in the job list`,
    );
    await page.keyboard.press(back);
    assert.equal(await selected(), listed[at]);

    // Ctrl+O opens the import dialog (answered: cancelled)
    const dialogs = session.dialogCalls.length;
    await page.keyboard.press('Control+o');
    await page.waitForFunction(() => true); // let the IPC call go out
    for (let i = 0; i < 50 && session.dialogCalls.length === dialogs; i++) await page.waitForTimeout(100);
    assert.deepEqual(
      session.dialogCalls.slice(dialogs).map((c) => c.dialog),
      ['openPhotos'],
    );

    const count = (await backend.listJobs()).length;
    await page.keyboard.press('Delete');
    await page.getByTestId('confirm-delete').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('confirm-delete').waitFor({ state: 'detached' });
    assert.equal((await backend.listJobs()).length, count, 'Escape keeps the job');
  });

  it('axe-core finds no serious or critical violations with a job shown, the crop box and the help open', async () => {
    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    // the page's CSP allows no inline script: evaluate the source through the DevTools protocol
    await page.evaluate(await readFile(axePath, 'utf8'));
    const runAxe = async (what: string) => {
      const result = (await page.evaluate(() =>
        (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
      )) as AxeResult;
      const byImpact: Record<string, number> = {};
      for (const v of result.violations)
        byImpact[v.impact ?? 'none'] = (byImpact[v.impact ?? 'none'] ?? 0) + 1;
      console.log(`# axe violations by impact, ${what}: ${JSON.stringify(byImpact)}`);
      for (const v of result.violations)
        console.log(
          `#   ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`,
        );
      return result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id);
    };
    const bad = [...(await runAxe('done job shown'))];
    await page.getByTestId('crop-toggle').click();
    await page.getByTestId('crop-box').waitFor();
    bad.push(...(await runAxe('crop box shown')));
    await page.getByTestId('shortcuts-button').click();
    await page.getByTestId('shortcuts-help').waitFor();
    bad.push(...(await runAxe('shortcuts help open')));
    await page.keyboard.press('Escape');
    await page.getByTestId('models-button').click();
    await page.locator('[data-testid="pack-table"][data-loading="false"]').waitFor();
    bad.push(...(await runAxe('model manager open')));
    await page.getByTestId('model-manager-close').click();
    await page.getByTestId('export-button').click();
    await page.getByTestId('export-dialog').waitFor();
    bad.push(...(await runAxe('export dialog open')));
    await page.getByTestId('export-close').click();
    assert.deepEqual(bad, []);
    assert.deepEqual(session.pageProblems, []);
  });
});

interface QueueRow {
  name: string;
  state: string | null;
  removable: boolean;
}
/** The few page globals used (tests are type-checked without the DOM library). */
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  click(): void;
}
interface QueueRenderGlobals {
  queueRenders: QueueRow[][];
  document: { body: unknown; querySelectorAll(selector: string): Iterable<PageElement> };
  MutationObserver: new (callback: () => void) => {
    observe(target: unknown, options: object): void;
    disconnect(): void;
  };
}

/** Runs in the page: keeps each distinct rendering of the import queue's rows, in order. */
function recordQueueRenders(): void {
  const page = globalThis as unknown as QueueRenderGlobals;
  page.queueRenders = [];
  let last = '';
  // no named inner functions: the test build wraps those in a helper the page does not have
  new page.MutationObserver(() => {
    const rows = [...page.document.querySelectorAll('[data-testid="queue-item"]')].map((item) => ({
      name: item.querySelector('.queue-name')?.textContent?.trim() ?? '',
      state: item.getAttribute('data-state'),
      removable: item.querySelector('[data-testid="queue-remove"]') !== null,
    }));
    const key = JSON.stringify(rows);
    if (rows.length > 0 && key !== last) page.queueRenders.push(rows);
    last = key;
  }).observe(page.document.body, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-state'],
  });
}

/** Runs in the page: clicks the Remove button of the queued photo `name` as soon as it is rendered. */
function removeFromQueueOnSight(name: string): void {
  const page = globalThis as unknown as QueueRenderGlobals & {
    document: {
      querySelectorAll(s: string): Iterable<{ querySelector(s: string): { click(): void } | null }>;
    };
  };
  const observer = new page.MutationObserver(() => {
    for (const item of page.document.querySelectorAll('[data-testid="queue-item"]')) {
      const label = item.querySelector('.queue-name');
      const remove = item.querySelector('[data-testid="queue-remove"]');
      if (label?.textContent?.trim() !== name || !remove) continue;
      remove.click();
      observer.disconnect();
    }
  });
  observer.observe(page.document.body, { subtree: true, childList: true });
}
