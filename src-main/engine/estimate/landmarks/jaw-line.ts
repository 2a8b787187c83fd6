import { detectJawContour } from './detect-jaw-contour';
import { fuseJawContour } from './fuse-jaw-contour';
import type { RgbImage } from './refine-face-mesh';

/** What the jaw line did, as `prior/landmarks.json` keeps it (`jaw`). */
export interface JawLineReport {
  applied: boolean;
  reason?: string;
  /** face-api's 17 jaw points (x, y), 0.1 px. */
  contour?: number[];
  medianMovePx?: number;
  maxMovePx?: number;
}

/**
 * The landmarks the fit and the later stages use: MediaPipe's (x, y, z per point), with the outline
 * below the eyes on face-api's jaw contour where the two are fused (fuse-jaw-contour.ts), and what
 * was done. No contour, or one that fails, leaves the landmarks as they are and says why.
 */
export async function landmarksWithJawLine(
  photo: RgbImage,
  points: Float32Array,
): Promise<{ landmarks: Float32Array; report: JawLineReport }> {
  let contour: Float32Array | undefined;
  try {
    contour = await detectJawContour(photo, points, 3);
  } catch (error) {
    return {
      landmarks: points,
      report: { applied: false, reason: `jaw contour: ${(error as Error).message}` },
    };
  }
  if (!contour) return { landmarks: points, report: { applied: false, reason: 'no jaw contour found' } };
  const fused = fuseJawContour(points, 3, contour);
  const round = (v: number): number => Math.round(v * 10) / 10;
  return {
    landmarks: fused.landmarks,
    report: {
      applied: fused.applied,
      ...(fused.reason ? { reason: fused.reason } : {}),
      contour: Array.from(contour, round),
      medianMovePx: round(fused.medianMovePx),
      maxMovePx: round(fused.maxMovePx),
    },
  };
}
