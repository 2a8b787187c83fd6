/**
 * A beard that hangs below the chin, as a closed shell lofted through rings (head frame: +Y up, +Z
 * the face's forward, metres):
 *
 * - over the jaw the rings lie on the head's own cross-sections, from a top edge that runs from just
 *   below the lower lip up to the sideburns, down to the chin; the outer arc stands `thickness` out
 *   from the skin, thinning to nothing at the top edge and at the jaw's angles, so the beard grows out
 *   of the skin rather than sitting on it as a shelf; the inner arc lies just under the skin;
 * - below the chin a ring is the photo's beard width at that height (left and right of the face's
 *   axis), its back just in front of the neck, its depth a share of its width (and under the chin at
 *   least the chin's reach ahead of the neck); the jaw's last rings narrow and widen into the first.
 *
 * Every ring has the same vertices (the outer arc left to right, the inner arc back), so consecutive
 * rings join in quads; a fan closes the top (inside the head) and the bottom. UVs: u along the ring
 * (the outer arc over the first OUTER_U of it), v down the beard, within the atlas block given, so
 * strands run along +v as the hair's do.
 */
import { modelLandmarks, type HeadModel } from '../../geometry/head-model';
import { signedVolume } from '../../geometry/textured-mesh';
import { smoothstep } from '../../geometry/smoothstep';
import type { BeardSegmentation } from './segment-beard';

export interface BeardShape {
  /** Heights (metres): the top ring (the lower lip), the chin and the beard's end. */
  topY: number;
  chinY: number;
  bottomY: number;
  /** Below the chin, top to bottom: height and half-widths towards −X (left) and +X (right), metres. */
  rows: { y: number; left: number; right: number }[];
  /** How far the beard stands out from the skin over the jaw (metres). */
  thickness: number;
}

/** Vertices on a ring's outer arc (its ends shared with the inner arc). */
const ARC = 33;
const JAW_RINGS = 12;
/** Cross-sections are cut at heights rounded to this (metres) and reused. */
const SECTION_STEP = 0.0005;
/** Share of u the outer arc takes (the inner one shows only from below). */
const OUTER_U = 0.8;
/** The inner arc lies this far under the skin over the jaw (metres), and the hanging beard's back this far in front of the neck. */
const UNDER_SKIN = 0.002;
const NECK_GAP = 0.004;
/** The hanging beard's depth front to back per metre of its width, and at least this (metres). */
const DEPTH_PER_WIDTH = 0.45;
const END_DEPTH = 0.015;
/** How far the jaw's last ring moves towards the hanging beard's first (all the way would make them one). */
const JOIN = 0.85;
/** Over the jaw the beard reaches back to the jaw's angle plus this much (radians). */
const JAW_REACH = 0.15;
/** The thickness over the jaw: the photo's excess past the face's outline plus this, within these bounds (metres). */
const THICKNESS_BASE = 0.006;
const THICKNESS_RANGE: [number, number] = [0.006, 0.025];

/** Landmarks (MediaPipe 468) used: lower lip, chin, forehead top, the nose's base, jaw angles. */
const LM = { lowerLip: 17, chin: 152, forehead: 10, noseBottom: 2, jaw: [172, 397] } as const;

export function beardShape(model: HeadModel, positions: Float32Array, beard: BeardSegmentation): BeardShape {
  const lm = modelLandmarks(model, positions);
  const y = (i: number) => lm[i * 3 + 1]!;
  const z = (i: number) => lm[i * 3 + 2]!;
  const faceHeight = Math.hypot(y(LM.forehead) - y(LM.chin), z(LM.forehead) - z(LM.chin));
  // Face-local y (face heights below the eye line) to the head's heights: the photo's chin is the
  // fitted head's chin, so the beard's length is measured from it.
  const chinY = y(LM.chin);
  const toY = (localY: number) => chinY - (localY - beard.chinY) * faceHeight;
  const thickness = Math.min(
    THICKNESS_RANGE[1],
    Math.max(THICKNESS_RANGE[0], beard.jawExcess * faceHeight + THICKNESS_BASE),
  );
  return {
    topY: y(LM.lowerLip),
    chinY,
    bottomY: toY(beard.bottomY),
    rows: beard.rows.map((r) => ({ y: toY(r.y), left: r.left * faceHeight, right: r.right * faceHeight })),
    thickness,
  };
}

export interface BeardMeshGeometry {
  positions: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
}

