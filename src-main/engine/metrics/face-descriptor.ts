/**
 * face-api's 128-D face descriptor (runtime/face-api-runtime.ts): the identity measure of the paper
 * (Euclidean distance, same person below 0.6).
 */
import sharp from 'sharp';
import type { RawImage } from '../image/raw-image';
import { loadFaceApi } from '../runtime/face-api-runtime';

/** The paper's threshold: two descriptors closer than this are the same person. */
export const SAME_PERSON_DISTANCE = 0.6;
/** The detector, the 68 landmarks (face-api aligns the face by them) and the recognition net. */
const DESCRIPTOR_NETS = ['ssdMobilenetv1', 'faceLandmark68Net', 'faceRecognitionNet'] as const;

/**
 * Why the descriptor cannot run here (face-api or its weights missing from a damaged installation), or
 * undefined when it loads.
 */
export async function faceDescriptorProblem(): Promise<string | undefined> {
  try {
    await loadFaceApi(DESCRIPTOR_NETS);
    return undefined;
  } catch (error) {
    return `face descriptor unavailable: ${(error as Error).message.split('\n')[0]}`;
  }
}

export interface FoundFace {
  score: number;
  descriptor: Float32Array;
}

/** Faces found in an image (encoded, or raw RGB/RGBA), largest first, each with its descriptor. */
export async function describeFaces(image: Buffer | RawImage, minConfidence = 0.5): Promise<FoundFace[]> {
  const faceapi = await loadFaceApi(DESCRIPTOR_NETS);
  const { data, width, height } = Buffer.isBuffer(image) ? await decodeRgb(image) : rawToRgb(image);
  const tensor = faceapi.tf.tensor3d(data, [height, width, 3], 'int32');
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

async function decodeRgb(encoded: Buffer): Promise<RawImage> {
  const { data, info } = await sharp(encoded).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

/** RGB bytes of a raw image whose channel count follows from its size (3 or 4). */
function rawToRgb(image: RawImage): RawImage {
  const channels = image.data.length / (image.width * image.height);
  if (channels === 3) return image;
  if (channels !== 4) throw new Error(`describeFaces: ${channels} channels (3 or 4 expected)`);
  const rgb = new Uint8Array(image.width * image.height * 3);
  for (let p = 0, q = 0; p < image.data.length; p += 4, q += 3) {
    rgb[q] = image.data[p]!;
    rgb[q + 1] = image.data[p + 1]!;
    rgb[q + 2] = image.data[p + 2]!;
  }
  return { data: rgb, width: image.width, height: image.height };
}
