/**
 * The studio window's settings and which requests its session lets through, as plain values (no
 * Electron at run time) so a test can assert every one of them.
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import { APP_SCHEME } from './app-protocol';

export function studioWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 1000,
    minHeight: 640,
    show: false,
    title: 'Gen3D-Face Studio',
    backgroundColor: '#1d1f23',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/**
 * Allowed request schemes: the app's own, in-page blob:/data: URLs and devtools; everything else
 * (file://, http(s) to the internet above all) is cancelled. The dev server only in development.
 */
export function isLocalRequest(url: string, devServerUrl?: string): boolean {
  if (devServerUrl && (url.startsWith(devServerUrl) || url.startsWith(devServerUrl.replace(/^http/, 'ws'))))
    return true;
  return new RegExp(`^(${APP_SCHEME}|blob|data|devtools):`).test(url);
}