export function buildBeardMesh(
  model: HeadModel,
  positions: Float32Array,
  shape: BeardShape,
  atlas: { u: [number, number]; v: [number, number] },
): BeardMeshGeometry {
  const lm = modelLandmarks(model, positions);
  const cache = new Map<number, Float32Array>();
  const section = (y: number) => {
    const key = Math.round(y / SECTION_STEP);
    let segs = cache.get(key);
    if (!segs) cache.set(key, (segs = crossSection(positions, model.triangles, key * SECTION_STEP)));
    return segs;
  };
  // The vertical axis the rings are measured around: the neck's centre just below the chin.
  const neckBelowChin = section(shape.chinY - 0.03);
  const axisZ = neckBelowChin.length > 0 ? sectionCentreZ(neckBelowChin) : lm[LM.chin * 3 + 2]! - 0.06;
  const jawAngle = Math.max(...LM.jaw.map((i) => Math.abs(Math.atan2(lm[i * 3]!, lm[i * 3 + 2]! - axisZ))));
  const topReach = Math.min(Math.PI * 0.6, jawAngle + JAW_REACH);
  const sideburnY = lm[LM.noseBottom * 3 + 1]!;
  const jawBottom = shape.chinY + 0.004;
  const chinSkin = farthest(section(jawBottom), axisZ, 0) ?? lm[LM.chin * 3 + 2]! - axisZ;
  const chinFrontZ = axisZ + chinSkin + shape.thickness;

  // Hanging: the photo's width per row, the back in front of the neck, the front from the chin's down.
  const rings: Ring[] = [];
  let neckFrontZ = axisZ + chinSkin - 0.03;
  const hanging = shape.rows.map((row, k) => {
    const neck = farthest(section(row.y), axisZ, 0);
    if (neck !== null) neckFrontZ = axisZ + neck;
    const back = neckFrontZ + NECK_GAP;
    const s = (k + 1) / shape.rows.length;
    // A full beard is about DEPTH_PER_WIDTH as deep as it is wide, thinning towards its end; just
    // below the chin it is at least as deep as the chin's front is ahead of the neck.
    const depth = Math.max(
      DEPTH_PER_WIDTH * (row.left + row.right) * (1 - 0.5 * s),
      (chinFrontZ - back) * (1 - s),
      END_DEPTH,
    );
    const outer: Point[] = [];
    const inner: Point[] = [];
    for (let i = 0; i < ARC; i++) {
      const t = (i / (ARC - 1)) * 2 - 1;
      const b = (t * Math.PI) / 2;
      const x = Math.sin(b) * (t < 0 ? row.left : row.right);
      const c = Math.cos(b);
      outer.push([x, row.y, back + depth * Math.pow(c, 0.6)]);
      inner.push([x, row.y, back - 0.3 * NECK_GAP * c]);
    }
    return { outer, inner };
  });
  // Over the jaw: rings on the skin's own cross-sections, from a top edge that runs from below the
  // lower lip up to the sideburns, down to just above the chin's underside; their reach narrows from
  // the jaw's angles to where the hanging beard's first ring ends, so the two join without a shelf.
  const first = hanging[0];
  const bottomReach = first
    ? Math.min(
        topReach,
        (Math.atan2(-first.outer[0]![0], first.outer[0]![2] - axisZ) +
          Math.atan2(first.outer[ARC - 1]![0], first.outer[ARC - 1]![2] - axisZ)) /
          2,
      )
    : topReach;
  for (let k = 0; k < JAW_RINGS; k++) {
    const s = k / (JAW_RINGS - 1);
    const reach = topReach + (bottomReach - topReach) * smoothstep(0.2, 1, s);
    const outer: Point[] = [];
    const inner: Point[] = [];
    for (let i = 0; i < ARC; i++) {
      const t = (i / (ARC - 1)) * 2 - 1;
      const a = t * reach;
      const top = shape.topY + (sideburnY - shape.topY) * Math.pow(Math.abs(t), 1.5);
      const y = top + (jawBottom - top) * s;
      const skin = farthest(section(y), axisZ, a) ?? chinSkin;
      const l = lens(t);
      const dx = Math.sin(a),
        dz = Math.cos(a);
      const ro = skin + shape.thickness * smoothstep(0, 0.6, s) * Math.sqrt(l);
      const ri = skin - UNDER_SKIN * l;
      outer.push([dx * ro, y, axisZ + dz * ro]);
      inner.push([dx * ri, y, axisZ + dz * ri]);
    }
    // Towards the chin the outer arc widens into the hanging beard's first ring (the photo's width
    // just below the chin is the beard's, wider than the jaw's there).
    const join = first ? JOIN * smoothstep(0.5, 1, s) : 0;
    if (join > 0) outer.forEach((point, i) => lerpPoint(point, first!.outer[i]!, join));
    rings.push({ outer, inner });
  }
  rings.push(...hanging);
  return loft(rings, shape.bottomY - 0.01, atlas);
}

type Point = [number, number, number];
type Ring = { outer: Point[]; inner: Point[] };

function lerpPoint(point: Point, to: Point, f: number): void {
  for (let c = 0; c < 3; c++) point[c] = point[c]! + (to[c]! - point[c]!) * f;
}

function lens(t: number): number {
  return Math.sqrt(Math.max(0, 1 - t * t)); // t in [−1, 1]
}

