/**
 * A chart-based UV atlas for a closed mesh: every triangle takes the one of six axis directions (±X,
 * ±Y, ±Z) its normal is closest to; labels are smoothed (a triangle whose neighbours mostly took
 * another direction it faces too joins them), connected triangles of one label form a chart, each
 * chart is projected orthographically along its axis (so no triangle flips: all its normals face the
 * axis by ≥ cos 54.7°, and stretch is at most 1.73×), and the charts are shelf-packed into the unit
 * square, largest first, with a gutter of `paddingTexels` at the target texture size. Vertices on
 * chart borders are split (one copy per chart), as every UV atlas does.
 */

export interface UvAtlas {
  /** Positions with chart-border vertices split. */
  positions: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
  /** Index of the input vertex each output vertex copies. */
  sourceVertex: Uint32Array;
  /** The chart of each triangle (0…charts−1). */
  triangleChart: Uint32Array;
  charts: number;
  /** Share of the unit square covered by triangles (UV area). */
  utilisation: number;
}

const AXES = [
  [1, 0, 0],
  [-1, 0, 0],
  [0, 1, 0],
  [0, -1, 0],
  [0, 0, 1],
  [0, 0, -1],
] as const;

/** Tangent axes (a, b) of each direction with a × b = axis, so projected triangles stay CCW. */
const TANGENTS: readonly (readonly [readonly number[], readonly number[]])[] = AXES.map((n) => {
  const helper = Math.abs(n[1]) > 0.5 ? [0, 0, 1] : [0, 1, 0];
  // a = helper × n, b = n × a  → a × b = n
  const a = cross(helper, n);
  const b = cross(n, a);
  return [a, b] as const;
});

function cross(u: readonly number[], v: readonly number[]): number[] {
  return [u[1]! * v[2]! - u[2]! * v[1]!, u[2]! * v[0]! - u[0]! * v[2]!, u[0]! * v[1]! - u[1]! * v[0]!];
}

function faceNormals(positions: Float32Array, indices: Uint32Array): Float32Array {
  const count = indices.length / 3;
  const normals = new Float32Array(count * 3);
  for (let t = 0; t < count; t++) {
    const a = indices[t * 3]! * 3;
    const b = indices[t * 3 + 1]! * 3;
    const c = indices[t * 3 + 2]! * 3;
    const e1 = [
      positions[b]! - positions[a]!,
      positions[b + 1]! - positions[a + 1]!,
      positions[b + 2]! - positions[a + 2]!,
    ];
    const e2 = [
      positions[c]! - positions[a]!,
      positions[c + 1]! - positions[a + 1]!,
      positions[c + 2]! - positions[a + 2]!,
    ];
    const n = cross(e1, e2);
    const len = Math.hypot(n[0]!, n[1]!, n[2]!) || 1;
    normals.set([n[0]! / len, n[1]! / len, n[2]! / len], t * 3);
  }
  return normals;
}

/** Triangle neighbours across each of its three edges (-1 on a border). */
function edgeNeighbours(indices: Uint32Array): Int32Array {
  const count = indices.length / 3;
  const neighbours = new Int32Array(count * 3).fill(-1);
  const open = new Map<number, number>();
  const vertexCount = indices.reduce((m, v) => (v > m ? v : m), 0) + 1;
  for (let t = 0; t < count; t++) {
    for (let e = 0; e < 3; e++) {
      const a = indices[t * 3 + e]!;
      const b = indices[t * 3 + ((e + 1) % 3)]!;
      const key = Math.min(a, b) * vertexCount + Math.max(a, b);
      const other = open.get(key);
      if (other === undefined) {
        open.set(key, t * 3 + e);
      } else {
        neighbours[t * 3 + e] = Math.floor(other / 3);
        neighbours[other] = t;
        open.delete(key);
      }
    }
  }
  return neighbours;
}

function dominantAxis(normals: Float32Array, t: number): number {
  let best = 0;
  let bestDot = -Infinity;
  for (let k = 0; k < 6; k++) {
    const axis = AXES[k]!;
    const d = normals[t * 3]! * axis[0] + normals[t * 3 + 1]! * axis[1] + normals[t * 3 + 2]! * axis[2];
    if (d > bestDot) {
      bestDot = d;
      best = k;
    }
  }
  return best;
}

function facing(normals: Float32Array, t: number, k: number): number {
  const axis = AXES[k]!;
  return normals[t * 3]! * axis[0] + normals[t * 3 + 1]! * axis[1] + normals[t * 3 + 2]! * axis[2];
}

interface Chart {
  triangles: number[];
  axis: number;
  min: [number, number];
  size: [number, number];
  offset: [number, number];
}

