/**
 * The viewport's bundled environment map (the "environment" lighting preset): a small equirectangular
 * PNG of a photo studio — a warm softbox up front-left, a cool strip light behind on the right, a pale
 * ceiling, grey walls and a dark floor — computed here, so the app loads nothing from the network.
 * Deterministic (no randomness, fixed size): running it again writes the same bytes.
 * Values are linear radiance in 0..1 (the viewport loads it with gammaSpace false).
 *   npx tsx scripts/make-environment-map.ts
 */
import path from 'node:path';
import sharp from 'sharp';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'src-renderer/assets/environment/studio-softboxes.png');
const WIDTH = 128;
const HEIGHT = 64;

type Rgb = [number, number, number];

/** A soft round light: full inside `radius` (radians), fading to nothing over `soft`. */
function softLight(dir: Rgb, centre: Rgb, radius: number, soft: number): number {
  const len = Math.hypot(...centre);
  const cos = (dir[0] * centre[0] + dir[1] * centre[1] + dir[2] * centre[2]) / len;
  const angle = Math.acos(Math.min(1, Math.max(-1, cos)));
  return Math.min(1, Math.max(0, (radius + soft - angle) / soft));
}

/** Linear radiance seen along a unit direction (+Y up, +Z towards the face's front). */
export function studioRadiance(dir: Rgb): Rgb {
  const up = dir[1];
  // Walls: mid grey, a little lighter towards the ceiling; the floor darker and warm.
  const wall = up >= 0 ? 0.07 + 0.13 * up : 0.04 + 0.03 * (1 + up);
  const base: Rgb = up >= 0 ? [wall, wall, wall * 1.05] : [wall * 1.05, wall, wall * 0.9];
  const key = softLight(dir, [-0.6, 0.55, 0.6], 0.45, 0.25); // warm softbox, front-left, above
  const rim = softLight(dir, [0.75, 0.3, -0.6], 0.2, 0.2); // cool strip, behind right
  const fill = softLight(dir, [0.8, 0.1, 0.6], 0.5, 0.5); // dim bounce card, front-right
  return [
    Math.min(1, base[0] + key * 1.0 + rim * 0.55 + fill * 0.22),
    Math.min(1, base[1] + key * 0.93 + rim * 0.7 + fill * 0.22),
    Math.min(1, base[2] + key * 0.82 + rim * 0.95 + fill * 0.24),
  ];
}

/** Pixel (x, y) of the panorama → direction: longitude across, latitude down from +Y. */
function directionOf(x: number, y: number): Rgb {
  const lon = ((x + 0.5) / WIDTH) * 2 * Math.PI - Math.PI;
  const lat = Math.PI / 2 - ((y + 0.5) / HEIGHT) * Math.PI;
  return [Math.cos(lat) * Math.sin(lon), Math.sin(lat), Math.cos(lat) * Math.cos(lon)];
}

const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
for (let y = 0; y < HEIGHT; y++)
  for (let x = 0; x < WIDTH; x++) {
    const rgb = studioRadiance(directionOf(x, y));
    for (let c = 0; c < 3; c++) pixels[(y * WIDTH + x) * 3 + c] = Math.round(rgb[c]! * 255);
  }
await sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
  .png({ compressionLevel: 9 })
  .toFile(OUT);
console.log(`wrote ${OUT}`);