/** Rings joined in quads, a fan at each end; u along each ring (outer arc, then inner back), v down. */
function loft(
  rings: Ring[],
  tipY: number,
  atlas: { u: [number, number]; v: [number, number] },
): BeardMeshGeometry {
  const vRange = atlas.v;
  const [u0, u1] = atlas.u;
  // Ring columns: the outer arc's ARC points, the inner arc's ARC − 2 between its shared ends, and the
  // first point again (u = 1) for the UV seam.
  const cols = 2 * ARC - 2;
  const perRing = cols + 1;
  const ringCount = rings.length;
  const vertexCount = ringCount * perRing + 2 * cols;
  const positions = new Float32Array(vertexCount * 3);
  const uvs = new Float32Array(vertexCount * 2);
  const vAt = (k: number) => vRange[0] + ((vRange[1] - vRange[0]) * (k + 1)) / (ringCount + 1);
  const uAt = (j: number) =>
    u0 +
    (u1 - u0) *
      (j < ARC ? (OUTER_U * j) / (ARC - 1) : OUTER_U + ((1 - OUTER_U) * (j - (ARC - 1))) / (ARC - 1));
  const centres: Point[] = [];
  rings.forEach((ring, k) => {
    const loop = [...ring.outer, ...ring.inner.slice(1, ARC - 1).reverse(), ring.outer[0]!];
    const centre: Point = [0, 0, 0];
    loop.forEach((point, j) => {
      const v = k * perRing + j;
      positions.set(point, v * 3);
      uvs.set([uAt(j), vAt(k)], v * 2);
      if (j < cols) for (let c = 0; c < 3; c++) centre[c]! += point[c]! / cols;
    });
    centres.push(centre);
  });
  // End fans: one centre vertex per column (each with its column's u), as the hair's crown.
  const top = ringCount * perRing;
  const bottom = top + cols;
  const last = centres[ringCount - 1]!;
  for (let j = 0; j < cols; j++) {
    positions.set(centres[0]!, (top + j) * 3);
    uvs.set([(uAt(j) + uAt(j + 1)) / 2, vRange[0]], (top + j) * 2);
    positions.set([last[0], tipY, last[2]], (bottom + j) * 3);
    uvs.set([(uAt(j) + uAt(j + 1)) / 2, vRange[1]], (bottom + j) * 2);
  }
  const indices: number[] = [];
  const at = (k: number, j: number) => k * perRing + j;
  for (let j = 0; j < cols; j++) {
    indices.push(top + j, at(0, j + 1), at(0, j));
    for (let k = 0; k + 1 < ringCount; k++) {
      indices.push(at(k, j), at(k, j + 1), at(k + 1, j + 1));
      indices.push(at(k, j), at(k + 1, j + 1), at(k + 1, j));
    }
    indices.push(bottom + j, at(ringCount - 1, j), at(ringCount - 1, j + 1));
  }
  const out = Uint32Array.from(indices);
  if (signedVolume(positions, out) < 0) {
    for (let t = 0; t < out.length; t += 3) [out[t + 1], out[t + 2]] = [out[t + 2]!, out[t + 1]!];
  }
  return { positions, uvs, indices: out };
}

/** The segments (x0, z0, x1, z1) where the plane at height y cuts the mesh's triangles. */
function crossSection(positions: Float32Array, triangles: Uint32Array, y: number): Float32Array {
  const out: number[] = [];
  for (let t = 0; t < triangles.length; t += 3) {
    const pts: number[] = [];
    for (let e = 0; e < 3; e++) {
      const a = triangles[t + e]! * 3;
      const b = triangles[t + ((e + 1) % 3)]! * 3;
      const ya = positions[a + 1]! - y;
      const yb = positions[b + 1]! - y;
      if (ya > 0 === yb > 0) continue;
      const f = ya / (ya - yb);
      pts.push(
        positions[a]! + f * (positions[b]! - positions[a]!),
        positions[a + 2]! + f * (positions[b + 2]! - positions[a + 2]!),
      );
    }
    if (pts.length === 4) out.push(...pts);
  }
  return Float32Array.from(out);
}

/** Mean z of a cross-section's segment midpoints. */
function sectionCentreZ(segs: Float32Array): number {
  let z = 0;
  for (let i = 0; i < segs.length; i += 4) z += (segs[i + 1]! + segs[i + 3]!) / 2;
  return z / (segs.length / 4);
}

/** Distance from (0, axisZ) along the horizontal direction at angle a (0 = +Z, towards +X) to the farthest segment, or null. */
function farthest(segs: Float32Array, axisZ: number, a: number): number | null {
  const dx = Math.sin(a),
    dz = Math.cos(a);
  let best: number | null = null;
  for (let i = 0; i < segs.length; i += 4) {
    const x0 = segs[i]!,
      z0 = segs[i + 1]! - axisZ,
      ex = segs[i + 2]! - segs[i]!,
      ez = segs[i + 3]! - segs[i + 1]!;
    const den = dx * ez - dz * ex;
    if (Math.abs(den) < 1e-12) continue;
    const r = (x0 * ez - z0 * ex) / den;
    const s = (x0 * dz - z0 * dx) / den;
    if (s < 0 || s > 1 || r <= 0) continue;
    if (best === null || r > best) best = r;
  }
  return best;
}
