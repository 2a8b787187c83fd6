/**
 * Closest points on a triangle mesh, through a uniform grid of triangle bounding boxes: a query
 * searches rings of cells outward until no nearer triangle can exist. Meshes here are heads of
 * ~10 k triangles, so a plain grid beats anything cleverer.
 */

export interface ClosestHit {
  point: [number, number, number];
  triangle: number;
  distance: number;
}

export interface TriangleGrid {
  closest(x: number, y: number, z: number, maxDistance: number): ClosestHit | undefined;
}

export function buildTriangleGrid(
  positions: Float32Array,
  indices: Uint32Array,
  cellSize = 0.01,
): TriangleGrid {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i++) {
    const a = i % 3;
    lo[a] = Math.min(lo[a]!, positions[i]!);
    hi[a] = Math.max(hi[a]!, positions[i]!);
  }
  const dims = [0, 1, 2].map((a) => Math.max(1, Math.ceil((hi[a]! - lo[a]!) / cellSize) + 1));
  const [nx, ny, nz] = dims as [number, number, number];
  const cells = new Map<number, number[]>();
  const cellOf = (v: number, a: number): number => cellIndex(v, lo[a]!, cellSize, dims[a]!);
  const triangles = indices.length / 3;
  for (let t = 0; t < triangles; t++) {
    const bmin = [Infinity, Infinity, Infinity];
    const bmax = [-Infinity, -Infinity, -Infinity];
    for (let k = 0; k < 3; k++) {
      const v = indices[t * 3 + k]!;
      for (let a = 0; a < 3; a++) {
        bmin[a] = Math.min(bmin[a]!, positions[v * 3 + a]!);
        bmax[a] = Math.max(bmax[a]!, positions[v * 3 + a]!);
      }
    }
    for (let i = cellOf(bmin[0]!, 0); i <= cellOf(bmax[0]!, 0); i++)
      for (let j = cellOf(bmin[1]!, 1); j <= cellOf(bmax[1]!, 1); j++)
        for (let k = cellOf(bmin[2]!, 2); k <= cellOf(bmax[2]!, 2); k++) {
          const key = (k * ny + j) * nx + i;
          const list = cells.get(key);
          if (list) list.push(t);
          else cells.set(key, [t]);
        }
  }

  const seen = new Int32Array(triangles).fill(-1);
  let query = 0;
  return {
    closest(x, y, z, maxDistance) {
      query++;
      const ci = cellIndex(x, lo[0]!, cellSize, nx);
      const cj = cellIndex(y, lo[1]!, cellSize, ny);
      const ck = cellIndex(z, lo[2]!, cellSize, nz);
      let best: ClosestHit | undefined;
      const maxRing = Math.ceil(maxDistance / cellSize) + 1;
      for (let ring = 0; ring <= maxRing; ring++) {
        // Every triangle in rings < r is at least (r - 1)·cellSize away from the query's cell.
        if (best && best.distance < (ring - 1) * cellSize) break;
        for (let i = ci - ring; i <= ci + ring; i++) {
          if (i < 0 || i >= nx) continue;
          for (let j = cj - ring; j <= cj + ring; j++) {
            if (j < 0 || j >= ny) continue;
            for (let k = ck - ring; k <= ck + ring; k++) {
              if (k < 0 || k >= nz) continue;
              const onShell =
                Math.abs(i - ci) === ring || Math.abs(j - cj) === ring || Math.abs(k - ck) === ring;
              if (!onShell) continue;
              const list = cells.get((k * ny + j) * nx + i);
              if (!list) continue;
              for (const t of list) {
                if (seen[t] === query) continue;
                seen[t] = query;
                const p = closestOnTriangle(positions, indices, t, x, y, z);
                const d = Math.hypot(p[0] - x, p[1] - y, p[2] - z);
                if (d <= maxDistance && (!best || d < best.distance))
                  best = { point: p, triangle: t, distance: d };
              }
            }
          }
        }
      }
      return best;
    },
  };
}

/** Ericson's closest point on triangle t (Real-Time Collision Detection, 5.1.5). */
export function closestOnTriangle(
  positions: Float32Array,
  indices: Uint32Array,
  t: number,
  px: number,
  py: number,
  pz: number,
): [number, number, number] {
  const ia = indices[t * 3]! * 3;
  const ib = indices[t * 3 + 1]! * 3;
  const ic = indices[t * 3 + 2]! * 3;
  const a = [positions[ia]!, positions[ia + 1]!, positions[ia + 2]!] as const;
  const b = [positions[ib]!, positions[ib + 1]!, positions[ib + 2]!] as const;
  const c = [positions[ic]!, positions[ic + 1]!, positions[ic + 2]!] as const;
  const ab = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const ac = [c[0] - a[0], c[1] - a[1], c[2] - a[2]];
  const ap = [px - a[0], py - a[1], pz - a[2]];
  const d1 = dot(ab, ap);
  const d2 = dot(ac, ap);
  if (d1 <= 0 && d2 <= 0) return [a[0], a[1], a[2]];
  const bp = [px - b[0], py - b[1], pz - b[2]];
  const d3 = dot(ab, bp);
  const d4 = dot(ac, bp);
  if (d3 >= 0 && d4 <= d3) return [b[0], b[1], b[2]];
  const vc = d1 * d4 - d3 * d2;
  if (vc <= 0 && d1 >= 0 && d3 <= 0) {
    const v = d1 / (d1 - d3);
    return mix(a, b, c, 1 - v, v, 0);
  }
  const cp = [px - c[0], py - c[1], pz - c[2]];
  const d5 = dot(ab, cp);
  const d6 = dot(ac, cp);
  if (d6 >= 0 && d5 <= d6) return [c[0], c[1], c[2]];
  const vb = d5 * d2 - d1 * d6;
  if (vb <= 0 && d2 >= 0 && d6 <= 0) {
    const w = d2 / (d2 - d6);
    return mix(a, b, c, 1 - w, 0, w);
  }
  const va = d3 * d6 - d5 * d4;
  if (va <= 0 && d4 - d3 >= 0 && d5 - d6 >= 0) {
    const w = (d4 - d3) / (d4 - d3 + (d5 - d6));
    return mix(a, b, c, 0, 1 - w, w);
  }
  const denom = 1 / (va + vb + vc);
  const v = vb * denom;
  const w = vc * denom;
  return mix(a, b, c, 1 - v - w, v, w);
}

function dot(u: readonly number[], v: readonly number[]): number {
  return u[0]! * v[0]! + u[1]! * v[1]! + u[2]! * v[2]!;
}

function mix(
  a: readonly number[],
  b: readonly number[],
  c: readonly number[],
  s: number,
  v: number,
  w: number,
): [number, number, number] {
  return [
    a[0]! * s + b[0]! * v + c[0]! * w,
    a[1]! * s + b[1]! * v + c[1]! * w,
    a[2]! * s + b[2]! * v + c[2]! * w,
  ];
}

function cellIndex(v: number, lo: number, cellSize: number, count: number): number {
  return Math.min(count - 1, Math.max(0, Math.floor((v - lo) / cellSize)));
}
