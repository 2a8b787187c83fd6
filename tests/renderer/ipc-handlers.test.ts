/**
 * Main's IPC handler table on a real backend (real engine child): each channel refuses arguments
 * that fail its schema before the backend is touched, and passes good ones through. Also the pure
 * parts of main: trusted-sender check, menu template, CSP.
 *
 * Run: node --import tsx --test tests/renderer/ipc-handlers.test.ts
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeEngineLauncher, projectRoot } from '../../src-main/host/engine-process';
import { StudioBackend } from '../../src-main/host/studio-backend';
import { IPC } from '../../src-main/shared/studio-api';
import type { JobFolders } from '../../src-main/shared/protocol';
import { createIpcHandlers, InvalidIpcArgsError, type IpcHandlers } from '../../src-main/main/ipc-handlers';
import { isTrustedRendererUrl } from '../../src-main/main/trusted-sender';
import { APP_INDEX_URL } from '../../src-main/main/app-protocol';
import { claimSingleInstance } from '../../src-main/main/single-instance';
import { buildMenuTemplate } from '../../src-main/main/menu-template';
import { RENDERER_CSP } from '../../src-main/main/content-security-policy';

const SAMPLE = join(projectRoot(), 'resources/samples/astronaut.png');

describe('IPC handler table (real backend)', { timeout: 120_000 }, () => {
  let backend: StudioBackend;
  let jobsRoot: string;
  let handlers: IpcHandlers;

  before(async () => {
    jobsRoot = await mkdtemp(join(tmpdir(), 'gen3d-ipc-jobs-'));
    backend = new StudioBackend({ jobsRoot, launcher: nodeEngineLauncher() });
    await backend.start();
    handlers = createIpcHandlers(backend, {
      openPhoto: async () => SAMPLE,
      chooseExportFolder: async () => null,
      reveal: async () => undefined,
      choosePackFolder: async () => null,
      choosePackZip: async () => null,
      openPhotos: async () => [SAMPLE],
    });
  });
  after(async () => {
    await backend?.stop();
    if (jobsRoot) await rm(jobsRoot, { recursive: true, force: true });
  });

  it('has a handler for every invoke channel and none for the event channel', () => {
    const invokeChannels = Object.values(IPC).filter((c) => c !== IPC.event);
    assert.deepEqual(Object.keys(handlers).sort(), [...invokeChannels].sort());
  });

  it('refuses malformed arguments with the channel named', async () => {
    const bad: [keyof IpcHandlers, unknown][] = [
      [IPC.importPhoto, { path: '' }],
      [IPC.importPhoto, { path: SAMPLE, extra: 1 }],
      [IPC.importPhoto, { path: SAMPLE, settings: { estimator: 'not-one' } }],
      [IPC.importPhotoBytes, { name: 'a.png', bytes: [1, 2, 3] }],
      [IPC.getJob, { jobId: '../../etc' }],
      [IPC.getJob, undefined],
      [IPC.deleteJob, { jobId: 'a/b' }],
      [IPC.rerunStage, { jobId: 'abc', fromStage: 'paint' }],
      [IPC.switchEstimator, { jobId: 'abc', estimator: 'flame' }],
      [IPC.switchEstimator, { jobId: '../abc', estimator: 'deca' }],
      [IPC.readArtifact, { jobId: 'abc' }],
      [IPC.exportJob, { jobId: 'abc', settings: { formats: ['fbx'] }, destination: '/tmp' }],
      [IPC.exportJob, { jobId: 'abc', settings: {}, destination: '' }],
      [IPC.chooseExportFolder, { defaultPath: 3 }],
      [IPC.reveal, {}],
      // the renderer cannot name a pack path: main shows the dialog
      [IPC.importPackFromDialog, { kind: 'folder', path: '/etc' }],
      [IPC.importPackFromDialog, { kind: 'tar' }],
      [IPC.removePack, { id: '' }],
      [IPC.saveScreenshot, { jobId: 'abc', png: [0x89, 0x50] }],
      [IPC.saveScreenshot, { jobId: '../abc', png: new Uint8Array(16) }],
      [IPC.saveScreenshot, { jobId: 'abc', png: new Uint8Array(16), path: 'x.png' }],
      [IPC.regenerateView, { jobId: 'abc', view: 1.5, seed: 1 }],
      [IPC.regenerateView, { jobId: '../abc', view: 1, seed: 1 }],
      [IPC.keepViewCandidate, { jobId: 'abc', view: 1, seed: -1 }],
      [IPC.discardViewCandidate, { jobId: 'abc', view: 1, seed: 1, path: 'x.png' }],
    ];
    for (const [channel, args] of bad) {
      await assert.rejects(handlers[channel](args), (error: Error) => {
        assert.ok(
          error instanceof InvalidIpcArgsError,
          `${channel} ${JSON.stringify(args)}: ${error.message}`,
        );
        assert.ok(error.message.startsWith(`${channel}: invalid arguments`), error.message);
        return true;
      });
    }
    assert.deepEqual(
      ((await handlers[IPC.listJobFolders](undefined)) as JobFolders).jobs,
      [],
      'nothing was created by the refused calls',
    );
  });

  it('passes good arguments through: dialog, import, get, read artifact (inside the job only), delete', async () => {
    const path = (await handlers[IPC.openPhotoDialog](undefined)) as string;
    assert.equal(path, SAMPLE);
    assert.deepEqual(await handlers[IPC.openPhotosDialog](undefined), [SAMPLE], 'the multi-selection dialog');
    const job = (await handlers[IPC.importPhoto]({ path })) as { id: string; sourceName: string };
    assert.equal(job.sourceName, 'astronaut.png');
    const outcome = await backend.waitForJob(job.id);
    assert.equal(outcome.state, 'done');
    const record = (await handlers[IPC.getJob]({ jobId: job.id })) as { state: string };
    assert.equal(record.state, 'done');
    // a projection job has no views to sample again: refused by the host, nothing sent to the engine
    await assert.rejects(
      handlers[IPC.regenerateView]({ jobId: job.id, view: 0, seed: 1 }),
      /projection generator, which makes no views/,
    );
    const photo = (await handlers[IPC.readArtifact]({ jobId: job.id, path: 'photo.png' })) as Uint8Array;
    assert.deepEqual([...photo.subarray(1, 4)], [0x50, 0x4e, 0x47], 'a PNG');
    await assert.rejects(
      handlers[IPC.readArtifact]({ jobId: job.id, path: '../job.json' }),
      /outside the job folder/,
    );
    await handlers[IPC.deleteJob]({ jobId: job.id });
    assert.deepEqual(((await handlers[IPC.listJobFolders](undefined)) as JobFolders).jobs, []);
    // A complete installation: nothing for the studio's set-up banner.
    assert.deepEqual(await handlers[IPC.setupProblems](undefined), []);
  });
});

describe('main process pure parts', () => {
  it('trusts only the app renderer', () => {
    assert.equal(isTrustedRendererUrl(APP_INDEX_URL), true);
    assert.equal(isTrustedRendererUrl('gen3d://studio/assets/index.js'), true);
    assert.equal(isTrustedRendererUrl('https://example.com/index.html'), false);
    // file:// is never trusted now, not even the built index.html itself.
    assert.equal(isTrustedRendererUrl('file:///opt/Gen3D/resources/app.asar/out/renderer/index.html'), false);
    assert.equal(isTrustedRendererUrl('gen3d://evil/index.html'), false);
    assert.equal(isTrustedRendererUrl('http://localhost:5173/index.html', 'http://localhost:5173'), true);
    assert.equal(isTrustedRendererUrl('http://localhost:51739/', 'http://localhost:5173'), false);
  });

  it('has File > Import Photo… with Ctrl/Cmd+O that calls the import action', () => {
    let imported = 0;
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const menu = buildMenuTemplate({ importPhoto: () => imported++ }, platform);
      const file = menu.find((m) => m.label === 'File');
      const items = Array.isArray(file?.submenu) ? file.submenu : [];
      const item = items.find((i) => i.label === 'Import Photo…');
      assert.equal(item?.accelerator, 'CmdOrCtrl+O');
      (item?.click as () => void)();
    }
    assert.equal(imported, 3);
  });

  it('a second studio quits and brings the first forward; the first keeps running', () => {
    const calls: string[] = [];
    let listener: (() => void) | undefined;
    const appWith = (lock: boolean) => ({
      requestSingleInstanceLock: () => lock,
      quit: () => calls.push('quit'),
      on: (_event: 'second-instance', l: () => void) => (listener = l),
    });
    assert.equal(
      claimSingleInstance(appWith(true), () => calls.push('forward')),
      true,
    );
    listener?.();
    assert.deepEqual(calls, ['forward']);
    assert.equal(
      claimSingleInstance(appWith(false), () => calls.push('forward')),
      false,
    );
    assert.deepEqual(calls, ['forward', 'quit']);
  });

  it('CSP allows only the app itself (no remote origins, no eval, no inline script)', () => {
    assert.match(RENDERER_CSP, /default-src 'none'/);
    assert.match(RENDERER_CSP, /script-src 'self'(;|$)/);
    assert.doesNotMatch(RENDERER_CSP, /unsafe-eval|unsafe-inline|https?:|\*/);
  });
});
