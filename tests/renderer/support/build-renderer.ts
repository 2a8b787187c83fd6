/**
 * The built renderer for the browser test: out/renderer is reused when it is newer than every
 * source it is built from, otherwise `electron-vite build` runs (all three bundles, ~10 s here).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SOURCES = [
  'src-renderer',
  'src-main/shared',
  'src-main/preload',
  'electron.vite.config.ts',
  'package.json',
];

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

export function ensureRendererBuilt(root: string): { dir: string; rebuilt: boolean } {
  const dir = join(root, 'out/renderer');
  const index = join(dir, 'index.html');
  const fresh =
    existsSync(index) &&
    statSync(index).mtimeMs >
      Math.max(
        ...SOURCES.map((s) => join(root, s))
          .filter(existsSync)
          .map(newestMtime),
      );
  if (!fresh) {
    try {
      execFileSync(join(root, 'node_modules/.bin/electron-vite'), ['build'], {
        cwd: root,
        stdio: 'pipe',
        env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      });
    } catch (error) {
      const output = (error as { stdout?: Buffer; stderr?: Buffer }).stdout?.toString() ?? '';
      throw new Error(`electron-vite build failed:\n${output.slice(-4000)}\n${String(error)}`);
    }
  }
  return { dir, rebuilt: !fresh };
}