export function buildUvAtlas(
  positions: Float32Array,
  indices: Uint32Array,
  options: { textureSize: number; paddingTexels?: number },
): UvAtlas {
  const count = indices.length / 3;
  const normals = faceNormals(positions, indices);
  const neighbours = edgeNeighbours(indices);
  const label = new Uint8Array(count);
  for (let t = 0; t < count; t++) label[t] = dominantAxis(normals, t);
  // Smoothing: join the neighbours' majority label when the triangle faces that axis well enough
  // (cos ≥ 0.35 keeps projections far from degenerate).
  for (let pass = 0; pass < 3; pass++) {
    for (let t = 0; t < count; t++) {
      const l0 = neighbours[t * 3]!;
      const l1 = neighbours[t * 3 + 1]!;
      const l2 = neighbours[t * 3 + 2]!;
      const ls = [l0, l1, l2].filter((n) => n >= 0).map((n) => label[n]!);
      for (const candidate of ls) {
        if (candidate === label[t]) continue;
        const votes = ls.filter((l) => l === candidate).length;
        if (votes >= 2 && facing(normals, t, candidate) >= 0.35) label[t] = candidate;
      }
    }
  }
  // Charts: connected triangles of one label.
  const chartOf = new Int32Array(count).fill(-1);
  const charts: Chart[] = [];
  for (let start = 0; start < count; start++) {
    if (chartOf[start]! >= 0) continue;
    const id = charts.length;
    const chart: Chart = { triangles: [], axis: label[start]!, min: [0, 0], size: [0, 0], offset: [0, 0] };
    const stack = [start];
    chartOf[start] = id;
    while (stack.length) {
      const t = stack.pop()!;
      chart.triangles.push(t);
      for (let e = 0; e < 3; e++) {
        const n = neighbours[t * 3 + e]!;
        if (n >= 0 && chartOf[n]! < 0 && label[n] === chart.axis) {
          chartOf[n] = id;
          stack.push(n);
        }
      }
    }
    charts.push(chart);
  }
  // Split vertices per chart and project.
  const vertexKey = new Map<number, number>();
  const outPositions: number[] = [];
  const planar: number[] = [];
  const source: number[] = [];
  const outIndices = new Uint32Array(indices.length);
  const chartCount = charts.length;
  for (const [id, chart] of charts.entries()) {
    const [a, b] = TANGENTS[chart.axis]!;
    let minU = Infinity;
    let minV = Infinity;
    let maxU = -Infinity;
    let maxV = -Infinity;
    for (const t of chart.triangles) {
      for (let e = 0; e < 3; e++) {
        const v = indices[t * 3 + e]!;
        const key = v * chartCount + id;
        let out = vertexKey.get(key);
        if (out === undefined) {
          out = source.length;
          vertexKey.set(key, out);
          const x = positions[v * 3]!;
          const y = positions[v * 3 + 1]!;
          const z = positions[v * 3 + 2]!;
          const u = x * a[0]! + y * a[1]! + z * a[2]!;
          // Image rows grow downwards: v = −(p·b) keeps the projected triangle counter-clockwise on screen.
          const w = -(x * b[0]! + y * b[1]! + z * b[2]!);
          outPositions.push(x, y, z);
          planar.push(u, w);
          source.push(v);
          minU = Math.min(minU, u);
          minV = Math.min(minV, w);
          maxU = Math.max(maxU, u);
          maxV = Math.max(maxV, w);
        }
        outIndices[t * 3 + e] = out;
      }
    }
    chart.min = [minU, minV];
    chart.size = [maxU - minU, maxV - minV];
  }
  const side = packCharts(charts, options.textureSize, options.paddingTexels ?? 4);
  const uvs = new Float32Array(source.length * 2);
  for (const chart of charts) {
    for (const t of chart.triangles) {
      for (let e = 0; e < 3; e++) {
        const v = outIndices[t * 3 + e]!;
        uvs[v * 2] = (planar[v * 2]! - chart.min[0] + chart.offset[0]) / side;
        uvs[v * 2 + 1] = (planar[v * 2 + 1]! - chart.min[1] + chart.offset[1]) / side;
      }
    }
  }
  let area = 0;
  for (let t = 0; t < count; t++) {
    const i0 = outIndices[t * 3]! * 2;
    const i1 = outIndices[t * 3 + 1]! * 2;
    const i2 = outIndices[t * 3 + 2]! * 2;
    area +=
      Math.abs(
        (uvs[i1]! - uvs[i0]!) * (uvs[i2 + 1]! - uvs[i0 + 1]!) -
          (uvs[i2]! - uvs[i0]!) * (uvs[i1 + 1]! - uvs[i0 + 1]!),
      ) / 2;
  }
  return {
    positions: Float32Array.from(outPositions),
    uvs,
    indices: outIndices,
    sourceVertex: Uint32Array.from(source),
    triangleChart: Uint32Array.from(chartOf),
    charts: charts.length,
    utilisation: area,
  };
}

/**
 * Shelf packing, tallest first, into a square of side `side` (model units) grown until every chart
 * fits; the gutter between charts is `padding` texels of a `textureSize` texture. Returns the side.
 */
function packCharts(charts: Chart[], textureSize: number, padding: number): number {
  let total = 0;
  for (const c of charts) total += (c.size[0] + 1e-6) * (c.size[1] + 1e-6);
  let side = Math.sqrt(total) * 1.05;
  const order = [...charts.keys()].sort((i, j) => charts[j]!.size[1] - charts[i]!.size[1]);
  for (let attempt = 0; attempt < 200; attempt++) {
    const gap = ((padding + 1) * side) / textureSize;
    let x = gap;
    let y = gap;
    let shelf = 0;
    let fits = true;
    for (const i of order) {
      const c = charts[i]!;
      if (x + c.size[0] + gap > side) {
        x = gap;
        y += shelf + gap;
        shelf = 0;
      }
      c.offset = [x, y];
      x += c.size[0] + gap;
      shelf = Math.max(shelf, c.size[1]);
      if (y + c.size[1] + gap > side || c.size[0] + 2 * gap > side) {
        fits = false;
        break;
      }
    }
    if (fits) return side;
    side *= 1.03;
  }
  throw new Error('UV atlas: charts could not be packed');
}
