/**
 * What electron-vite builds, checked without Electron: the sandboxed preload needs nothing but
 * `electron`; main and the engine keep native/file-loading packages external; and the bundled engine
 * entry (the file main hands to utilityProcess.fork) runs a real job to a GLB as a plain Node child,
 * so bundling mistakes (lost dynamic imports, paths from import.meta.url) show up here.
 *
 * Run: node --import tsx --test tests/packaging/bundled-app.test.ts
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeEngineLauncher, projectRoot } from '../../src-main/host/engine-process';
import { StudioBackend } from '../../src-main/host/studio-backend';
import { buildApp, type AppBuild } from '../renderer/support/electron-vite-build';
import { engineEnv } from '../../src-main/main/engine-env';

const root = projectRoot();
const NATIVE_PACKAGES = ['sharp', 'onnxruntime-node', '@vladmandic/human', '@tensorflow/tfjs'];

/** Bare specifiers a bundle still imports or requires (relative chunks left out). */
function externalSpecifiers(code: string): Set<string> {
  const found = new Set<string>();
  for (const match of code.matchAll(/(?:^import\b[^'"]*?from\s*|^import\s*|require\()\s*["']([^"']+)["']/gm))
    if (match[1] && !match[1].startsWith('.')) found.add(match[1]);
  return found;
}

const packageOf = (specifier: string): string =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');

describe('electron-vite bundles', { timeout: 180_000 }, () => {
  let build: AppBuild;
  let mainCode: string;
  let engineEntry: string;

  before(async () => {
    build = await buildApp(root);
    mainCode = await readFile(join(build.out, 'main/index.js'), 'utf8');
    const chunk = /["'](\.\/chunks\/[\w.-]+\.js)["']/.exec(mainCode)?.[1];
    assert.ok(chunk, 'main refers to the engine chunk (?modulePath)');
    engineEntry = join(build.out, 'main', chunk);
  });
  after(async () => build?.dispose());

  it('preload is one CommonJS file that requires only electron (sandbox)', async () => {
    const preload = await readFile(join(build.out, 'preload/index.cjs'), 'utf8');
    assert.deepEqual([...externalSpecifiers(preload)], ['electron']);
    assert.match(preload, /exposeInMainWorld\(["']studio["']/);
  });

  it('main and engine import only electron, Node built-ins and runtime dependencies; native ones stay external', async () => {
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const allowed = new Set([
      'electron',
      ...builtinModules,
      ...builtinModules.map((m) => `node:${m}`),
      ...Object.keys(pkg.dependencies),
    ]);
    const engineCode = await readFile(engineEntry, 'utf8');
    for (const [name, code] of [
      ['main', mainCode],
      ['engine', engineCode],
    ] as const) {
      for (const specifier of externalSpecifiers(code))
        assert.ok(
          allowed.has(specifier) || allowed.has(packageOf(specifier)),
          `${name} imports ${specifier}`,
        );
    }
    const engineExternals = [...externalSpecifiers(engineCode)].map(packageOf);
    assert.ok(engineExternals.includes('sharp'), 'sharp is imported, not bundled');
    for (const name of NATIVE_PACKAGES)
      assert.ok(!engineCode.includes(`node_modules/${name}/`), `${name} is not inlined into the engine`);
  });

  it('the bundled engine entry runs a real job to a GLB under plain Node', async () => {
    const jobsRoot = await mkdtemp(join(tmpdir(), 'gen3d-bundled-jobs-'));
    // The environment main gives the engine in the app (main/index.ts).
    const env = engineEnv({ resourcesDir: join(root, 'resources') });
    const backend = new StudioBackend({
      jobsRoot,
      launcher: nodeEngineLauncher({ entry: engineEntry, env }),
    });
    try {
      await backend.start();
      const job = await backend.importPhoto(join(root, 'resources/samples/astronaut.png'));
      const outcome = await backend.waitForJob(job.id);
      assert.equal(outcome.state, 'done', JSON.stringify(outcome.job.error ?? outcome.job.stages));
      const glb = outcome.job.stages.export?.artifacts.find((a) => a.kind === 'export-glb');
      assert.ok(glb, 'an export GLB artifact');
      const bytes = await backend.readArtifact(job.id, glb.path);
      assert.equal(Buffer.from(bytes.subarray(0, 4)).toString('latin1'), 'glTF');
    } finally {
      await backend.stop();
      await rm(jobsRoot, { recursive: true, force: true });
    }
  });
});
