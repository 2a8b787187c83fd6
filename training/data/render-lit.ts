/**
 * Objects rendered with the identity's lighting on white: each object drawn unlit on the native
 * rasterizer (CUDA where the addon has it), composited by depth, then lit per pixel — the normal
 * found by intersecting the pixel's ray with the triangle the rasterizer reports, Lambert in linear
 * light from lights fixed to the head, so every view of one person is lit consistently. Rendered at
 * `supersample`× and box-filtered down (no jagged silhouettes in the training views).
 */
import type { PinholeCamera } from '../../src-main/engine/geometry/camera';
import { renderTexturedMesh } from '../../src-main/engine/native/native-addon';
import type { Lighting } from './draw-identity';

export interface LitObject {
  positions: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
  normals: Float32Array;
  texture: { data: Uint8Array; width: number; height: number };
}

export interface LitImage {
  /** RGB, row-major. */
  rgb: Uint8Array;
  /** 0..255 coverage. */
  alpha: Uint8Array;
  width: number;
  height: number;
}

const toLinear = new Float32Array(256).map((_, i) => Math.pow(i / 255, 2.2));
const toSrgb = (c: number) => Math.round(255 * Math.pow(Math.min(1, Math.max(0, c)), 1 / 2.2));

function scaled(camera: PinholeCamera, factor: number): PinholeCamera {
  return {
    ...camera,
    fx: camera.fx * factor,
    fy: camera.fy * factor,
    cx: camera.cx * factor,
    cy: camera.cy * factor,
    width: camera.width * factor,
    height: camera.height * factor,
  };
}

/** Interpolated unit normal at the ray's hit on triangle t of `object` (Möller–Trumbore barycentrics). */
function hitNormal(object: LitObject, t: number, origin: number[], dir: number[], out: Float32Array): void {
  const { positions: P, indices: I, normals: N } = object;
  const a = I[t * 3]! * 3,
    b = I[t * 3 + 1]! * 3,
    c = I[t * 3 + 2]! * 3;
  const e1x = P[b]! - P[a]!,
    e1y = P[b + 1]! - P[a + 1]!,
    e1z = P[b + 2]! - P[a + 2]!;
  const e2x = P[c]! - P[a]!,
    e2y = P[c + 1]! - P[a + 1]!,
    e2z = P[c + 2]! - P[a + 2]!;
  const px = dir[1]! * e2z - dir[2]! * e2y,
    py = dir[2]! * e2x - dir[0]! * e2z,
    pz = dir[0]! * e2y - dir[1]! * e2x;
  const det = e1x * px + e1y * py + e1z * pz;
  let u = 1 / 3,
    v = 1 / 3;
  if (Math.abs(det) > 1e-14) {
    const sx = origin[0]! - P[a]!,
      sy = origin[1]! - P[a + 1]!,
      sz = origin[2]! - P[a + 2]!;
    u = (sx * px + sy * py + sz * pz) / det;
    const qx = sy * e1z - sz * e1y,
      qy = sz * e1x - sx * e1z,
      qz = sx * e1y - sy * e1x;
    v = (dir[0]! * qx + dir[1]! * qy + dir[2]! * qz) / det;
    u = Math.min(1, Math.max(0, u));
    v = Math.min(1 - u, Math.max(0, v));
  }
  const w = 1 - u - v;
  let nx = w * N[a]! + u * N[b]! + v * N[c]!,
    ny = w * N[a + 1]! + u * N[b + 1]! + v * N[c + 1]!,
    nz = w * N[a + 2]! + u * N[b + 2]! + v * N[c + 2]!;
  const len = Math.hypot(nx, ny, nz) || 1;
  nx /= len;
  ny /= len;
  nz /= len;
  // seen from behind (a thin shell's inside): light the side that faces the camera
  if (nx * dir[0]! + ny * dir[1]! + nz * dir[2]! > 0) {
    nx = -nx;
    ny = -ny;
    nz = -nz;
  }
  out[0] = nx;
  out[1] = ny;
  out[2] = nz;
}

export async function renderLit(
  objects: readonly LitObject[],
  camera: PinholeCamera,
  lighting: Lighting,
  supersample = 2,
): Promise<LitImage> {
  const cam = scaled(camera, supersample);
  const W = cam.width,
    H = cam.height;
  const depth = new Float32Array(W * H).fill(Infinity);
  const colour = new Uint8Array(W * H * 3);
  const object = new Int16Array(W * H).fill(-1);
  const triangle = new Int32Array(W * H);
  for (const [o, obj] of objects.entries()) {
    const r = await renderTexturedMesh({
      positions: obj.positions,
      uvs: obj.uvs,
      indices: obj.indices,
      texture: obj.texture,
      camera: cam,
      width: W,
      height: H,
      shading: 'none',
    });
    for (let p = 0; p < W * H; p++) {
      if (r.depth[p]! < depth[p]!) {
        depth[p] = r.depth[p]!;
        object[p] = o;
        triangle[p] = r.triangleId[p]!;
        colour[p * 3] = r.image.data[p * 4]!;
        colour[p * 3 + 1] = r.image.data[p * 4 + 1]!;
        colour[p * 3 + 2] = r.image.data[p * 4 + 2]!;
      }
    }
  }
  // Camera centre and per-pixel ray directions in the world (OpenCV: x_cam = R X + t).
  const R = cam.R,
    t = cam.t;
  const origin = [0, 1, 2].map((k) => -(R[k]! * t[0]! + R[3 + k]! * t[1]! + R[6 + k]! * t[2]!));
  const dir = [0, 0, 0];
  const n = new Float32Array(3);
  const lit = new Float32Array(W * H * 3).fill(1);
  for (let p = 0; p < W * H; p++) {
    const o = object[p]!;
    if (o < 0) continue;
    const x = ((p % W) + 0.5 - cam.cx) / cam.fx,
      y = (Math.floor(p / W) + 0.5 - cam.cy) / cam.fy;
    for (let k = 0; k < 3; k++) dir[k] = R[k]! * x + R[3 + k]! * y + R[6 + k]!;
    hitNormal(objects[o]!, triangle[p]!, origin, dir, n);
    for (let k = 0; k < 3; k++) {
      let e = lighting.ambient[k]!;
      for (const light of lighting.lights) {
        const cos = n[0]! * light.direction[0] + n[1]! * light.direction[1] + n[2]! * light.direction[2];
        if (cos > 0) e += light.rgb[k]! * cos;
      }
      lit[p * 3 + k] = toLinear[colour[p * 3 + k]!]! * e;
    }
  }
  // Box filter to the output size; background white.
  const w = camera.width,
    h = camera.height,
    s = supersample;
  const rgb = new Uint8Array(w * h * 3);
  const alpha = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const sum = [0, 0, 0];
      let covered = 0;
      for (let dy = 0; dy < s; dy++)
        for (let dx = 0; dx < s; dx++) {
          const q = (y * s + dy) * W + x * s + dx;
          for (let k = 0; k < 3; k++) sum[k] = sum[k]! + lit[q * 3 + k]!;
          if (object[q]! >= 0) covered++;
        }
      const p = y * w + x;
      for (let k = 0; k < 3; k++) rgb[p * 3 + k] = toSrgb(sum[k]! / (s * s));
      alpha[p] = Math.round((255 * covered) / (s * s));
    }
  return { rgb, alpha, width: w, height: h };
}
