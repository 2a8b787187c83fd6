/**
 * Synthetic reconstruction scenes with a known truth: textured objects rendered on white from the
 * head360 rig (16 views, azimuth k·22.5°, elevation +20°/−5°, 0.6 m, 256 px, f = 280), the views'
 * cameras in cameras.json form, held-out cameras between them, and the metrics of the issue: Chamfer
 * distance, normal consistency, PSNR. Hot loops are module-level functions (tsx wraps closures).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { orbitCamera, type PinholeCamera } from '../../src-main/engine/geometry/camera';
import { decodeRawImage } from '../../src-main/engine/image/raw-image';
import { renderTexturedMesh } from '../../src-main/engine/native/native-addon';

export interface SceneObject {
  positions: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
  texture: { data: Uint8Array; width: number; height: number };
}

export interface RigView {
  azimuth: number;
  elevation: number;
  camera: PinholeCamera;
}

export interface RenderedScene {
  image: { data: Uint8Array; width: number; height: number };
  mask: Uint8Array;
  /** Per pixel: object index × 2^24 + triangle id, −1 on background. */
  hit: Int32Array;
}

export const RIG_SIZE = 256;

export function rigCamera(azimuth: number, elevation: number, size = RIG_SIZE): PinholeCamera {
  const cam = orbitCamera({
    azimuthDeg: azimuth,
    elevationDeg: elevation,
    distance: 0.6,
    width: size,
    height: size,
    focal: 280 * (size / 256),
  });
  return { ...cam, cx: (128 * size) / 256, cy: (128 * size) / 256 };
}

/** head360: 16 views. */
export function head360(): RigView[] {
  return Array.from({ length: 16 }, (_, k) => {
    const azimuth = k * 22.5;
    const elevation = k % 2 === 0 ? 20 : -5;
    return { azimuth, elevation, camera: rigCamera(azimuth, elevation) };
  });
}

/** Held-out views: halfway between the rig's azimuths, at an elevation none of them has. */
export function heldOutViews(count = 8): RigView[] {
  return Array.from({ length: count }, (_, k) => {
    const azimuth = 11.25 + (k * 360) / count;
    return { azimuth, elevation: 7.5, camera: rigCamera(azimuth, 7.5) };
  });
}

/** Objects rendered unlit on white and composited by depth. */
export async function renderScene(
  objects: readonly SceneObject[],
  camera: PinholeCamera,
): Promise<RenderedScene> {
  const { width, height } = camera;
  const data = new Uint8Array(width * height * 4).fill(255);
  const depth = new Float32Array(width * height).fill(Infinity);
  const hit = new Int32Array(width * height).fill(-1);
  for (const [o, object] of objects.entries()) {
    const r = await renderTexturedMesh({
      ...object,
      camera,
      width,
      height,
      background: [255, 255, 255, 255],
      shading: 'none',
    });
    composite(data, depth, hit, r.image.data, r.depth, r.triangleId, o);
  }
  const mask = new Uint8Array(width * height);
  for (let p = 0; p < mask.length; p++) mask[p] = hit[p]! >= 0 ? 255 : 0;
  return { image: { data, width, height }, mask, hit };
}

function composite(
  data: Uint8Array,
  depth: Float32Array,
  hit: Int32Array,
  rgba: Uint8Array,
  layerDepth: Float32Array,
  triangle: Int32Array,
  object: number,
): void {
  for (let p = 0; p < depth.length; p++) {
    if (layerDepth[p]! < depth[p]!) {
      depth[p] = layerDepth[p]!;
      hit[p] = object * 2 ** 24 + triangle[p]!;
      data.set(rgba.subarray(p * 4, p * 4 + 4), p * 4);
    }
  }
}

/** `views/NN.png` + `views/cameras.json` as the diffusion generator writes them (head frame = world). */
export async function writeViewsFolder(
  dir: string,
  rig: readonly RigView[],
  renders: readonly RenderedScene[],
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const views = [];
  for (const [i, view] of rig.entries()) {
    const file = `${String(i).padStart(2, '0')}.png`;
    const { data, width, height } = renders[i]!.image;
    await writeFile(
      join(dir, file),
      await sharp(Buffer.from(data), { raw: { width, height, channels: 4 } })
        .png()
        .toBuffer(),
    );
    const c = view.camera;
    views.push({
      azimuth: view.azimuth,
      elevation: view.elevation,
      K: [c.fx, 0, c.cx, 0, c.fy, c.cy, 0, 0, 1],
      R: c.R,
      t: c.t,
      file,
    });
  }
  const json = {
    frame: 'head',
    units: 'm',
    convention: 'opencv-world-to-camera',
    resolution: RIG_SIZE,
    rig: 'head360',
    headScale: 2.5,
    headFrameOrigin: [0, 0, 0],
    views,
  };
  await writeFile(join(dir, 'cameras.json'), `${JSON.stringify(json, null, 2)}\n`);
}

