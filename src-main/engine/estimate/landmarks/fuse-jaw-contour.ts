/**
 * MediaPipe's 468 landmarks with their outline below the eyes moved onto face-api's jaw contour
 * (detect-jaw-contour.ts): each lower face-oval landmark slides outward along the ray from the nose
 * tip to where that ray crosses the jaw contour, and every other landmark below the eyes follows by
 * inverse-distance weighting between those moves and fixed anchors (eyes, nose, lips, the upper oval),
 * so the chin's inside stretches with its outline while the features stay where MediaPipe put them.
 * Skipped on a turned head (the 68-point model guesses the far jaw) and when the two disagree so much
 * that one of them has the wrong face.
 */

/** MediaPipe's face oval from ear to ear round the chin (454 … 152 … 234). */
const LOWER_OVAL = [
  454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234,
];
/** Landmarks that keep their place: the upper oval, eye corners, nose, lips. */
const ANCHORS = [
  10, 338, 297, 332, 284, 251, 389, 356, 127, 162, 21, 54, 103, 67, 109, 33, 133, 362, 263, 1, 4, 98, 327, 61,
  291, 0, 17, 13, 14,
];
const NOSE_TIP = 1;
const EYE_OUTER = [33, 263] as const;
/** Beyond this turn (nose-tip position between the cheeks, 0.5 = frontal) the contours are not fused. */
const MAX_OFF_CENTRE = 0.18;
/** A move larger than this share of the face height is capped; a median over it means a mismatch. */
const MAX_MOVE = 0.12;
const MAX_MEDIAN_MOVE = 0.08;

export interface JawFusion {
  /** The landmarks (same layout and length as the input), moved where the fusion applied. */
  landmarks: Float32Array;
  applied: boolean;
  /** Why it was not applied, when it was not. */
  reason?: string;
  /** Median and largest move of the lower-oval landmarks, photo pixels. */
  medianMovePx: number;
  maxMovePx: number;
}

export function fuseJawContour(landmarks: Float32Array, dims: number, jaw: Float32Array): JawFusion {
  const at = (i: number): [number, number] => [landmarks[i * dims]!, landmarks[i * dims + 1]!];
  const unchanged = (reason: string): JawFusion => ({
    landmarks: Float32Array.from(landmarks),
    applied: false,
    reason,
    medianMovePx: 0,
    maxMovePx: 0,
  });
  const [nx, ny] = at(NOSE_TIP);
  const [lx] = at(234);
  const [rx] = at(454);
  const offCentre = Math.abs((nx - lx) / (rx - lx || 1) - 0.5);
  if (!(offCentre <= MAX_OFF_CENTRE))
    return unchanged(`head turned (nose at ${offCentre.toFixed(2)} off centre)`);

  const eyeY = (at(EYE_OUTER[0])[1] + at(EYE_OUTER[1])[1]) / 2;
  const faceHeight = Math.abs(at(152)[1] - at(10)[1]);
  const curve = smoothContour(jaw);
  const moves = new Map<number, [number, number]>();
  for (const i of LOWER_OVAL) {
    const [px, py] = at(i);
    const found = rayHit(nx, ny, px - nx, py - ny, curve);
    if (found === undefined) continue;
    // Outward only: MediaPipe's outline errs inside a full face; a contour inside MediaPipe's is
    // within the two models' disagreement on a thin one, where the mesh's outline is kept.
    const hit = Math.max(1, found);
    let dx = nx + (px - nx) * hit - px;
    let dy = ny + (py - ny) * hit - py;
    const len = Math.hypot(dx, dy);
    const cap = MAX_MOVE * faceHeight;
    if (len > cap) {
      dx *= cap / len;
      dy *= cap / len;
    }
    const fade = belowEyes(py, eyeY, ny);
    moves.set(i, [dx * fade, dy * fade]);
  }
  if (moves.size < LOWER_OVAL.length / 2) return unchanged('the jaw contour misses the face oval');
  const lengths = [...moves.values()].map(([dx, dy]) => Math.hypot(dx, dy)).sort((a, b) => a - b);
  const medianMovePx = lengths[lengths.length >> 1]!;
  if (medianMovePx > MAX_MEDIAN_MOVE * faceHeight)
    return unchanged(`the contours disagree (median ${medianMovePx.toFixed(0)} px)`);

  const controls: { x: number; y: number; d: [number, number] }[] = [];
  for (const [i, d] of moves) controls.push({ x: at(i)[0], y: at(i)[1], d });
  for (const i of ANCHORS) controls.push({ x: at(i)[0], y: at(i)[1], d: [0, 0] });
  const out = Float32Array.from(landmarks);
  const count = landmarks.length / dims;
  for (let i = 0; i < count; i++) {
    const [px, py] = at(i);
    let d = moves.get(i);
    if (!d) {
      const fade = belowEyes(py, eyeY, ny);
      if (fade === 0) continue;
      let sx = 0;
      let sy = 0;
      let sw = 0;
      for (const c of controls) {
        const w = 1 / ((px - c.x) ** 2 + (py - c.y) ** 2 + 1e-6);
        sx += w * c.d[0];
        sy += w * c.d[1];
        sw += w;
      }
      d = [(fade * sx) / sw, (fade * sy) / sw];
    }
    out[i * dims] = px + d[0];
    out[i * dims + 1] = py + d[1];
  }
  return { landmarks: out, applied: true, medianMovePx, maxMovePx: lengths[lengths.length - 1]! };
}

