import { decodeRawImage } from '../../image/raw-image';
import type { FaceSelection } from '../../../shared/protocol';
import { getHumanRuntime } from '../../runtime/human-runtime';
import { StageError, throwIfCancelled } from '../../stage-error';
import { FACE_MESH_POINTS, refineFaceMeshSettled, type RgbImage } from './refine-face-mesh';

/**
 * Face detection and 468 3D landmarks (MediaPipe face mesh) on the working photo, via Human's
 * blazeface + facemesh, refined by our own facemesh passes (until their crop settles) for sub-pixel
 * x/y and pixel-scaled z.
 */

export interface PhotoPng {
  png: Buffer;
  width: number;
  height: number;
}

export interface DetectedFace {
  /** [x, y, w, h] in photo pixels: the detector's face box (with margin), clipped to the photo. */
  box: [number, number, number, number];
  /** Face detector confidence, 0–1. */
  score: number;
  /** Face mesh's own face-presence probability on the refined crop, 0–1. */
  meshScore: number;
  /**
   * count × 3: x, y in photo pixels; z in the same pixel scale, MediaPipe convention (relative to the
   * face's centre plane, smaller z = closer to the camera).
   */
  landmarks: Float32Array;
  /** Number of landmarks (468, MediaPipe face mesh topology). */
  count: number;
}

/** Blazeface sees a 128×128 copy anyway; a bounded copy keeps the tensor upload and resize cheap. */
const DETECT_MAX_SIDE = 1024;

/**
 * All faces in the photo, left to right (so `--face N` counts as a person reading the photo would).
 * An empty list when there is none; choosing one is `selectFace`'s job.
 */
export async function detectFaces(photo: PhotoPng, signal?: AbortSignal): Promise<DetectedFace[]> {
  throwIfCancelled(signal);
  const full = await decodeRawImage(photo.png, 3);
  const scale = Math.min(1, DETECT_MAX_SIDE / Math.max(full.width, full.height));
  const small =
    scale < 1 ? await decodeRawImage(photo.png, 3, { width: Math.round(full.width * scale) }) : full;
  const toPhoto = full.width / small.width;
  throwIfCancelled(signal);

  const runtime = await getHumanRuntime();
  const faces = await runtime.exclusive(async (human) => {
    const input = runtime.tf.tensor3d(small.data, [small.height, small.width, 3], 'int32');
    try {
      const result = await human.detect(input);
      const found: DetectedFace[] = [];
      for (const face of result.face) {
        throwIfCancelled(signal);
        if (face.mesh.length < FACE_MESH_POINTS) continue;
        const seed = new Float32Array(FACE_MESH_POINTS * 3);
        for (let i = 0; i < FACE_MESH_POINTS; i++) {
          const p = face.mesh[i]!;
          seed[i * 3] = (p[0] + 0.5) * toPhoto; // Human truncates to whole pixels: take the pixel's centre
          seed[i * 3 + 1] = (p[1] + 0.5) * toPhoto;
        }
        const refined = refineFaceMeshSettled(runtime, full, seed);
        found.push({
          box: clipBox(face.box.map((v) => v * toPhoto) as [number, number, number, number], full),
          score: face.boxScore,
          meshScore: refined.meshScore,
          landmarks: refined.landmarks,
          count: FACE_MESH_POINTS,
        });
      }
      return found;
    } finally {
      runtime.tf.dispose(input);
    }
  });
  return faces.sort((a, b) => a.box[0] + a.box[2] / 2 - (b.box[0] + b.box[2] / 2));
}

/**
 * The face the job works on. 'refuse' takes the only face and refuses when there are several;
 * 'largest' takes the one with the largest box; a number is an index into `faces` (left to right).
 */
export function selectFace(faces: readonly DetectedFace[], selection: FaceSelection): DetectedFace {
  if (faces.length === 0) {
    throw new StageError(
      'no-face',
      'No face was found in the photo.',
      'Use a photo with a clearly visible face, looking roughly at the camera, not too small or too dark.',
    );
  }
  if (typeof selection === 'number') {
    const face = faces[selection];
    if (!face) {
      throw new StageError(
        'face-index-out-of-range',
        `Face ${selection} was asked for, but the photo has ${faces.length} face${faces.length === 1 ? '' : 's'} (numbered 0–${faces.length - 1}, left to right).`,
        `Use --face N with N from 0 to ${faces.length - 1}, or --face largest.`,
      );
    }
    return face;
  }
  if (selection === 'largest') {
    return faces.reduce((best, f) => (f.box[2] * f.box[3] > best.box[2] * best.box[3] ? f : best));
  }
  if (faces.length > 1) {
    throw new StageError(
      'several-faces',
      `The photo has ${faces.length} faces; choose which one to use.`,
      `In the studio, crop the photo to one face (adjust the crop box on the photo, then Apply crop); ` +
        `on the command line, use --face largest for the largest face, or --face N (0–${faces.length - 1}, counted left to right).`,
    );
  }
  return faces[0]!;
}

/** MediaPipe face mesh topology as Human ships it: 468-vertex triangle list, and its canonical UVs. */
export async function faceMeshTopology(): Promise<{ triangles: Uint32Array; canonicalUvs: Float32Array }> {
  const { human } = await getHumanRuntime();
  return {
    triangles: Uint32Array.from(human.faceTriangulation),
    canonicalUvs: Float32Array.from(human.faceUVMap.flat()),
  };
}

function clipBox(box: [number, number, number, number], image: RgbImage): [number, number, number, number] {
  const x0 = Math.max(0, box[0]);
  const y0 = Math.max(0, box[1]);
  const x1 = Math.min(image.width, box[0] + box[2]);
  const y1 = Math.min(image.height, box[1] + box[3]);
  return [x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)];
}
