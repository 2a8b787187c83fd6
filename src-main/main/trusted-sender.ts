import { APP_HOST, APP_SCHEME } from './app-protocol';

/**
 * Which page may call the IPC handlers: only the studio's own renderer (a page of gen3d://studio, or
 * the dev server's origin in development). Pure so it can be tested without Electron.
 */
export function isTrustedRendererUrl(url: string, devServerUrl?: string): boolean {
  try {
    const parsed = new URL(url);
    if (devServerUrl) return parsed.origin === new URL(devServerUrl).origin;
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host.toLowerCase() === APP_HOST;
  } catch {
    return false;
  }
}
