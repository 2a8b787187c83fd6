/**
 * A small CPU rasteriser for the prior-projection bake and its checks: per pixel, the nearest
 * triangle and its perspective-correct barycentric coordinates under a pinhole camera. Pixel
 * centres are at integer + 0.5 (OpenCV: pixel (0,0) covers [−0.5, 0.5]… here centre = index).
 */
import { projectPoint, type PinholeCamera } from '../../geometry/camera';

export interface Raster {
  width: number;
  height: number;
  /** Camera depth of the nearest surface (Infinity where none). */
  depth: Float32Array;
  /** Triangle index per pixel (−1 where none). */
  triangle: Int32Array;
  /** Perspective-correct barycentric weights of the triangle's 2nd and 3rd vertex. */
  bary: Float32Array;
}

/** Rasterises `indices` (triangles) of `positions` as seen by `camera`, keeping the nearest surface. */
export function rasterizeMesh(positions: Float32Array, indices: Uint32Array, camera: PinholeCamera): Raster {
  const { width, height } = camera;
  const depth = new Float32Array(width * height).fill(Infinity);
  const triangle = new Int32Array(width * height).fill(-1);
  const bary = new Float32Array(width * height * 2);
  const n = positions.length / 3;
  const px = new Float32Array(n);
  const py = new Float32Array(n);
  const pz = new Float32Array(n);
  for (let v = 0; v < n; v++) {
    const [u, w, z] = projectPoint(camera, positions[v * 3]!, positions[v * 3 + 1]!, positions[v * 3 + 2]!);
    px[v] = u;
    py[v] = w;
    pz[v] = z;
  }
  for (let t = 0; t < indices.length / 3; t++) {
    const a = indices[t * 3]!;
    const b = indices[t * 3 + 1]!;
    const c = indices[t * 3 + 2]!;
    const za = pz[a]!;
    const zb = pz[b]!;
    const zc = pz[c]!;
    if (za <= 1e-4 || zb <= 1e-4 || zc <= 1e-4) continue;
    const ax = px[a]!,
      ay = py[a]!,
      bx = px[b]!,
      by = py[b]!,
      cx = px[c]!,
      cy = py[c]!;
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (Math.abs(area) < 1e-12) continue;
    const x0 = Math.max(0, Math.ceil(Math.min(ax, bx, cx) - 0.5));
    const x1 = Math.min(width - 1, Math.floor(Math.max(ax, bx, cx) - 0.5));
    const y0 = Math.max(0, Math.ceil(Math.min(ay, by, cy) - 0.5));
    const y1 = Math.min(height - 1, Math.floor(Math.max(ay, by, cy) - 0.5));
    const ia = 1 / za,
      ib = 1 / zb,
      ic = 1 / zc;
    for (let y = y0; y <= y1; y++) {
      const sy = y + 0.5;
      for (let x = x0; x <= x1; x++) {
        const sx = x + 0.5;
        const w1 = ((sx - ax) * (cy - ay) - (sy - ay) * (cx - ax)) / area;
        const w2 = ((bx - ax) * (sy - ay) - (by - ay) * (sx - ax)) / area;
        const w0 = 1 - w1 - w2;
        if (w0 < -1e-6 || w1 < -1e-6 || w2 < -1e-6) continue;
        // Perspective-correct: interpolate 1/z linearly in the image.
        const iz = w0 * ia + w1 * ib + w2 * ic;
        const z = 1 / iz;
        const p = y * width + x;
        if (z >= depth[p]!) continue;
        depth[p] = z;
        triangle[p] = t;
        bary[p * 2] = w1 * ib * z;
        bary[p * 2 + 1] = w2 * ic * z;
      }
    }
  }
  return { width, height, depth, triangle, bary };
}

/** Bilinear RGBA sample of an image at pixel coordinates (centre of pixel i at i + 0.5). */
export function sampleBilinear(
  img: { data: Uint8Array | Uint8ClampedArray | Buffer; width: number; height: number; channels: number },
  x: number,
  y: number,
  out: Float32Array,
): void {
  const fx = Math.min(Math.max(x - 0.5, 0), img.width - 1);
  const fy = Math.min(Math.max(y - 0.5, 0), img.height - 1);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, img.width - 1);
  const y1 = Math.min(y0 + 1, img.height - 1);
  const tx = fx - x0;
  const ty = fy - y0;
  const ch = img.channels;
  const d = img.data;
  const i00 = (y0 * img.width + x0) * ch;
  const i10 = (y0 * img.width + x1) * ch;
  const i01 = (y1 * img.width + x0) * ch;
  const i11 = (y1 * img.width + x1) * ch;
  for (let c = 0; c < ch; c++) {
    const top = d[i00 + c]! * (1 - tx) + d[i10 + c]! * tx;
    const bottom = d[i01 + c]! * (1 - tx) + d[i11 + c]! * tx;
    out[c] = top * (1 - ty) + bottom * ty;
  }
}
