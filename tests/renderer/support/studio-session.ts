/**
 * One studio window in a real browser on a real backend, for the browser tests: the renderer built here
 * (electron-vite, under its production CSP) in Debian's chromium via playwright-core; `window.studio`
 * bridged to main's own IPC handler table (createIpcHandlers) over a real StudioBackend whose engine is
 * a real child process. Only the OS dialogs are answered by the test (a browser cannot show them):
 * `answer('openPhotos', [path])` queues what the next call of that dialog returns.
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { nodeEngineLauncher, projectRoot } from '../../../src-main/host/engine-process';
import { StudioBackend } from '../../../src-main/host/studio-backend';
import { RENDERER_CSP } from '../../../src-main/main/content-security-policy';
import { createIpcHandlers, type InvokeChannel } from '../../../src-main/main/ipc-handlers';
import type { StudioDialogs } from '../../../src-main/main/studio-dialogs';
import type { StudioApi } from '../../../src-main/shared/studio-api';
import { buildApp, type AppBuild } from './electron-vite-build';
import { bundlePageBridge } from './bundle-bridge';
import { decodeBytesDeep, encodeBytesDeep } from './bytes-codec';
import { canvasStats, type CanvasStats } from './canvas-pixels';
import { serveFolder } from './static-server';
import { STUDIO_ENGINE_ENV } from './studio-engine-env';

export const SHOTS = join(projectRoot(), 'test-output/renderer');
/** The viewport's clear colour (head-viewport.ts: Color4(0.13, 0.14, 0.16)) in 8-bit. */
export const VIEWPORT_BACKGROUND: [number, number, number] = [33, 36, 41];
const CHROMIUM_ARGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** What the page bridge (page-bridge.ts) puts on the page's global object. */
export interface PageBridge {
  __studioEmit(event: unknown): void;
  studio: StudioApi;
}

export type DialogName = keyof StudioDialogs;

export interface StudioSession {
  page: Page;
  backend: StudioBackend;
  jobsRoot: string;
  packsDir: string;
  /** The private build the page is served from (main/, preload/, renderer/). */
  buildOut: string;
  /** Page errors, HTTP errors and CSP violations seen so far. */
  pageProblems: string[];
  /** Queue the answer of the next call of one OS dialog (null: the user cancelled). */
  answer<K extends DialogName>(dialog: K, value: Awaited<ReturnType<StudioDialogs[K]>>): void;
  /** Calls of the dialogs so far, in order, with their arguments. */
  dialogCalls: { dialog: DialogName; args: unknown[] }[];
  close(): Promise<void>;
}

export interface StudioSessionOptions {
  /** Fill the packs folder before the engine starts. */
  preparePacks?: (packsDir: string) => Promise<unknown>;
  viewport?: { width: number; height: number };
  /** More environment for the engine (test hooks, with GEN3D_TEST_HOOKS=1). */
  engineEnv?: Record<string, string>;
  /** A jobs folder whose jobs the studio finds when it opens (done-job.ts). */
  jobsFrom?: string;
}

/** Every dialog answers from its queue; a dialog with nothing queued answers null (cancelled). */
function queuedDialogs(
  queues: Map<DialogName, unknown[]>,
  calls: StudioSession['dialogCalls'],
): StudioDialogs {
  return new Proxy({} as StudioDialogs, {
    get:
      (_target, name) =>
      async (...args: unknown[]) => {
        calls.push({ dialog: name as DialogName, args });
        const queue = queues.get(name as DialogName);
        return queue && queue.length > 0 ? queue.shift() : null;
      },
  });
}

