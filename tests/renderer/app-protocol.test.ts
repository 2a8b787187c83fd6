/**
 * The gen3d:// scheme that serves the studio's renderer in place of file://: only files of the built
 * renderer, each with the CSP; paths that leave it (.., encoded, backslashes, symlinks out) refused.
 * The browser tests load the renderer through this same handler (support/static-server.ts).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveAppRequest, serveAppRequest } from '../../src-main/main/app-protocol';
import { RENDERER_CSP } from '../../src-main/main/content-security-policy';
import { isLocalRequest, studioWindowOptions } from '../../src-main/main/window-policy';

describe('gen3d:// app protocol', () => {
  let base: string;
  let renderer: string;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'gen3d-protocol-'));
    renderer = join(base, 'renderer');
    await mkdir(join(renderer, 'assets'), { recursive: true });
    await writeFile(join(renderer, 'index.html'), '<!doctype html><title>studio</title>');
    await writeFile(join(renderer, 'assets/index-abc.js'), 'console.log(1)');
    await writeFile(join(base, 'secret.json'), '{"token":"x"}');
    await symlink(join(base, 'secret.json'), join(renderer, 'assets/link.json'));
  });
  after(() => rm(base, { recursive: true, force: true }));

  const fetchApp = (url: string, method = 'GET') =>
    serveAppRequest(new Request(url, { method }), renderer, RENDERER_CSP);

  it('serves the renderer files with their type and the CSP', async () => {
    for (const url of ['gen3d://studio/', 'gen3d://studio/index.html', 'gen3d://STUDIO/index.html']) {
      const answer = await fetchApp(url);
      assert.equal(answer.status, 200, url);
      assert.equal(answer.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(answer.headers.get('content-security-policy'), RENDERER_CSP);
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
      assert.match(await answer.text(), /<title>studio<\/title>/);
    }
    const script = await fetchApp('gen3d://studio/assets/index-abc.js');
    assert.equal(script.status, 200);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
    const head = await fetchApp('gen3d://studio/index.html', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal((await head.arrayBuffer()).byteLength, 0);
  });

  it('refuses everything outside the renderer folder, other origins and methods', async () => {
    const refused: [string, number][] = [
      ['gen3d://studio/assets/%2e%2e%2f%2e%2e%2fsecret.json', 403],
      ['gen3d://studio/..%2f..%2fsecret.json', 403],
      ['gen3d://studio/assets%5c..%5c..%5csecret.json', 400],
      ['gen3d://studio/index.html%00.png', 400],
      ['gen3d://studio/%E0%A4%A', 400],
      ['gen3d://other/index.html', 403],
      ['file:///etc/passwd', 403],
      ['gen3d://studio/missing.js', 404],
      ['gen3d://studio/assets/link.json', 403], // a symlink that leaves the folder
      ['gen3d://studio/secret.txt', 404], // not a type the app has
    ];
    for (const [url, status] of refused) {
      const answer = await fetchApp(url);
      assert.equal(answer.status, status, `${url} → ${answer.status} ${answer.statusText}`);
      assert.equal((await answer.arrayBuffer()).byteLength, 0, `${url} has no body`);
    }
    assert.equal((await fetchApp('gen3d://studio/index.html', 'POST')).status, 405);
  });

  it('resolves without touching the disk', () => {
    const target = resolveAppRequest('gen3d://studio/assets/index-abc.js', renderer);
    assert.deepEqual(target, {
      ok: true,
      file: join(renderer, 'assets/index-abc.js'),
      contentType: 'text/javascript; charset=utf-8',
    });
    assert.equal(resolveAppRequest('not a url', renderer).ok, false);
  });
});

describe('studio window policy', () => {
  it('sandboxes the renderer with every Electron checklist setting', () => {
    const options = studioWindowOptions('/app/preload/index.cjs');
    assert.deepEqual(options.webPreferences, {
      preload: '/app/preload/index.cjs',
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
    });
  });

  it('lets only the app scheme and in-page URLs through, file:// and the network not', () => {
    for (const url of ['gen3d://studio/index.html', 'blob:gen3d://studio/1234', 'data:image/png;base64,AA'])
      assert.equal(isLocalRequest(url), true, url);
    for (const url of [
      'file:///etc/passwd',
      'https://example.com/',
      'http://localhost:5173/',
      'ws://localhost:5173/',
      'chrome-extension://abc/x.js',
    ])
      assert.equal(isLocalRequest(url), false, url);
    assert.equal(isLocalRequest('http://localhost:5173/src/main.ts', 'http://localhost:5173'), true);
    assert.equal(isLocalRequest('ws://localhost:5173/', 'http://localhost:5173'), true);
  });
});