/** Triangles seen from 26 directions around the scene (the outer surface of the truth). */
export async function visibleTriangles(objects: readonly SceneObject[]): Promise<Set<number>[]> {
  const seen = objects.map(() => new Set<number>());
  const dirs: [number, number][] = [];
  for (const el of [-60, -25, 0, 25, 60]) for (let a = 0; a < 360; a += 45) dirs.push([a, el]);
  dirs.push([0, 89], [0, -89]);
  for (const [az, el] of dirs) {
    const r = await renderScene(objects, rigCamera(az, el, 512));
    collectHits(r.hit, seen);
  }
  return seen;
}

function collectHits(hit: Int32Array, seen: Set<number>[]): void {
  for (let p = 0; p < hit.length; p++) {
    const h = hit[p]!;
    if (h < 0) continue;
    seen[Math.floor(h / 2 ** 24)]!.add(h % 2 ** 24);
  }
}

/** Area-weighted points (and their triangle normals) on the given triangles, deterministic. */
export function samplePoints(
  positions: Float32Array,
  indices: Uint32Array,
  triangles: Iterable<number> | undefined,
  count: number,
): { points: Float32Array; normals: Float32Array } {
  const list = triangles ? [...triangles] : Array.from({ length: indices.length / 3 }, (_, i) => i);
  const areas = new Float64Array(list.length);
  let total = 0;
  for (let k = 0; k < list.length; k++) {
    total += triArea(positions, indices, list[k]!);
    areas[k] = total;
  }
  const points = new Float32Array(count * 3);
  const normals = new Float32Array(count * 3);
  let seed = 12345;
  for (let s = 0; s < count; s++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const target = ((s + (seed % 1000) / 1000) / count) * total;
    let lo = 0;
    let hi = list.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (areas[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    seed = (seed * 1103515245 + 12345) >>> 0;
    let u = (seed % 10007) / 10007;
    seed = (seed * 1103515245 + 12345) >>> 0;
    let v = (seed % 10009) / 10009;
    if (u + v > 1) {
      u = 1 - u;
      v = 1 - v;
    }
    pointOn(positions, indices, list[lo]!, u, v, points, normals, s);
  }
  return { points, normals };
}

/** (b − a) × (c − a) of triangle t: its normal times twice its area. */
function triangleCross(p: Float32Array, idx: Uint32Array, t: number): [number, number, number] {
  const a = idx[t * 3]! * 3;
  const b = idx[t * 3 + 1]! * 3;
  const c = idx[t * 3 + 2]! * 3;
  const e1 = [p[b]! - p[a]!, p[b + 1]! - p[a + 1]!, p[b + 2]! - p[a + 2]!];
  const e2 = [p[c]! - p[a]!, p[c + 1]! - p[a + 1]!, p[c + 2]! - p[a + 2]!];
  return [
    e1[1]! * e2[2]! - e1[2]! * e2[1]!,
    e1[2]! * e2[0]! - e1[0]! * e2[2]!,
    e1[0]! * e2[1]! - e1[1]! * e2[0]!,
  ];
}

function triArea(p: Float32Array, idx: Uint32Array, t: number): number {
  const n = triangleCross(p, idx, t);
  return Math.hypot(n[0], n[1], n[2]) / 2;
}

function pointOn(
  p: Float32Array,
  idx: Uint32Array,
  t: number,
  u: number,
  v: number,
  out: Float32Array,
  nout: Float32Array,
  s: number,
): void {
  const a = idx[t * 3]! * 3;
  const b = idx[t * 3 + 1]! * 3;
  const c = idx[t * 3 + 2]! * 3;
  for (let k = 0; k < 3; k++)
    out[s * 3 + k] = p[a + k]! + u * (p[b + k]! - p[a + k]!) + v * (p[c + k]! - p[a + k]!);
  const n = triangleCross(p, idx, t);
  const l = Math.hypot(n[0]!, n[1]!, n[2]!) || 1;
  for (let k = 0; k < 3; k++) nout[s * 3 + k] = n[k]! / l;
}

/** For each query point, the index of the nearest target point (uniform grid of `cell` metres). */
export function nearestIndices(query: Float32Array, target: Float32Array, cell: number): Int32Array {
  const grid = new Map<string, number[]>();
  for (let i = 0; i < target.length / 3; i++) {
    const key = cellKey(target[i * 3]!, target[i * 3 + 1]!, target[i * 3 + 2]!, cell, 0, 0, 0);
    let list = grid.get(key);
    if (!list) grid.set(key, (list = []));
    list.push(i);
  }
  const out = new Int32Array(query.length / 3);
  for (let q = 0; q < out.length; q++) out[q] = nearestOne(query, q, target, grid, cell);
  return out;
}

function cellKey(x: number, y: number, z: number, cell: number, dx: number, dy: number, dz: number): string {
  return `${Math.floor(x / cell) + dx},${Math.floor(y / cell) + dy},${Math.floor(z / cell) + dz}`;
}

function nearestOne(
  query: Float32Array,
  q: number,
  target: Float32Array,
  grid: Map<string, number[]>,
  cell: number,
): number {
  const x = query[q * 3]!;
  const y = query[q * 3 + 1]!;
  const z = query[q * 3 + 2]!;
  let best = -1;
  let bestD = Infinity;
  for (let ring = 1; ring <= 8; ring++) {
    for (let dx = -ring; dx <= ring; dx++) {
      for (let dy = -ring; dy <= ring; dy++) {
        for (let dz = -ring; dz <= ring; dz++) {
          if (Math.max(Math.abs(dx), Math.abs(dy), Math.abs(dz)) !== ring && ring > 1) continue;
          const list = grid.get(cellKey(x, y, z, cell, dx, dy, dz));
          if (!list) continue;
          for (const i of list) {
            const d =
              (target[i * 3]! - x) ** 2 + (target[i * 3 + 1]! - y) ** 2 + (target[i * 3 + 2]! - z) ** 2;
            if (d < bestD) {
              bestD = d;
              best = i;
            }
          }
        }
      }
    }
    if (best >= 0 && Math.sqrt(bestD) <= (ring - 1) * cell) break;
  }
  return best;
}

/** Sums over `from`'s points of the distance to, and the normal agreement with, their match in `to`. */
function oneSidedMatch(
  from: { points: Float32Array; normals: Float32Array },
  to: { points: Float32Array; normals: Float32Array },
  match: ArrayLike<number>,
): { distance: number; normalDot: number } {
  let distance = 0;
  let normalDot = 0;
  for (let i = 0; i < match.length; i++) {
    const j = match[i]!;
    distance += dist(from.points, i, to.points, j);
    for (let k = 0; k < 3; k++) normalDot += from.normals[i * 3 + k]! * to.normals[j * 3 + k]!;
  }
  return { distance, normalDot };
}

/** Symmetric Chamfer distance (mean of both directions' mean distances) and normal consistency. */
export function compareSurfaces(
  recon: { points: Float32Array; normals: Float32Array },
  truth: { points: Float32Array; normals: Float32Array },
  cell = 0.005,
): { chamfer: number; normalConsistency: number } {
  const r2t = nearestIndices(recon.points, truth.points, cell);
  const t2r = nearestIndices(truth.points, recon.points, cell);
  const forward = oneSidedMatch(recon, truth, r2t);
  const backward = oneSidedMatch(truth, recon, t2r);
  const a = forward.distance;
  const b = backward.distance;
  const nc = forward.normalDot + backward.normalDot;
  return {
    chamfer: 0.5 * (a / r2t.length + b / t2r.length),
    normalConsistency: nc / (r2t.length + t2r.length),
  };
}

function dist(p: Float32Array, i: number, q: Float32Array, j: number): number {
  return Math.hypot(p[i * 3]! - q[j * 3]!, p[i * 3 + 1]! - q[j * 3 + 1]!, p[i * 3 + 2]! - q[j * 3 + 2]!);
}

/** PSNR (dB) of two RGBA images over the pixels where either mask is set. */
export function maskedPsnr(a: Uint8Array, b: Uint8Array, maskA: Uint8Array, maskB: Uint8Array): number {
  let se = 0;
  let n = 0;
  for (let p = 0; p < maskA.length; p++) {
    if (!maskA[p] && !maskB[p]) continue;
    for (let c = 0; c < 3; c++) se += (a[p * 4 + c]! - b[p * 4 + c]!) ** 2;
    n += 3;
  }
  return 10 * Math.log10((255 * 255) / Math.max(1e-9, se / Math.max(1, n)));
}

/**
 * Where the masked PSNR's error comes from: the PSNR over the pixels both masks share (texture
 * registration and the bake) and the pixels on only one silhouette (object against white: geometry).
 */
export function psnrBreakdown(
  a: Uint8Array,
  b: Uint8Array,
  maskA: Uint8Array,
  maskB: Uint8Array,
): { both: number; onePixels: number; oneShare: number } {
  let seBoth = 0;
  let nBoth = 0;
  let seOne = 0;
  let nOne = 0;
  for (let p = 0; p < maskA.length; p++) {
    if (!maskA[p] && !maskB[p]) continue;
    let se = 0;
    for (let c = 0; c < 3; c++) se += (a[p * 4 + c]! - b[p * 4 + c]!) ** 2;
    if (maskA[p] && maskB[p]) {
      seBoth += se;
      nBoth++;
    } else {
      seOne += se;
      nOne++;
    }
  }
  return {
    both: 10 * Math.log10((255 * 255) / Math.max(1e-9, seBoth / Math.max(1, 3 * nBoth))),
    onePixels: nOne,
    oneShare: seOne / Math.max(1e-9, seBoth + seOne),
  };
}

export async function textureFromPng(png: Buffer, side: number): Promise<SceneObject['texture']> {
  const raw = await decodeRawImage(await sharp(png).resize(side, side).png().toBuffer(), 4);
  return raw;
}

/** Bounding-box diagonal of points. */
export function diagonal(points: Float32Array): number {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i++) {
    lo[i % 3] = Math.min(lo[i % 3]!, points[i]!);
    hi[i % 3] = Math.max(hi[i % 3]!, points[i]!);
  }
  return Math.hypot(hi[0]! - lo[0]!, hi[1]! - lo[1]!, hi[2]! - lo[2]!);
}

/** Share of covered texels (size² grid, texel centres) that more than one UV triangle covers. */
export function uvOverlap(uvs: Float32Array, indices: Uint32Array, size = 512): number {
  const count = new Uint8Array(size * size);
  for (let t = 0; t < indices.length; t += 3) rasterUv(uvs, indices, t, size, count);
  let covered = 0;
  let twice = 0;
  for (const c of count) {
    if (c > 0) covered++;
    if (c > 1) twice++;
  }
  return covered ? twice / covered : 0;
}

function rasterUv(uvs: Float32Array, indices: Uint32Array, t: number, size: number, count: Uint8Array): void {
  const ax = uvs[indices[t]! * 2]! * size;
  const ay = uvs[indices[t]! * 2 + 1]! * size;
  const bx = uvs[indices[t + 1]! * 2]! * size;
  const by = uvs[indices[t + 1]! * 2 + 1]! * size;
  const cx = uvs[indices[t + 2]! * 2]! * size;
  const cy = uvs[indices[t + 2]! * 2 + 1]! * size;
  const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  if (area === 0) return;
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx)));
  const x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx, cx)));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy)));
  const y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by, cy)));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      const py = y + 0.5;
      const w0 = ((bx - px) * (cy - py) - (by - py) * (cx - px)) / area;
      const w1 = ((cx - px) * (ay - py) - (cy - py) * (ax - px)) / area;
      const w2 = 1 - w0 - w1;
      if (w0 > 0 && w1 > 0 && w2 > 0) count[y * size + x] = Math.min(255, count[y * size + x]! + 1);
    }
  }
}

