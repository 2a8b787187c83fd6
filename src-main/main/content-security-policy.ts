/**
 * The renderer's Content-Security-Policy. The built index.html carries it as a meta tag (checked by
 * the browser test) and main also sends it as a header; only the dev server gets the relaxed one
 * (Vite injects styles and talks to its HMR socket).
 */

/** Production: only the app's own files; images/GLB textures as blob:/data: URLs made in the page. */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self' blob: data:",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Dev server only (electron-vite dev): inline styles from Vite, websocket for HMR. */
export const RENDERER_DEV_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "connect-src 'self' blob: data: ws://localhost:* ws://127.0.0.1:*",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
].join('; ');
