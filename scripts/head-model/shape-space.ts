/**
 * The head model's linear shape space: named, left/right symmetric vertex-offset fields, each
 * scaled so that a coefficient of 1 is roughly one standard deviation of adult variation.
 */
import type { Vec3 } from './head-shape';

export interface ShapeComponent {
  name: string;
  description: string;
  offsets: Vec3[];
}

export interface ShapeContext {
  positions: Vec3[];
  /** 1 on the ears (rings and caps), 0 elsewhere. */
  earWeight: number[];
  /** 0 at the top of the neck, rising to 1 at its bottom cap. */
  neckWeight: number[];
  neckCentreZ: number;
  /** Placed canonical face landmarks (head frame). */
  landmarks: Vec3[];
}

const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};
const gauss = (p: Vec3, c: Vec3, s: number) =>
  Math.exp(-((p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2 + (p[2] - c[2]) ** 2) / (2 * s * s));
/** A Gaussian bump around a landmark and its mirror image (sums to 1 at either centre). */
const pairBump = (p: Vec3, c: Vec3, s: number) => gauss(p, c, s) + gauss(p, [-c[0], c[1], c[2]], s);

export function buildShapeSpace(ctx: ShapeContext): ShapeComponent[] {
  const L = (i: number) => ctx.landmarks[i]!;
  const eyeY = (L(33)[1] + L(263)[1]) / 2;
  const mouthY = (L(61)[1] + L(291)[1]) / 2;
  const chinY = L(152)[1];
  const field = (name: string, description: string, f: (p: Vec3, v: number) => Vec3): ShapeComponent => ({
    name,
    description,
    offsets: ctx.positions.map((p, v) => f(p, v)),
  });
  const front = (z: number) => smoothstep(-0.03, 0.05, z);
  const head = (v: number) => 1 - ctx.neckWeight[v]!;
  return [
    field('head-width', 'cranium and face breadth (±3.5 %)', ([x], v) => [0.035 * x * head(v), 0, 0]),
    field('head-length', 'back of the head, front to back (±3.5 %)', ([, , z], v) => [
      0,
      0,
      0.035 * Math.min(z, 0) * head(v),
    ]),
    field('head-height', 'cranium height above the eyes (±4 %)', ([, y], v) => [
      0,
      0.04 * Math.max(y - eyeY, 0) * head(v),
      0,
    ]),
    field('face-height', 'lower face length, eyes to chin (±5 %)', ([, y, z]) => [
      0,
      0.05 * Math.min(y - eyeY, 0) * front(z),
      0,
    ]),
    field('jaw-width', 'jaw breadth below the mouth', ([x, y, z]) => [
      0.09 * x * smoothstep(mouthY + 0.015, chinY + 0.03, y) * front(z),
      0,
      0,
    ]),
    field('chin-projection', 'chin forward/back (5 mm)', (p) => [
      0,
      0,
      0.005 * gauss(p, [0, chinY - 0.004, L(152)[2]], 0.018),
    ]),
    field('chin-height', 'chin lower/higher (5 mm)', (p) => [0, -0.005 * gauss(p, L(152), 0.02), 0]),
    field('nose-length', 'nose tip lower/higher (4 mm)', (p) => [0, -0.004 * gauss(p, L(1), 0.014), 0]),
    field('nose-width', 'nostril wings wider (3 mm each)', (p) => [
      0.003 * Math.sign(p[0]) * pairBump(p, L(327), 0.01),
      0,
      0,
    ]),
    field('nose-projection', 'nose out from the face (4 mm)', (p) => [0, 0, 0.004 * gauss(p, L(4), 0.016)]),
    field('brow-ridge', 'brow ridge forward (3 mm)', (p) => [
      0,
      0,
      0.003 * Math.min(1, pairBump(p, L(334), 0.014) + gauss(p, L(9), 0.012)),
    ]),
    field('cheek-fullness', 'cheeks fuller (4 mm outward)', (p) => {
      const w = 0.004 * pairBump(p, L(425), 0.022);
      const r = Math.hypot(p[0], p[1], p[2]) || 1;
      return [(w * p[0]) / r, (w * p[1]) / r, (w * p[2]) / r];
    }),
    field('eye-spacing', 'eyes further apart (2.5 mm each)', (p) => [
      0.0025 * Math.sign(p[0]) * pairBump(p, [(L(362)[0] + L(263)[0]) / 2, eyeY, L(386)[2]], 0.015),
      0,
      0,
    ]),
    field('mouth-width', 'mouth corners outward (3 mm each)', (p) => [
      0.003 * Math.sign(p[0]) * pairBump(p, L(291), 0.012),
      0,
      0,
    ]),
    field('forehead-slope', 'forehead leaning back (6 mm at the hairline)', ([, y, z]) => [
      0,
      0,
      -0.1 * Math.max(y - (eyeY + 0.03), 0) * smoothstep(0.02, 0.07, z),
    ]),
    field('ear-height', 'ears higher (6 mm)', (_p, v) => [0, 0.006 * ctx.earWeight[v]!, 0]),
    field('ear-protrusion', 'ears standing out (6 mm)', ([x], v) => [
      0.006 * Math.sign(x) * ctx.earWeight[v]!,
      0,
      0,
    ]),
    field('neck-width', 'neck thicker (±8 %)', ([x, , z], v) => [
      0.08 * x * ctx.neckWeight[v]!,
      0,
      0.08 * (z - ctx.neckCentreZ) * ctx.neckWeight[v]!,
    ]),
  ];
}
