/**
 * A private electron-vite build (main, preload, renderer) for one test file, under test-output/ so
 * the bundled main and engine still resolve node_modules. Private, so tests running side by side
 * (or someone's `npm run build`) never swap files under each other. ~6 s on 2 cores.
 * `npm test` builds once before the node tests and names that build in GEN3D_TEST_APP_BUILD: the
 * files then share it, read-only, and build nothing.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

export interface AppBuild {
  /** Holds main/, preload/ and renderer/ as out/ would. */
  out: string;
  dispose(): Promise<void>;
}

export async function buildApp(root: string): Promise<AppBuild> {
  const shared = process.env.GEN3D_TEST_APP_BUILD;
  if (shared) return { out: resolve(shared), dispose: async () => undefined };
  await mkdir(join(root, 'test-output'), { recursive: true });
  const out = await mkdtemp(join(root, 'test-output', 'electron-vite-'));
  try {
    await promisify(execFile)(join(root, 'node_modules/.bin/electron-vite'), ['build', '--outDir', out], {
      cwd: root,
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    await rm(out, { recursive: true, force: true });
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`electron-vite build failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`);
  }
  return { out, dispose: () => rm(out, { recursive: true, force: true }) };
}
