/**
 * Electron main: a thin face over the studio backend (host/). It makes the window and menu, plugs
 * the IPC handler table in, forwards events, and runs the engine in a utilityProcess. No model runs here.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { join } from 'node:path';
import enginePath from '../engine/index?modulePath';
import { StudioBackend } from '../host/studio-backend';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, serveAppRequest } from './app-protocol';
import { RENDERER_CSP } from './content-security-policy';
import { defaultLogPath } from '../host/studio-log';
import { IPC } from '../shared/studio-api';
import { electronDialogs } from './dialogs';
import { engineEnv } from './engine-env';
import { createIpcHandlers } from './ipc-handlers';
import { buildMenuTemplate } from './menu-template';
import { forwardBackendEvents, registerIpcHandlers } from './register-ipc';
import { claimSingleInstance } from './single-instance';
import { isTrustedRendererUrl } from './trusted-sender';
import { utilityEngineLauncher } from './utility-engine';
import { createMainWindow, hardenSession } from './window';

const devServerUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const rendererDir = join(import.meta.dirname, '../renderer');
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');
/** resources/ (head model, samples): extraResources when packaged, the repository's folder in development. */
const resourcesDir = app.isPackaged
  ? join(process.resourcesPath, 'resources')
  : join(app.getAppPath(), 'resources');

let mainWindow: BrowserWindow | undefined;

function showWindow(): BrowserWindow {
  mainWindow = createMainWindow({ preloadPath, devServerUrl });
  mainWindow.on('closed', () => (mainWindow = undefined));
  return mainWindow;
}

function bringForward(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

async function main(): Promise<void> {
  if (!claimSingleInstance(app, bringForward)) return;
  // Custom schemes get their privileges only if registered before the app is ready.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  await app.whenReady();
  hardenSession(session.defaultSession, devServerUrl);
  session.defaultSession.protocol.handle(APP_SCHEME, (request) =>
    serveAppRequest(request, rendererDir, RENDERER_CSP),
  );

  const backend = new StudioBackend({
    jobsRoot: join(app.getPath('userData'), 'jobs'),
    launcher: utilityEngineLauncher(enginePath, engineEnv({ resourcesDir })),
    versions: { app: app.getVersion(), electron: process.versions.electron ?? 'unknown' },
    logFile: defaultLogPath(),
  });
  const dialogs = electronDialogs(() => mainWindow);
  const handlers = createIpcHandlers(backend, dialogs);
  registerIpcHandlers(ipcMain, handlers, (url) => isTrustedRendererUrl(url, devServerUrl));
  forwardBackendEvents(backend, () => mainWindow?.webContents);

  const importFromMenu = async (): Promise<void> => {
    const path = await dialogs.openPhoto();
    // The renderer sees the new job's first event and refreshes its list.
    if (path) await handlers[IPC.importPhoto]({ path });
  };
  const menu = buildMenuTemplate(
    {
      importPhoto: () =>
        void importFromMenu().catch((error: Error) => dialog.showErrorBox('Import failed', error.message)),
    },
    process.platform,
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(menu));

  showWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) showWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let stopped = false;
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    stopped = true;
    void backend.stop().finally(() => app.quit());
  });

  await backend.start().catch((error: Error) => {
    dialog.showErrorBox('The engine did not start', error.message);
  });
}

void main();
