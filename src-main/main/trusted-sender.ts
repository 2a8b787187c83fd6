/**
 * Which page may call the IPC handlers: only the studio's own renderer (its file:// index.html, or
 * the dev server's origin in development). Pure so it can be tested without Electron.
 */
export function isTrustedRendererUrl(url: string, rendererFile: string, devServerUrl?: string): boolean {
  try {
    const parsed = new URL(url);
    if (devServerUrl) return parsed.origin === new URL(devServerUrl).origin;
    return parsed.protocol === 'file:' && decodeURIComponent(parsed.pathname).endsWith(rendererFile);
  } catch {
    return false;
  }
}
