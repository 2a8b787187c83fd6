/** Small pure pieces of the identity figures: which views show the back, cross-view distance. */
import type { CrossViewIdentity } from '../../shared/protocol';
import { descriptorDistance } from './face-descriptor';

/** Azimuths whose view shows the back of the head (135–225°, either way round). */
export const BACK_AZIMUTHS = { from: 135, to: 225 } as const;

export function isBackView(azimuthDeg: number): boolean {
  const a = ((azimuthDeg % 360) + 360) % 360;
  return a >= BACK_AZIMUTHS.from && a <= BACK_AZIMUTHS.to;
}

/** Angular distance between two azimuths (0–180°). */
export function azimuthGap(a: number, b: number): number {
  const d = Math.abs((((a - b) % 360) + 360) % 360);
  return Math.min(d, 360 - d);
}

/** The view whose azimuth is closest to the wanted one (within 1°), if any. */
export function nearestAzimuthView<T extends { azimuthDeg: number }>(
  views: readonly T[],
  azimuthDeg: number,
): T | undefined {
  return views.find((v) => azimuthGap(v.azimuthDeg, azimuthDeg) <= 1);
}

/** Mean pairwise descriptor distance over the views where a face was found (null: fewer than two). */
export function crossViewIdentity(descriptors: readonly (Float32Array | undefined)[]): CrossViewIdentity {
  const found = descriptors.filter((d): d is Float32Array => d !== undefined);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < found.length; i++) {
    for (let j = i + 1; j < found.length; j++) {
      sum += descriptorDistance(found[i]!, found[j]!);
      pairs++;
    }
  }
  return {
    facesFound: found.length,
    views: descriptors.length,
    meanDistance: pairs ? Math.round((sum / pairs) * 10_000) / 10_000 : null,
  };
}
