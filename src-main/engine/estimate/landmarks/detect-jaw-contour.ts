/**
 * A second opinion on the face's outline below the ears: face-api's 68-point landmarks (iBUG 300-W
 * layout; points 0–16 run along the jaw from the image's left ear to its right, 8 at the chin), whose
 * jaw is trained on the jaw line itself. MediaPipe's face mesh, dense and precise inside the face, can
 * put the chin and jaw inside a full face (kpa_jesper.jpg, before the mesh's crop was let settle: its
 * chin 30 px above his, its jaw 30 px inside his cheeks); fuse-jaw-contour.ts combines the two.
 */
import sharp from 'sharp';
import { loadFaceApi } from '../../runtime/face-api-runtime';
import type { RgbImage } from './refine-face-mesh';

export const JAW_POINTS = 17;
/** face-api's detector sees the face at this size or less (it is trained on faces of ~100–300 px). */
const CROP_MAX_SIDE = 512;

/**
 * x, y per point (JAW_POINTS), photo pixels, for the face whose MediaPipe landmarks (`dims` values per
 * point, x and y first) are given; undefined when face-api finds no face overlapping theirs.
 */
export async function detectJawContour(
  photo: RgbImage,
  landmarks: Float32Array,
  dims: number,
): Promise<Float32Array | undefined> {
  const faceapi = await loadFaceApi(['ssdMobilenetv1', 'faceLandmark68Net']);
  const faceBox = pointsBox(landmarks, dims);
  // The face with a face's width of context on every side (the detector needs its surroundings).
  const side = Math.max(faceBox.width, faceBox.height);
  const x0 = Math.max(0, Math.floor(faceBox.x - side));
  const y0 = Math.max(0, Math.floor(faceBox.y - side));
  const x1 = Math.min(photo.width, Math.ceil(faceBox.x + faceBox.width + side));
  const y1 = Math.min(photo.height, Math.ceil(faceBox.y + faceBox.height + side));
  const crop = await cropAndScale(photo, x0, y0, x1 - x0, y1 - y0);
  // The scale each axis really got (the crop's size is rounded to whole pixels).
  const sx = crop.width / (x1 - x0);
  const sy = crop.height / (y1 - y0);
  const tensor = faceapi.tf.tensor3d(crop.data, [crop.height, crop.width, 3], 'int32');
  try {
    const found = await faceapi
      .detectAllFaces(tensor, new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 }))
      .withFaceLandmarks();
    const box = {
      x: (faceBox.x - x0) * sx,
      y: (faceBox.y - y0) * sy,
      width: faceBox.width * sx,
      height: faceBox.height * sy,
    };
    const best = found
      .map((f) => ({ f, overlap: iou(f.detection.box, box) }))
      .sort((a, b) => b.overlap - a.overlap)[0];
    if (!best || best.overlap < 0.3) return undefined;
    const jaw = new Float32Array(JAW_POINTS * 2);
    for (let i = 0; i < JAW_POINTS; i++) {
      const p = best.f.landmarks.positions[i]!;
      jaw[i * 2] = x0 + p.x / sx;
      jaw[i * 2 + 1] = y0 + p.y / sy;
    }
    return jaw;
  } finally {
    tensor.dispose();
  }
}

type Box = { x: number; y: number; width: number; height: number };

function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

function pointsBox(points: Float32Array, dims: number): Box {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (let i = 0; i + 1 < points.length; i += dims) {
    minX = Math.min(minX, points[i]!);
    maxX = Math.max(maxX, points[i]!);
    minY = Math.min(minY, points[i + 1]!);
    maxY = Math.max(maxY, points[i + 1]!);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/** The region, scaled down so its longer side is at most CROP_MAX_SIDE. */
async function cropAndScale(
  photo: RgbImage,
  x0: number,
  y0: number,
  w: number,
  h: number,
): Promise<RgbImage> {
  const scale = Math.min(1, CROP_MAX_SIDE / Math.max(w, h));
  const width = Math.max(1, Math.round(w * scale));
  const height = Math.max(1, Math.round(h * scale));
  const data = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .extract({ left: x0, top: y0, width: w, height: h })
    .resize(width, height)
    .raw()
    .toBuffer();
  return { data: new Uint8Array(data), width, height };
}
