/**
 * face-api (MIT, weights shipped in its npm package) on TFJS's WASM backend, loaded on first use, each
 * network when a caller first needs it (the estimate stage needs no recognition net). Two users: the 128-D face descriptor (metrics: identity) and
 * the 68-point jaw contour (estimate: the face's outline below the ears). Its TFJS is the npm
 * package's, not Human's bundled one, so the two never share a backend.
 */
import { createRequire } from 'node:module';
import path from 'node:path';

const requireHere = createRequire(import.meta.url);

export interface FaceApiPoint {
  x: number;
  y: number;
}

export interface FaceApiDetection {
  detection: { score: number; box: { x: number; y: number; width: number; height: number; area: number } };
  landmarks: { positions: FaceApiPoint[] };
}

export interface FaceApi {
  tf: {
    setBackend(name: string): Promise<boolean>;
    ready(): Promise<void>;
    tensor3d(data: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void };
  };
  nets: Record<
    'ssdMobilenetv1' | 'faceLandmark68Net' | 'faceRecognitionNet',
    { loadFromDisk(dir: string): Promise<void> }
  >;
  SsdMobilenetv1Options: new (o: { minConfidence: number }) => unknown;
  detectAllFaces(
    input: unknown,
    options: unknown,
  ): {
    withFaceLandmarks(): Promise<FaceApiDetection[]> & {
      withFaceDescriptors(): Promise<(FaceApiDetection & { descriptor: Float32Array })[]>;
    };
  };
}

export type FaceApiNet = keyof FaceApi['nets'];

let api: Promise<FaceApi> | undefined;
const nets = new Map<FaceApiNet, Promise<void>>();
const modelsDir = (): string =>
  path.join(path.dirname(requireHere.resolve('@vladmandic/face-api/package.json')), 'model');

/** face-api on its WASM backend with these networks loaded (each read from disk once, when first asked for). */
export async function loadFaceApi(wanted: readonly FaceApiNet[]): Promise<FaceApi> {
  const faceapi = await loadBackend();
  await Promise.all(
    wanted.map((name) => {
      let loading = nets.get(name);
      if (!loading) {
        loading = faceapi.nets[name].loadFromDisk(modelsDir()).catch((error: unknown) => {
          nets.delete(name);
          throw error;
        });
        nets.set(name, loading);
      }
      return loading;
    }),
  );
  return faceapi;
}

function loadBackend(): Promise<FaceApi> {
  api ??= (async () => {
    const faceapi = requireHere('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    const wasm = requireHere('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
    wasm.setWasmPaths(path.join(path.dirname(requireHere.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
    await faceapi.tf.setBackend('wasm');
    await faceapi.tf.ready();
    return faceapi;
  })().catch((error: unknown) => {
    api = undefined;
    throw error;
  });
  return api;
}
