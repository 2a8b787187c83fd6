/**
 * A closed quad mesh under construction: a subdivided box (a topological sphere whose six faces are
 * quad grids) and patch extrusion (ears, neck) that keeps it closed. Every quad is counter-clockwise
 * seen from outside, so each undirected edge has exactly two quads using it once in each direction.
 */
export interface QuadMesh {
  positions: number[][];
  quads: [number, number, number, number][];
  /** Per quad: region name (UV chart) and, for grid quads, its cell in that chart. */
  quadRegion: string[];
  /** Per quad corner: chart coordinates (0..1 inside the chart). */
  quadChartUv: [number, number][][];
}

export type BoxFace = '+x' | '-x' | '+y' | '-y' | '+z' | '-z';

/**
 * Lattice points of an nx×ny×nz box surface, in [-1,1]³, welded; quads per face with their chart
 * coordinates (u to the right, v downward as a texture, looking at the face from outside, +Y up).
 */
export function subdividedBox(
  nx: number,
  ny: number,
  nz: number,
  regionOf: (f: BoxFace) => string,
): QuadMesh {
  const index = new Map<string, number>();
  const positions: number[][] = [];
  const vertex = (i: number, j: number, k: number): number => {
    const key = `${i},${j},${k}`;
    let v = index.get(key);
    if (v === undefined) {
      v = positions.length;
      index.set(key, v);
      positions.push([(2 * i) / nx - 1, (2 * j) / ny - 1, (2 * k) / nz - 1]);
    }
    return v;
  };
  const mesh: QuadMesh = { positions, quads: [], quadRegion: [], quadChartUv: [] };
  // Each face: lattice point from (a, b) with a along its chart's u axis and b along its up axis;
  // (u, v) chart coordinates; quads wound counter-clockwise seen from outside.
  const faces: {
    face: BoxFace;
    na: number;
    nb: number;
    at: (a: number, b: number) => [number, number, number];
  }[] = [
    { face: '+z', na: nx, nb: ny, at: (a, b) => [a, b, nz] },
    { face: '-z', na: nx, nb: ny, at: (a, b) => [nx - a, b, 0] },
    { face: '+x', na: nz, nb: ny, at: (a, b) => [nx, b, nz - a] },
    { face: '-x', na: nz, nb: ny, at: (a, b) => [0, b, a] },
    { face: '+y', na: nx, nb: nz, at: (a, b) => [a, ny, nz - b] },
    { face: '-y', na: nx, nb: nz, at: (a, b) => [a, 0, b] },
  ];
  for (const { face, na, nb, at } of faces) {
    for (let b = 0; b < nb; b++) {
      for (let a = 0; a < na; a++) {
        const corners: [number, number][] = [
          [a, b],
          [a + 1, b],
          [a + 1, b + 1],
          [a, b + 1],
        ];
        const ids = corners.map(([ca, cb]) => vertex(...at(ca, cb))) as [number, number, number, number];
        mesh.quads.push(ids);
        mesh.quadRegion.push(regionOf(face));
        mesh.quadChartUv.push(corners.map(([ca, cb]) => [ca / na, 1 - cb / nb]));
      }
    }
  }
  return mesh;
}

/** The boundary of a set of quads as one ordered loop (following the quads' winding). */
export function boundaryLoop(mesh: QuadMesh, patch: Set<number>): number[] {
  const directed = new Set<string>();
  for (const q of patch) {
    const quad = mesh.quads[q]!;
    for (let e = 0; e < 4; e++) directed.add(`${quad[e]},${quad[(e + 1) % 4]}`);
  }
  const next = new Map<number, number>();
  for (const key of directed) {
    const [a, b] = key.split(',').map(Number) as [number, number];
    if (!directed.has(`${b},${a}`)) {
      if (next.has(a)) throw new Error('patch boundary is not a simple loop');
      next.set(a, b);
    }
  }
  const start = next.keys().next().value as number;
  const loop = [start];
  for (let v = next.get(start)!; v !== start; v = next.get(v)!) loop.push(v);
  if (loop.length !== next.size) throw new Error('patch has more than one boundary loop');
  return loop;
}

