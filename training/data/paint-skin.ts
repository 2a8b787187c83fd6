/**
 * The synthetic person's skin texture on the head model's atlas: base tone with low-frequency
 * mottling, pores, flush, freckles, stubble or beard, lips, eyes and brows — all placed by the shaped
 * head's own landmarks and evaluated at each texel's 3-D surface point, so features and noise are
 * continuous across atlas seams. Unlit albedo (lighting comes at render time).
 */
import { modelLandmarks, type HeadModel } from '../../src-main/engine/geometry/head-model';
import { computeVertexNormals } from '../../src-main/engine/geometry/textured-mesh';
import {
  atlasSurface,
  interpolateVertexField,
} from '../../src-main/engine/generate/prior-projection/atlas-surface';
import { atlasTriangleIds } from '../../src-main/engine/generate/prior-projection/photo-projection';
import type { Rgb, SkinLook } from './draw-identity';
import { valueNoise3 } from '../../src-main/engine/geometry/value-noise';

export interface SkinTexture {
  data: Uint8Array;
  width: number;
  height: number;
}

type Vec3 = [number, number, number];

function point(landmarks: Float32Array, index: number): Vec3 {
  return [landmarks[index * 3]!, landmarks[index * 3 + 1]!, landmarks[index * 3 + 2]!];
}

function mean(points: Vec3[]): Vec3 {
  const s: Vec3 = [0, 0, 0];
  for (const p of points) for (let k = 0; k < 3; k++) s[k] = s[k]! + p[k]! / points.length;
  return s;
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/** Distance in the face's x–y plane from (x, y) to a polyline. */
function polylineDistance(x: number, y: number, line: Vec3[]): number {
  let best = Infinity;
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = line[i]!,
      [bx, by] = line[i + 1]!;
    const ex = bx - ax,
      ey = by - ay;
    const t = Math.min(1, Math.max(0, ((x - ax) * ex + (y - ay) * ey) / (ex * ex + ey * ey || 1)));
    best = Math.min(best, Math.hypot(x - ax - t * ex, y - ay - t * ey));
  }
  return best;
}

const toLinear = (c: number) => Math.pow(c / 255, 2.2);
const toSrgb = (c: number) => Math.round(255 * Math.pow(Math.min(1, Math.max(0, c)), 1 / 2.2));
const linear = (c: Rgb): Vec3 => [toLinear(c[0]), toLinear(c[1]), toLinear(c[2])];

interface Eye {
  centre: Vec3;
  halfWidth: number;
}

interface FaceLayout {
  eyes: Eye[];
  brows: Vec3[][];
  mouth: Vec3;
  mouthHalfWidth: number;
  mouthHalfHeight: number;
  noseTip: Vec3;
  noseBottom: Vec3;
  cheeks: Vec3[];
  chin: Vec3;
  /** Texels in front of this z (and facing forward) may carry face features. */
  frontZ: number;
}

function faceLayout(model: HeadModel, positions: Float32Array): FaceLayout {
  const lm = modelLandmarks(model, positions);
  const named = (name: string) => (model.namedLandmarks[name] ?? []).map((i) => point(lm, i));
  const one = (name: string) => mean(named(name));
  const eyes = [
    [one('rightEyeOuter'), one('rightEyeInner')],
    [one('leftEyeInner'), one('leftEyeOuter')],
  ].map(([a, b]) => ({ centre: mean([a!, b!]), halfWidth: Math.hypot(a![0] - b![0], a![1] - b![1]) / 2 }));
  const mouthPoints = [...named('upperLip'), ...named('lowerLip'), one('mouthLeft'), one('mouthRight')];
  const left = one('mouthLeft'),
    right = one('mouthRight');
  const upper = one('upperLip'),
    lower = one('lowerLip');
  return {
    eyes,
    brows: [named('browRight'), named('browLeft')],
    mouth: mean(mouthPoints),
    mouthHalfWidth: Math.abs(left[0] - right[0]) / 2,
    mouthHalfHeight: Math.max(0.005, Math.abs(upper[1] - lower[1]) / 2),
    noseTip: one('noseTip'),
    noseBottom: one('noseBottom'),
    cheeks: [one('cheekRight'), one('cheekLeft')],
    chin: one('chin'),
    frontZ: Math.min(...eyes.map((e) => e.centre[2])) - 0.04,
  };
}

