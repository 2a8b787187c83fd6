/**
 * The studio's own URL scheme, `gen3d://studio/…`, in place of file:// (Electron's security checklist:
 * file:// pages share one origin with every local file and get file-system privileges). Only files of
 * the built renderer are served, each with the app's CSP; nothing else on disk is reachable from the
 * page. Pure Node (Request → Response), so the browser test serves the renderer through this same code.
 */
import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'gen3d';
export const APP_HOST = 'studio';
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** Registered before the app is ready: standard (relative URLs, 'self' in the CSP), secure, fetchable. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
} as const;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.hdr': 'application/octet-stream',
  '.env': 'application/octet-stream',
};

export type AppRequestTarget =
  { ok: true; file: string; contentType: string } | { ok: false; status: 400 | 403 | 404; reason: string };

/** Where a gen3d:// URL points inside the renderer folder, or why it is refused (no disk access). */
export function resolveAppRequest(url: string, rendererDir: string): AppRequestTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, status: 400, reason: 'not a URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host.toLowerCase() !== APP_HOST)
    return { ok: false, status: 403, reason: `not the studio's origin (${parsed.protocol}//${parsed.host})` };
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return { ok: false, status: 400, reason: 'bad percent-encoding' };
  }
  // Backslashes and NULs have no business in a bundled file name; refuse rather than normalise.
  if (/[\\\0]/.test(path)) return { ok: false, status: 400, reason: 'odd characters in the path' };
  const file = resolve(rendererDir, `.${path === '/' ? '/index.html' : path}`);
  if (!isInside(rendererDir, file)) return { ok: false, status: 403, reason: 'outside the renderer' };
  const contentType = CONTENT_TYPES[extname(file).toLowerCase()];
  if (!contentType) return { ok: false, status: 404, reason: `no such app file type (${extname(file)})` };
  return { ok: true, file, contentType };
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** Answers one request of the scheme: the file with its type and the CSP, or a bare error status. */
export async function serveAppRequest(request: Request, rendererDir: string, csp: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405 });
  const target = resolveAppRequest(request.url, rendererDir);
  if (!target.ok) return new Response(null, { status: target.status, statusText: target.reason });
  try {
    // A symlink inside the build that points elsewhere is refused like a path that leaves it.
    const [realRoot, realFile] = await Promise.all([realpath(rendererDir), realpath(target.file)]);
    if (!isInside(realRoot, realFile)) return new Response(null, { status: 403 });
    const body = await readFile(realFile);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: {
        'Content-Type': target.contentType,
        'Content-Security-Policy': csp,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      },
    });
  } catch {
    return new Response(null, { status: 404 });
  }
}