/**
 * The contour through its points as a Catmull-Rom curve (8 pieces per span): the polyline's chords
 * lie inside a convex jaw by a few pixels between the 17 points.
 */
function smoothContour(points: Float32Array): Float32Array {
  const n = points.length / 2;
  const p = (i: number, c: number): number => points[Math.min(n - 1, Math.max(0, i)) * 2 + c]!;
  const out: number[] = [];
  for (let i = 0; i < n - 1; i++) {
    for (let k = 0; k < 8; k++) {
      const t = k / 8;
      for (let c = 0; c < 2; c++) {
        const p0 = p(i - 1, c),
          p1 = p(i, c),
          p2 = p(i + 1, c),
          p3 = p(i + 2, c);
        out.push(
          0.5 *
            (2 * p1 +
              (p2 - p0) * t +
              (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t +
              (3 * p1 - p0 - 3 * p2 + p3) * t * t * t),
        );
      }
    }
  }
  out.push(p(n - 1, 0), p(n - 1, 1));
  return Float32Array.from(out);
}

/** 0 above the eye line, 1 from the nose tip down, smooth between. */
function belowEyes(y: number, eyeY: number, noseY: number): number {
  const t = Math.min(1, Math.max(0, (y - eyeY) / (noseY - eyeY || 1)));
  return t * t * (3 - 2 * t);
}

/**
 * Smallest s > 0.3 where the ray (ox, oy) + s·(dx, dy) crosses the polyline, as a multiple of the
 * ray's vector (1 = the landmark itself); undefined when it misses.
 */
function rayHit(ox: number, oy: number, dx: number, dy: number, poly: Float32Array): number | undefined {
  let best: number | undefined;
  for (let k = 0; k + 3 < poly.length; k += 2) {
    const ax = poly[k]!,
      ay = poly[k + 1]!,
      ex = poly[k + 2]! - ax,
      ey = poly[k + 3]! - ay;
    const den = dx * ey - dy * ex;
    if (Math.abs(den) < 1e-9) continue;
    const s = ((ax - ox) * ey - (ay - oy) * ex) / den;
    const u = ((ax - ox) * dy - (ay - oy) * dx) / den;
    if (u < 0 || u > 1 || s <= 0.3) continue;
    if (best === undefined || s < best) best = s;
  }
  return best;
}
