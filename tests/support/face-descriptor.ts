/**
 * face-api's 128-D face descriptor (MIT, weights shipped in the npm package), on TFJS's WASM backend:
 * the identity measure of the paper (Euclidean distance, same person below 0.6).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
export const SAME_PERSON_DISTANCE = 0.6;

interface FaceApi {
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
    withFaceLandmarks(): {
      withFaceDescriptors(): Promise<
        { detection: { score: number; box: { area: number } }; descriptor: Float32Array }[]
      >;
    };
  };
}

let api: Promise<FaceApi> | undefined;

function loadFaceApi(): Promise<FaceApi> {
  api ??= (async () => {
    const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
    wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '/'));
    await faceapi.tf.setBackend('wasm');
    await faceapi.tf.ready();
    const models = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
    await faceapi.nets.ssdMobilenetv1.loadFromDisk(models);
    await faceapi.nets.faceLandmark68Net.loadFromDisk(models);
    await faceapi.nets.faceRecognitionNet.loadFromDisk(models);
    return faceapi;
  })();
  return api;
}

export interface FoundFace {
  score: number;
  descriptor: Float32Array;
}

/** Faces found in an image (encoded), largest first, each with its descriptor. */
export async function describeFaces(image: Buffer, minConfidence = 0.5): Promise<FoundFace[]> {
  const faceapi = await loadFaceApi();
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const tensor = faceapi.tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
  try {
    const faces = await faceapi
      .detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options({ minConfidence }))
      .withFaceLandmarks()
      .withFaceDescriptors();
    return faces
      .sort((a, b) => b.detection.box.area - a.detection.box.area)
      .map((f) => ({ score: f.detection.score, descriptor: f.descriptor }));
  } finally {
    tensor.dispose();
  }
}

export function descriptorDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}