/**
 * Extrudes a patch of quads: the patch's boundary loop is copied into `ringCount` rings joined by
 * wall quads, and the patch itself becomes the cap at the last ring. The result stays closed.
 * `ringPosition(ring, loopIndex)` places ring vertices; `capPosition(vertex)` moves interior ones.
 */
export function extrudePatch(
  mesh: QuadMesh,
  patch: Set<number>,
  ringCount: number,
  ringPosition: (ring: number, loopIndex: number, loop: number[]) => number[],
  capPosition: (vertex: number) => number[],
  wallRegion: string,
  capRegion: string,
): { loop: number[]; rings: number[][]; capVertices: number[] } {
  const loop = boundaryLoop(mesh, patch);
  const rings: number[][] = [loop];
  for (let r = 1; r <= ringCount; r++) {
    rings.push(
      loop.map((_, i) => {
        mesh.positions.push(ringPosition(r, i, loop));
        return mesh.positions.length - 1;
      }),
    );
  }
  const n = loop.length;
  for (let r = 1; r <= ringCount; r++) {
    const prev = rings[r - 1]!;
    const cur = rings[r]!;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      mesh.quads.push([prev[i]!, prev[j]!, cur[j]!, cur[i]!]);
      mesh.quadRegion.push(wallRegion);
      mesh.quadChartUv.push([
        [i / n, 1 - (r - 1) / ringCount],
        [(i + 1) / n, 1 - (r - 1) / ringCount],
        [(i + 1) / n, 1 - r / ringCount],
        [i / n, 1 - r / ringCount],
      ]);
    }
  }
  const last = rings[ringCount]!;
  const onLoop = new Map(loop.map((v, i) => [v, i]));
  const interior = new Set<number>();
  for (const q of patch) {
    mesh.quads[q] = mesh.quads[q]!.map((v) => {
      const i = onLoop.get(v);
      if (i !== undefined) return last[i]!;
      interior.add(v);
      return v;
    }) as [number, number, number, number];
    mesh.quadRegion[q] = capRegion;
  }
  for (const v of interior) mesh.positions[v] = capPosition(v);
  return { loop, rings, capVertices: [...interior] };
}

/** Throws unless every undirected edge is used by exactly two quads, once in each direction. */
export function assertClosedManifold(quads: ArrayLike<number>[]): void {
  const count = new Map<string, number>();
  for (const q of quads) {
    for (let e = 0; e < 4; e++) {
      const key = `${q[e]},${q[(e + 1) % 4]}`;
      count.set(key, (count.get(key) ?? 0) + 1);
    }
  }
  for (const [key, c] of count) {
    const [a, b] = key.split(',');
    if (c !== 1 || count.get(`${b},${a}`) !== 1)
      throw new Error(`edge ${key} is not shared by exactly two quads`);
  }
}

/**
 * Laplacian smoothing where `weight` (0..1 per vertex) allows it: each pass moves a vertex by
 * weight/2 towards the mean of its edge neighbours. Used to fillet junctions (skull to neck).
 */
export function smoothVertices(
  positions: number[][],
  quads: [number, number, number, number][],
  weight: number[],
  passes: number,
): void {
  const neighbours = positions.map(() => new Set<number>());
  for (const q of quads)
    for (let e = 0; e < 4; e++) {
      neighbours[q[e]!]!.add(q[(e + 1) % 4]!);
      neighbours[q[(e + 1) % 4]!]!.add(q[e]!);
    }
  const moving = positions.map((_, v) => v).filter((v) => weight[v]! > 0);
  for (let pass = 0; pass < passes; pass++) {
    const next = moving.map((v) => {
      const mean = [0, 0, 0];
      const ns = [...neighbours[v]!].sort((a, b) => a - b);
      for (const n of ns) for (let a = 0; a < 3; a++) mean[a]! += positions[n]![a]! / ns.length;
      const p = positions[v]!;
      return p.map((c, a) => c + 0.5 * weight[v]! * (mean[a]! - c));
    });
    moving.forEach((v, i) => (positions[v] = next[i]!));
  }
}