/**
 * The scene rendered with factor × factor samples per pixel, box-filtered (as a renderer with
 * anti-aliasing, or a photograph, gives it): colour over white, and the mask of every pixel any
 * sample of an object covers.
 */
export async function renderSceneAntialiased(
  objects: readonly SceneObject[],
  camera: PinholeCamera,
  factor = 4,
): Promise<{ image: RenderedScene['image']; mask: Uint8Array; coverage: Float32Array }> {
  const { width, height } = camera;
  // Pixel centres are at integer coordinates: fine pixel X's centre is at (X + ½) / factor − ½.
  const fine = await renderScene(objects, {
    ...camera,
    width: width * factor,
    height: height * factor,
    fx: camera.fx * factor,
    fy: camera.fy * factor,
    cx: camera.cx * factor + (factor - 1) / 2,
    cy: camera.cy * factor + (factor - 1) / 2,
  });
  const data = new Uint8Array(width * height * 4);
  const mask = new Uint8Array(width * height);
  const coverage = new Float32Array(width * height);
  const fw = width * factor;
  const n = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sum = [0, 0, 0, 0];
      let covered = 0;
      for (let dy = 0; dy < factor; dy++) {
        for (let dx = 0; dx < factor; dx++) {
          const q = (y * factor + dy) * fw + x * factor + dx;
          for (let c = 0; c < 4; c++) sum[c] = sum[c]! + fine.image.data[q * 4 + c]!;
          if (fine.mask[q]) covered++;
        }
      }
      const p = y * width + x;
      for (let c = 0; c < 4; c++) data[p * 4 + c] = Math.round(sum[c]! / n);
      coverage[p] = covered / n;
      mask[p] = covered > 0 ? 255 : 0;
    }
  }
  return { image: { data, width, height }, mask, coverage };
}