/** One texel's colour (linear RGB) from its surface point p and normal n. */
function texelColour(
  p: Vec3,
  n: Vec3,
  hairWeight: number,
  look: SkinLook,
  hair: Vec3,
  face: FaceLayout,
  seed: number,
): Vec3 {
  const [x, y, z] = p;
  let c = linear(look.tone);
  const mottle = 1 + 0.06 * valueNoise3(x / 0.03, y / 0.03, z / 0.03, seed);
  const pore = 1 + 0.07 * look.pores * valueNoise3(x / 0.0009, y / 0.0009, z / 0.0009, seed + 1);
  c = c.map((v) => v * mottle * pore) as Vec3;

  const front = z > face.frontZ && n[2] > 0.15;
  const mix = (target: Vec3, w: number) => {
    if (w > 0) c = c.map((v, k) => v + (target[k]! - v) * Math.min(1, w)) as Vec3;
  };
  if (front) {
    // flush on the cheeks and the nose
    const cheek = Math.max(
      ...face.cheeks.map((q) => 1 - smoothstep(0.008, 0.03, Math.hypot(x - q[0], y - q[1]))),
    );
    const nose = 1 - smoothstep(0.004, 0.014, Math.hypot(x - face.noseTip[0], y - face.noseTip[1]));
    // red shows less on darker skin
    const lightness = (look.tone[0] + look.tone[1] + look.tone[2]) / 765;
    mix(linear([200, 70, 70]), 0.22 * look.flush * lightness * lightness * Math.max(cheek, nose));
    // freckles: a dot per 4 mm cell, some cells, over the cheeks and nose
    if (look.freckles > 0) {
      const near = Math.max(
        cheek,
        1 - smoothstep(0.01, 0.03, Math.hypot(x - face.noseTip[0], y - face.noseTip[1] + 0.01)),
      );
      const f = valueNoise3(x / 0.0018, y / 0.0018, z / 0.0018, seed + 2);
      if (near > 0.2 && f > 1 - 0.9 * look.freckles) c = c.map((v) => v * (1 - 0.35 * near)) as Vec3;
    }
    // lower face: stubble or beard below the nose, down to under the chin
    const belowNose = smoothstep(face.noseBottom[1] - 0.002, face.noseBottom[1] - 0.012, y);
    const aboveNeck = smoothstep(face.chin[1] - 0.04, face.chin[1] - 0.01, y);
    const sides = 1 - smoothstep(0.045, 0.065, Math.abs(x - face.mouth[0]));
    const jaw = belowNose * aboveNeck * sides;
    if (look.stubble > 0 && jaw > 0) {
      const speck = valueNoise3(x / 0.0007, y / 0.0007, z / 0.0007, seed + 3) > 0.2 ? 1 : 0.3;
      mix(hair, 0.35 * look.stubble * jaw * speck);
    }
    if (look.beard > 0 && jaw > 0) {
      const strands = 0.75 + 0.25 * valueNoise3(x / 0.004, y / 0.0006, z / 0.004, seed + 4);
      mix(hair.map((v) => v * strands) as Vec3, look.beard * jaw);
    }
    // lips
    const lx = (x - face.mouth[0]) / (face.mouthHalfWidth * 1.05);
    const ly = (y - face.mouth[1]) / (face.mouthHalfHeight * 1.5);
    const lip = 1 - smoothstep(0.8, 1.05, Math.hypot(lx, ly));
    mix(linear(look.lips), 0.85 * lip);
    // eyes: sclera, iris, pupil, lash line; eye shadow above with make-up
    for (const eye of face.eyes) {
      const ex = (x - eye.centre[0]) / eye.halfWidth;
      const ey = (y - eye.centre[1]) / (eye.halfWidth * 0.38);
      const r = Math.hypot(ex, ey);
      if (r < 1.25) {
        if (r < 1) {
          const iris = Math.hypot(x - eye.centre[0], y - eye.centre[1]) / (eye.halfWidth * 0.42);
          const eyeColour =
            iris < 0.4 ? linear([12, 10, 10]) : iris < 1 ? linear(look.iris) : linear([232, 226, 220]);
          mix(eyeColour, 1 - smoothstep(0.85, 1, r));
        }
        mix(linear([35, 25, 25]), (1 - Math.abs(r - 1.05) / 0.2) * 0.9);
      }
      if (look.makeup > 0 && ey < 0 && r > 1 && r < 2) {
        mix(linear([110, 80, 100]), 0.4 * look.makeup * (1 - smoothstep(1.2, 2, r)));
      }
    }
    // brows
    for (const brow of face.brows) {
      const d = polylineDistance(x, y, brow);
      const half = (look.browThickness * face.eyes[0]!.halfWidth * 2) / 2;
      const strands = 0.7 + 0.3 * valueNoise3(x / 0.0015, y / 0.0005, z / 0.0015, seed + 5);
      mix(linear(look.brows), (1 - smoothstep(half * 0.6, half * 1.2, d)) * 0.85 * strands);
    }
  }
  // the scalp under the hair takes the hair's colour (a hairline, and a shaved head's shadow)
  mix(hair, 0.7 * smoothstep(0.3, 0.8, hairWeight));
  return c;
}

export async function paintSkinTexture(input: {
  model: HeadModel;
  positions: Float32Array;
  look: SkinLook;
  hairColour: Rgb;
  size: number;
}): Promise<SkinTexture> {
  const { model, positions, look, size } = input;
  const normals = computeVertexNormals(positions, model.triangles);
  const triangleIds = await atlasTriangleIds(model.uvs, model.uvTriangles, size);
  const surface = atlasSurface(model, triangleIds, size);
  const texelPositions = interpolateVertexField(model, surface, positions, 3);
  const texelNormals = interpolateVertexField(model, surface, normals, 3);
  const texelHair = interpolateVertexField(model, surface, model.hairWeight, 1);
  const face = faceLayout(model, positions);
  const hair = linear(input.hairColour);
  const data = new Uint8Array(size * size * 4);
  const base = linear(look.tone);
  for (let p = 0; p < size * size; p++) {
    let c: Vec3 = base;
    if (surface.triangle[p]! >= 0) {
      c = texelColour(
        [texelPositions[p * 3]!, texelPositions[p * 3 + 1]!, texelPositions[p * 3 + 2]!],
        [texelNormals[p * 3]!, texelNormals[p * 3 + 1]!, texelNormals[p * 3 + 2]!],
        texelHair[p]!,
        look,
        hair,
        face,
        look.noiseSeed,
      );
    }
    data[p * 4] = toSrgb(c[0]);
    data[p * 4 + 1] = toSrgb(c[1]);
    data[p * 4 + 2] = toSrgb(c[2]);
    data[p * 4 + 3] = 255;
  }
  return { data, width: size, height: size };
}
