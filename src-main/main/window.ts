/**
 * The studio window and the session rules around it: sandboxed renderer with context isolation, the
 * CSP as a header, no remote content, no navigation, no new windows, no permission grants.
 */
import { BrowserWindow, type Session } from 'electron';
import { APP_INDEX_URL } from './app-protocol';
import { isLocalRequest, studioWindowOptions } from './window-policy';
import { RENDERER_CSP, RENDERER_DEV_CSP } from './content-security-policy';

export interface WindowOptions {
  preloadPath: string;
  /** electron-vite's dev server (development only). */
  devServerUrl?: string;
}

export function createMainWindow(options: WindowOptions): BrowserWindow {
  const window = new BrowserWindow(studioWindowOptions(options.preloadPath));
  window.once('ready-to-show', () => window.show());
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  if (options.devServerUrl) void window.loadURL(options.devServerUrl);
  // Production pages come from the app's own scheme (app-protocol.ts), never file://.
  else void window.loadURL(APP_INDEX_URL);
  return window;
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
