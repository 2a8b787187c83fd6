/** Meshes, cameras and images for the native addon tests (the same scenes as native/tests/fixtures.h). */
import type { PinholeCamera, RgbaImage } from '../../src-main/engine/native/native-addon';

export interface TestMesh {
  positions: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
}

/** Square [-s, s]² in the plane z = z0 facing +Z, uv (0,0) at its top-left corner (-s, +s). */
export function quad(s = 1, z0 = 0, uv: [number, number, number, number] = [0, 0, 1, 1]): TestMesh {
  const [u0, v0, u1, v1] = uv;
  return {
    positions: new Float32Array([-s, s, z0, s, s, z0, s, -s, z0, -s, -s, z0]),
    uvs: new Float32Array([u0, v0, u1, v0, u1, v1, u0, v1]),
    indices: new Uint32Array([0, 3, 2, 0, 2, 1]),
  };
}

/** Cube [-h, h]³, outward CCW faces; the +Z face is triangles 0 and 1. */
export function cube(h = 0.5): TestMesh {
  // normal, u, v with u × v = normal
  const faces = [
    [
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ],
    [
      [0, 0, -1],
      [-1, 0, 0],
      [0, 1, 0],
    ],
    [
      [1, 0, 0],
      [0, 0, -1],
      [0, 1, 0],
    ],
    [
      [-1, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
    ],
    [
      [0, 1, 0],
      [1, 0, 0],
      [0, 0, -1],
    ],
    [
      [0, -1, 0],
      [1, 0, 0],
      [0, 0, 1],
    ],
  ] as const;
  const positions: number[] = [];
  const uvs: number[] = [];
  const indices: number[] = [];
  for (const [n, u, v] of faces) {
    const base = positions.length / 3;
    for (const [a, b] of [
      [-1, -1],
      [1, -1],
      [1, 1],
      [-1, 1],
    ] as const) {
      for (let k = 0; k < 3; k++) positions.push(h * (n[k]! + a * u[k]! + b * v[k]!));
      uvs.push(0.5 * (a + 1), 0.5 * (1 - b));
    }
    indices.push(base, base + 1, base + 2, base, base + 2, base + 3);
  }
  return {
    positions: new Float32Array(positions),
    uvs: new Float32Array(uvs),
    indices: new Uint32Array(indices),
  };
}

export function merge(a: TestMesh, b: TestMesh): TestMesh {
  const base = a.positions.length / 3;
  return {
    positions: new Float32Array([...a.positions, ...b.positions]),
    uvs: new Float32Array([...a.uvs, ...b.uvs]),
    indices: new Uint32Array([...a.indices, ...Array.from(b.indices, (i) => i + base)]),
  };
}

/** Camera at (0, 0, dist) looking at the origin; OpenCV axes (R = diag(1, -1, -1)). */
export function frontCamera(dist: number, f: number, width: number, height: number): PinholeCamera {
  return {
    fx: f,
    fy: f,
    cx: (width - 1) / 2,
    cy: (height - 1) / 2,
    R: [1, 0, 0, 0, -1, 0, 0, 0, -1],
    t: [0, 0, dist],
  };
}

/** Smooth RGBA pattern with distinct colours everywhere. */
export function pattern(width: number, height: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = Math.floor((255 * x) / Math.max(1, width - 1));
      data[i + 1] = Math.floor((255 * y) / Math.max(1, height - 1));
      data[i + 2] = Math.floor(127.5 + 127.5 * Math.sin(0.21 * x + 0.13 * y));
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** Reference bilinear sample (clamp to edge) of channel c at sample-space (x, y). */
export function bilinear(img: RgbaImage, x: number, y: number, c: number): number {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const ax = x - x0;
  const ay = y - y0;
  const at = (xi: number, yi: number): number => {
    const cx = Math.min(Math.max(xi, 0), img.width - 1);
    const cy = Math.min(Math.max(yi, 0), img.height - 1);
    return img.data[(cy * img.width + cx) * 4 + c]!;
  };
  return (
    (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) +
    ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1))
  );
}

export function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}