export async function openStudioSession(options: StudioSessionOptions = {}): Promise<StudioSession> {
  const root = projectRoot();
  await mkdir(SHOTS, { recursive: true });
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const build: AppBuild = await buildApp(root);
    cleanups.push(() => build.dispose());
    const server = await serveFolder(join(build.out, 'renderer'), RENDERER_CSP);
    cleanups.push(() => server.close());
    const jobsRoot = await mkdtemp(join(tmpdir(), 'gen3d-renderer-jobs-'));
    cleanups.push(() => rm(jobsRoot, { recursive: true, force: true }));
    const packsDir = await mkdtemp(join(tmpdir(), 'gen3d-renderer-packs-'));
    cleanups.push(() => rm(packsDir, { recursive: true, force: true }));
    await options.preparePacks?.(packsDir);
    if (options.jobsFrom) await cp(options.jobsFrom, jobsRoot, { recursive: true });
    const backend = new StudioBackend({
      jobsRoot,
      launcher: nodeEngineLauncher({
        env: { GEN3D_PACKS_DIR: packsDir, ...STUDIO_ENGINE_ENV, ...options.engineEnv },
      }),
    });
    await backend.start();
    cleanups.push(() => backend.stop());
    const queues = new Map<DialogName, unknown[]>();
    const dialogCalls: StudioSession['dialogCalls'] = [];
    const handlers = createIpcHandlers(backend, queuedDialogs(queues, dialogCalls));

    const browser: Browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1440, height: 900 } });
    const pageProblems: string[] = [];
    page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) pageProblems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content Security Policy/i.test(message.text()))
        pageProblems.push(`console ${message.type()}: ${message.text()}`);
    });
    await page.exposeBinding('__studioInvoke', async (_source, channel: string, args: unknown) => {
      const handler = handlers[channel as InvokeChannel];
      if (!handler) throw new Error(`no handler for ${channel}`);
      const result = await handler(
        decodeBytesDeep(args, (text) => new Uint8Array(Buffer.from(text, 'base64'))),
      );
      return encodeBytesDeep(result, (bytes) => Buffer.from(bytes).toString('base64'));
    });
    await page.addInitScript({ content: await bundlePageBridge(root) });
    backend.on('event', (event) => {
      // Errors only while the page is closing.
      void page
        .evaluate((e) => (globalThis as unknown as PageBridge).__studioEmit(e), event)
        .catch(() => undefined);
    });
    await page.goto(server.url);
    await page.getByTestId('import-button').waitFor();
    return {
      page,
      backend,
      jobsRoot,
      packsDir,
      buildOut: build.out,
      pageProblems,
      dialogCalls,
      answer: (dialog, value) => {
        const queue = queues.get(dialog) ?? [];
        queue.push(value);
        queues.set(dialog, queue);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Reads a canvas's pixels until `done` holds or 15 s pass; returns the last reading either way. */
export async function pollCanvasStats(
  page: Page,
  selector: string,
  done: (s: CanvasStats) => boolean,
  background: [number, number, number] = VIEWPORT_BACKGROUND,
): Promise<CanvasStats> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const stats = await canvasStats(page, selector, background);
    if (done(stats) || Date.now() > deadline) return stats;
    await page.waitForTimeout(250);
  }
}

/** Shows the one job the session opened with (jobsFrom) from the job list, as a user would. */
export async function showOnlyJob(session: StudioSession): Promise<string> {
  const [job, ...more] = await session.backend.listJobs();
  if (!job || more.length > 0) throw new Error(`expected one job, found ${more.length + (job ? 1 : 0)}`);
  const { page } = session;
  await page.locator(`[data-job-id="${job.id}"] [data-testid="job-select"]`).click();
  await page.locator('[data-testid="job-state"][data-state="done"]').waitFor({ timeout: 30_000 });
  await page.locator('[data-testid="model-canvas"][data-status="shown"]').waitFor({ timeout: 30_000 });
  return job.id;
}

/** Imports a photo through the Import button and waits until its job is done and the head is shown. */
export async function importAndWait(session: StudioSession, photo: string): Promise<string> {
  const { page } = session;
  const before = new Set((await session.backend.listJobs()).map((j) => j.id));
  session.answer('openPhotos', [photo]);
  await page.getByTestId('import-button').click();
  await page.locator('[data-testid="job-state"][data-state="done"]').waitFor({ timeout: 180_000 });
  await page.locator('[data-testid="model-canvas"][data-status="shown"]').waitFor({ timeout: 30_000 });
  const made = (await session.backend.listJobs()).find((j) => !before.has(j.id));
  if (!made) throw new Error('the import made no job');
  return made.id;
}
