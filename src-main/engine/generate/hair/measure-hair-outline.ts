/**
 * The photo's hair outline measured against the face (units: face heights, forehead top to chin;
 * y down from the eye line): what a stylist would note before picking a cut.
 */
import { toFaceLocal } from './face-frame';
import type { HairSegmentation } from './segment-hair';

export interface HairOutline {
  /** Hair (or headwear) top above the eye line. */
  topHeight: number;
  /** Hair width across the temples (brow level) and at the ears (nose level). */
  widthAtTemples: number;
  widthAtEars: number;
  /** How far the hair reaches below the ear level (0 when it ends above it). */
  lengthBelowEars: number;
  /** Share of the forehead band (between the hairline and the brows) covered by hair. */
  fringe: number;
  /** −1..1: more hair on the picture's right (+) or left (−) above the eyes; the parting lies opposite. */
  asymmetry: number;
}

const TEMPLE_Y = -0.2;
const EAR_Y = 0.15;

export function measureHairOutline(seg: HairSegmentation): HairOutline {
  const { width, height, frame } = seg;
  let top = 0;
  let bottom = -Infinity;
  const temples = [Infinity, -Infinity];
  const ears = [Infinity, -Infinity];
  let left = 0,
    right = 0,
    band = 0,
    bandHair = 0;
  for (let p = 0; p < width * height; p++) {
    const isHair = seg.hair[p]! || seg.headwear[p]!;
    const [x, y] = toFaceLocal(frame, (p % width) + 0.5, Math.floor(p / width) + 0.5);
    if (seg.face[p] && y < -0.12 && y > -0.4) {
      band++;
      if (isHair) bandHair++;
    }
    if (!isHair) continue;
    top = Math.max(top, -y);
    if (Math.abs(x) > 0.3) bottom = Math.max(bottom, y);
    if (Math.abs(y - TEMPLE_Y) < 0.02) {
      temples[0] = Math.min(temples[0]!, x);
      temples[1] = Math.max(temples[1]!, x);
    }
    if (Math.abs(y - EAR_Y) < 0.02) {
      ears[0] = Math.min(ears[0]!, x);
      ears[1] = Math.max(ears[1]!, x);
    }
    if (y < 0) {
      if (x > 0) right++;
      else left++;
    }
  }
  const span = (r: number[]) => (r[1]! > r[0]! ? r[1]! - r[0]! : 0);
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return {
    topHeight: round(top),
    widthAtTemples: round(span(temples)),
    widthAtEars: round(span(ears)),
    lengthBelowEars: round(Math.max(0, bottom - EAR_Y)),
    fringe: round(band > 0 ? bandHair / band : 0),
    asymmetry: round(left + right > 0 ? (right - left) / (left + right) : 0),
  };
}
