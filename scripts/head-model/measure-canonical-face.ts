/**
 * Measures the face shape the head model's front is built from: the 468 MediaPipe landmarks of the
 * bundled real photo (resources/samples/astronaut.png, public domain) and of its mirror image,
 * rotated into a face frame, made left/right symmetric, averaged and scaled to metres (outer eye
 * corners 89 mm apart, an adult average). Writes scripts/head-model/data/canonical-face.json.
 * Run: npx tsx scripts/head-model/measure-canonical-face.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { detectLandmarks } from './human-landmarks';
import { loadMediapipeTopology } from './mediapipe-topology';

const BIOCULAR_WIDTH_M = 0.089;

type V3 = [number, number, number];
const sub = (a: V3, b: V3): V3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
const dot = (a: V3, b: V3) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
const scale = (a: V3, s: number): V3 => [a[0] * s, a[1] * s, a[2] * s];
const norm = (a: V3): V3 => scale(a, 1 / Math.hypot(...a));
const cross = (a: V3, b: V3): V3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];

/** Landmarks (x right, y down, z away, pixels) → symmetric face-frame points (x right, y up, z to viewer). */
function toFaceFrame(points: V3[], mirror: number[], uv: [number, number][]): V3[] {
  let xAxis: V3 = [0, 0, 0];
  points.forEach((p, i) => {
    if (uv[i]![0] > 0.52) xAxis = [...xAxis.map((c, a) => c + p[a]! - points[mirror[i]!]![a]!)] as V3;
  });
  xAxis = norm(xAxis);
  let up = sub(points[10]!, points[152]!);
  up = norm(sub(up, scale(xAxis, dot(up, xAxis))));
  const toward = cross(xAxis, up);
  const centre = scale(
    points.reduce<V3>((s, p) => [s[0] + p[0], s[1] + p[1], s[2] + p[2]], [0, 0, 0]),
    1 / points.length,
  );
  const framed = points.map((p) => {
    const d = sub(p, centre);
    return [dot(d, xAxis), dot(d, up), dot(d, toward)] as V3;
  });
  return framed.map((p, i) => {
    const m = framed[mirror[i]!]!;
    return [(p[0] - m[0]) / 2, (p[1] + m[1]) / 2, (p[2] + m[2]) / 2] as V3;
  });
}

async function main(): Promise<void> {
  const topo = loadMediapipeTopology();
  const photo = fileURLToPath(new URL('../../resources/samples/astronaut.png', import.meta.url));
  const shapes: V3[][] = [];
  for (const flop of [false, true]) {
    const img = await sharp(photo).flop(flop).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const found = await detectLandmarks({
      data: img.data,
      width: img.info.width,
      height: img.info.height,
      channels: 4,
    });
    if (!found) throw new Error('no face found in the sample photo');
    const pts: V3[] = [];
    for (let i = 0; i < 468; i++)
      pts.push([found.landmarks[i * 3]!, found.landmarks[i * 3 + 1]!, found.landmarks[i * 3 + 2]!]);
    shapes.push(toFaceFrame(pts, topo.mirror, topo.uv));
  }
  const mean = shapes[0]!.map((p, i) => scale(p.map((c, a) => c + shapes[1]![i]![a]!) as V3, 0.5));
  const s = BIOCULAR_WIDTH_M / Math.hypot(...sub(mean[263]!, mean[33]!));
  const metres = mean.map((p) => p.map((c) => Math.round(c * s * 1e6) / 1e6));
  writeFileSync(
    fileURLToPath(new URL('./data/canonical-face.json', import.meta.url)),
    JSON.stringify({
      source: 'resources/samples/astronaut.png and its mirror, @vladmandic/human 3.3.6 facemesh (WASM)',
      units: 'metres; x = subject left, y up, z toward viewer; origin = landmark centroid',
      biocularWidthM: BIOCULAR_WIDTH_M,
      points: metres,
    }) + '\n',
  );
  console.log(
    'canonical face written; face height 10→152 =',
    Math.hypot(...sub(metres[10] as V3, metres[152] as V3)).toFixed(4),
    'm',
  );
}

void main();
