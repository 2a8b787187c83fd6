/**
 * The studio window and the session rules around it: sandboxed renderer with context isolation, the
 * CSP as a header, no remote content, no navigation, no new windows, no permission grants.
 */
import { BrowserWindow, type Session } from 'electron';
import { RENDERER_CSP, RENDERER_DEV_CSP } from './content-security-policy';

export interface WindowOptions {
  preloadPath: string;
  /** The built renderer's index.html (production). */
  rendererFile: string;
  /** electron-vite's dev server (development only). */
  devServerUrl?: string;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1000,
    minHeight: 640,
    show: false,
    title: 'Gen3D-Face Studio',
    backgroundColor: '#1d1f23',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  if (options.devServerUrl) void window.loadURL(options.devServerUrl);
  else void window.loadFile(options.rendererFile);
  return window;
}

/** Allowed request schemes; everything else (http(s) to the internet above all) is cancelled. */
function isLocalRequest(url: string, devServerUrl?: string): boolean {
  if (devServerUrl && (url.startsWith(devServerUrl) || url.startsWith(devServerUrl.replace(/^http/, 'ws'))))
    return true;
  return /^(file|blob|data|devtools|chrome-extension):/.test(url);
}

export function hardenSession(session: Session, devServerUrl?: string): void {
  const csp = devServerUrl ? RENDERER_DEV_CSP : RENDERER_CSP;
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isLocalRequest(details.url, devServerUrl) });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
