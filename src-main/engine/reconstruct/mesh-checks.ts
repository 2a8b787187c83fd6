/** Topology checks of an indexed triangle mesh. */

/**
 * Closed and consistently oriented: every undirected edge is used by exactly two triangles, once in
 * each direction (degenerate triangles with a repeated vertex fail).
 */
export function isWatertight(indices: Uint32Array): boolean {
  if (indices.length === 0) return false;
  let vertexCount = 0;
  for (let i = 0; i < indices.length; i++) vertexCount = Math.max(vertexCount, indices[i]! + 1);
  const d = edgeDefects(indices, vertexCount);
  return d.degenerateTriangles + d.boundaryEdges + d.overusedEdges + d.misorientedEdges === 0;
}

/**
 * Same, with positions welded first: a UV atlas splits vertices along chart borders, so the check
 * runs on the geometry (vertices at identical positions are one).
 */
export function isWatertightWelded(positions: Float32Array, indices: Uint32Array): boolean {
  const ids = new Map<string, number>();
  const weld = new Uint32Array(positions.length / 3);
  for (let v = 0; v < weld.length; v++) {
    const key = `${positions[v * 3]},${positions[v * 3 + 1]},${positions[v * 3 + 2]}`;
    let id = ids.get(key);
    if (id === undefined) {
      id = ids.size;
      ids.set(key, id);
    }
    weld[v] = id;
  }
  const welded = new Uint32Array(indices.length);
  for (let i = 0; i < indices.length; i++) welded[i] = weld[indices[i]!]!;
  return isWatertight(welded);
}

/** What keeps an indexed triangle mesh from being closed and manifold (all 0 when it is). */
export interface MeshDefects {
  /** Triangles with a repeated vertex. */
  degenerateTriangles: number;
  /** Edges used by one triangle only (holes). */
  boundaryEdges: number;
  /** Edges used by three or more triangles (fins, flaps). */
  overusedEdges: number;
  /** Edges used twice in the same direction (neighbours facing opposite ways). */
  misorientedEdges: number;
  /** Vertices whose triangles form more than one fan (two sheets pinched at a point) or an open one. */
  nonManifoldVertices: number;
}

/** Counts of every defect; a mesh with none is closed, consistently oriented and 2-manifold. */
export function meshDefects(indices: Uint32Array, vertexCount: number): MeshDefects {
  return {
    ...edgeDefects(indices, vertexCount),
    nonManifoldVertices: countNonManifoldVertices(indices, vertexCount),
  };
}

/**
 * The edge defects alone. Directed edges a→b are the exact numbers a·V + b (V² < 2⁵³ for any mesh
 * that fits in memory), sorted and searched: a Set of BigInts took ~1.5 s on a reconstructed head.
 */
function edgeDefects(indices: Uint32Array, vertexCount: number): Omit<MeshDefects, 'nonManifoldVertices'> {
  const defects = { degenerateTriangles: 0, boundaryEdges: 0, overusedEdges: 0, misorientedEdges: 0 };
  const n = vertexCount;
  const keys = new Float64Array(indices.length);
  let used = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    if (a === b || b === c || a === c) {
      defects.degenerateTriangles++;
      continue;
    }
    keys[used++] = a * n + b;
    keys[used++] = b * n + c;
    keys[used++] = c * n + a;
  }
  const sorted = keys.subarray(0, used).sort();
  const count = (key: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    let c = 0;
    while (lo + c < sorted.length && sorted[lo + c] === key) c++;
    return c;
  };
  for (let i = 0; i < sorted.length; i++) {
    const key = sorted[i]!;
    if (i > 0 && sorted[i - 1] === key) continue;
    const a = Math.floor(key / n);
    const b = key - a * n;
    const reverse = count(b * n + a);
    // Each undirected edge once: from its a < b direction, or from b → a when a → b is absent.
    if (a > b && reverse > 0) continue;
    let forward = 1; // the run of this key starts at i
    while (sorted[i + forward] === key) forward++;
    const total = forward + reverse;
    if (total === 1) defects.boundaryEdges++;
    else if (total > 2) defects.overusedEdges++;
    else if (forward !== 1) defects.misorientedEdges++;
  }
  return defects;
}

export function hasNoDefects(d: MeshDefects): boolean {
  return (
    d.degenerateTriangles + d.boundaryEdges + d.overusedEdges + d.misorientedEdges + d.nonManifoldVertices ===
    0
  );
}

/**
 * A vertex is manifold when the opposite edges of its triangles (its link, b → c for a triangle
 * v, b, c) form one cycle; two fans meeting at the vertex give two cycles, a hole an open chain.
 */
function countNonManifoldVertices(indices: Uint32Array, vertexCount: number): number {
  const start = new Uint32Array(vertexCount + 1);
  for (let i = 0; i < indices.length; i++) start[indices[i]! + 1]!++;
  for (let v = 0; v < vertexCount; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, vertexCount);
  const from = new Uint32Array(indices.length);
  const to = new Uint32Array(indices.length);
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const v = indices[t + e]!;
      const slot = fill[v]!++;
      from[slot] = indices[t + ((e + 1) % 3)]!;
      to[slot] = indices[t + ((e + 2) % 3)]!;
    }
  }
  let bad = 0;
  for (let v = 0; v < vertexCount; v++) {
    const s = start[v]!;
    const k = start[v + 1]! - s;
    if (k === 0) continue;
    // Walk the link from its first edge; a single cycle visits all k edges.
    let at = to[s]!;
    let steps = 1;
    while (at !== from[s]! && steps <= k) {
      let next = -1;
      for (let j = s; j < s + k; j++) {
        if (from[j] === at) {
          next = to[j]!;
          break;
        }
      }
      if (next < 0) break;
      at = next;
      steps++;
    }
    if (at !== from[s]! || steps !== k) bad++;
  }
  return bad;
}

/** What `removeFlaps` took out. */
export interface FlapRepair {
  /** Pairs of triangles on the same three vertices facing opposite ways (a zero-volume flap on an edge). */
  flaps: number;
  /** Further copies of a triangle facing the same way. */
  duplicates: number;
  /** Triangles with a repeated vertex. */
  degenerate: number;
}

/**
 * Edge-collapse decimation (meshoptimizer) can leave a flap: a vertex with just two triangles, on the
 * same three vertices back to back, hanging off an edge the surface already uses twice (that edge
 * now has four). They enclose nothing; removing both leaves the surface closed (their third vertex,
 * used by nothing else, goes with them). Same-facing copies keep one; degenerate triangles go.
 */
export function removeFlaps(indices: Uint32Array): { indices: Uint32Array; repair: FlapRepair } {
  const repair: FlapRepair = { flaps: 0, duplicates: 0, degenerate: 0 };
  const groups = new Map<string, number[]>();
  const keep = new Uint8Array(indices.length / 3).fill(1);
  for (let t = 0; t < indices.length / 3; t++) {
    const a = indices[t * 3]!;
    const b = indices[t * 3 + 1]!;
    const c = indices[t * 3 + 2]!;
    if (a === b || b === c || a === c) {
      keep[t] = 0;
      repair.degenerate++;
      continue;
    }
    // Rotated so the smallest index is first: one key for both orientations, the sign tells them apart.
    const [x, y, z] = a < b && a < c ? [a, b, c] : b < c ? [b, c, a] : [c, a, b];
    const key = y < z ? `${x},${y},${z}` : `${x},${z},${y}`;
    const group = groups.get(key);
    if (group) group.push(y < z ? t + 1 : -(t + 1));
    else groups.set(key, [y < z ? t + 1 : -(t + 1)]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const up = group.filter((s) => s > 0);
    const down = group.filter((s) => s < 0);
    const pairs = Math.min(up.length, down.length);
    repair.flaps += pairs;
    // Opposite pairs cancel; of what is left (all facing one way) one triangle stays.
    const rest = up.length > pairs ? up.slice(pairs) : down.slice(pairs);
    for (const s of [...up.slice(0, pairs), ...down.slice(0, pairs), ...rest.slice(1)])
      keep[Math.abs(s) - 1] = 0;
    repair.duplicates += Math.max(0, rest.length - 1);
  }
  const out: number[] = [];
  for (let t = 0; t < keep.length; t++) {
    if (keep[t]) out.push(indices[t * 3]!, indices[t * 3 + 1]!, indices[t * 3 + 2]!);
  }
  return { indices: Uint32Array.from(out), repair };
}

/** What `splitNonManifold` did. */
export interface SplitRepair {
  /** Edges with more than two triangles, their triangles paired around the edge. */
  edges: number;
  /** Vertex copies made (one per fan beyond a vertex's first). */
  vertices: number;
  /** Triangles dropped with the components other than the largest. */
  droppedTriangles: number;
}

/**
 * Two sheets of a surface joined along an edge or at a vertex (a decimation collapse across a thin
 * gap or handle) made manifold by cutting them apart: the triangles on an edge used 2k times are
 * paired around it (sorted by angle, each with its neighbour across the solid between them), every
 * vertex gets one copy per fan of triangles the pairing connects around it, and the copies move
 * `separation` metres into their fan so no two vertices share a position (the welded checks and
 * position-based tools see them apart). The largest component is kept. Null when the mesh has holes
 * or misoriented edges (nothing to pair).
 */
export function splitNonManifold(
  positions: Float32Array,
  indices: Uint32Array,
  separation = 1e-5,
): { positions: Float32Array; indices: Uint32Array; repair: SplitRepair } | null {
  const corners = indices.length;
  const vertexCount = positions.length / 3;
  const next = (c: number): number => (c % 3 === 2 ? c - 2 : c + 1);
  const P = (v: number): [number, number, number] => [
    positions[v * 3]!,
    positions[v * 3 + 1]!,
    positions[v * 3 + 2]!,
  ];
  // Half-edge c: indices[c] → indices[next(c)]; grouped by undirected edge.
  const order = Array.from({ length: corners }, (_, c) => c);
  const edgeKey = new Float64Array(corners);
  for (let c = 0; c < corners; c++) {
    const a = indices[c]!;
    const b = indices[next(c)]!;
    edgeKey[c] = Math.min(a, b) * vertexCount + Math.max(a, b);
  }
  order.sort((x, y) => edgeKey[x]! - edgeKey[y]!);
  const partner = new Int32Array(corners).fill(-1);
  let splitEdges = 0;
  for (let i = 0; i < corners;) {
    let j = i;
    while (j < corners && edgeKey[order[j]!] === edgeKey[order[i]!]) j++;
    const group = order.slice(i, j);
    i = j;
    const u = Math.min(indices[group[0]!]!, indices[next(group[0]!)]!);
    const forward = group.filter((c) => indices[c] === u);
    if (forward.length * 2 !== group.length) return null;
    if (group.length === 2) {
      partner[group[0]!] = group[1]!;
      partner[group[1]!] = group[0]!;
      continue;
    }
    splitEdges++;
    // Around the edge u → v: each triangle's third vertex as an angle in the plane across the edge.
    const v = indices[group[0]!] === u ? indices[next(group[0]!)]! : indices[group[0]!]!;
    const pu = P(u);
    const d = sub3(P(v), pu);
    normalise3(d);
    const e1 = perpendicular(d);
    const e2 = cross3(d, e1);
    const angle = (c: number): number => {
      const r = sub3(P(indices[next(next(c))]!), pu);
      return Math.atan2(dot3(r, e2), dot3(r, e1));
    };
    const sorted = group.map((c) => ({ c, a: angle(c), fwd: indices[c] === u })).sort((x, y) => x.a - y.a);
    let alternating = true;
    for (let k = 0; k < sorted.length; k++) {
      if (sorted[k]!.fwd === sorted[(k + 1) % sorted.length]!.fwd) alternating = false;
    }
    if (!alternating) {
      // The sheets cross at the edge: any forward/backward pairing is a manifold one; take them in order.
      const f = sorted.filter((x) => x.fwd);
      const b = sorted.filter((x) => !x.fwd);
      for (let k = 0; k < f.length; k++) {
        partner[f[k]!.c] = b[k]!.c;
        partner[b[k]!.c] = f[k]!.c;
      }
      continue;
    }
    // Pair across the solid: the wedge between sorted[0] and sorted[1] is inside when sorted[0]'s
    // outward normal points away from it.
    const s0 = sorted[0]!;
    const s1 = sorted[1]!;
    const mid = (s0.a + s1.a) / 2;
    const w = [
      e1[0]! * Math.cos(mid) + e2[0]! * Math.sin(mid),
      e1[1]! * Math.cos(mid) + e2[1]! * Math.sin(mid),
      e1[2]! * Math.cos(mid) + e2[2]! * Math.sin(mid),
    ];
    const t0 = s0.c - (s0.c % 3);
    const n0 = cross3(sub3(P(indices[t0 + 1]!), P(indices[t0]!)), sub3(P(indices[t0 + 2]!), P(indices[t0]!)));
    const offset = dot3(n0, w) < 0 ? 0 : 1;
    for (let k = 0; k < sorted.length; k += 2) {
      const a = sorted[(k + offset) % sorted.length]!.c;
      const b = sorted[(k + offset + 1) % sorted.length]!.c;
      partner[a] = b;
      partner[b] = a;
    }
  }
  // Fans: around a vertex, corner c (outgoing half-edge c) → the corner at the same vertex in the
  // partner's triangle, next(partner[c]).
  const fan = new Int32Array(corners).fill(-1);
  const vertexOf = new Int32Array(corners);
  const fansSeen = new Uint8Array(vertexCount);
  const out: number[] = Array.from(positions);
  const copies: { v: number; corners: number[] }[] = [];
  for (let c = 0; c < corners; c++) {
    if (fan[c]! >= 0) continue;
    const v = indices[c]!;
    const members: number[] = [];
    let at = c;
    while (fan[at]! < 0) {
      fan[at] = 1;
      members.push(at);
      at = next(partner[at]!);
    }
    for (const piece of cutAtRepeats(members, (m) => indices[next(m)]!)) {
      if (!fansSeen[v]) {
        fansSeen[v] = 1;
        for (const m of piece) vertexOf[m] = v;
      } else {
        const id = out.length / 3;
        out.push(...P(v));
        for (const m of piece) vertexOf[m] = id;
        copies.push({ v: id, corners: piece });
      }
    }
  }
  // Move each copy a little into its fan (towards its triangles' centroid).
  for (const { v, corners: members } of copies) {
    const centre = [0, 0, 0];
    for (const m of members) {
      const t = m - (m % 3);
      for (let k = 0; k < 3; k++) {
        const p = P(indices[t + k]!);
        for (let a = 0; a < 3; a++) centre[a]! += p[a]! / (3 * members.length);
      }
    }
    const dir = [centre[0]! - out[v * 3]!, centre[1]! - out[v * 3 + 1]!, centre[2]! - out[v * 3 + 2]!];
    normalise3(dir);
    for (let a = 0; a < 3; a++) out[v * 3 + a]! += dir[a]! * separation;
  }
  const split = Uint32Array.from(vertexOf);
  const kept = largestComponent(split, out.length / 3);
  return {
    positions: Float32Array.from(out),
    indices: kept,
    repair: {
      edges: splitEdges,
      vertices: copies.length,
      droppedTriangles: (split.length - kept.length) / 3,
    },
  };
}

/**
 * A fan of triangles around a vertex x, in order: member m is the triangle (x, y_m, y_{m−1}). When a
 * spoke y repeats (y_a = y_b, two sheets through x sharing the edge x–y) the fan is cut there into
 * two closed fans, members a+1…b and the rest, until no spoke repeats.
 */
function cutAtRepeats(members: number[], spoke: (m: number) => number): number[][] {
  const seen = new Map<number, number>();
  for (let b = 0; b < members.length; b++) {
    const y = spoke(members[b]!);
    const a = seen.get(y);
    if (a !== undefined) {
      return [
        ...cutAtRepeats(members.slice(a + 1, b + 1), spoke),
        ...cutAtRepeats([...members.slice(b + 1), ...members.slice(0, a + 1)], spoke),
      ];
    }
    seen.set(y, b);
  }
  return [members];
}

/** The triangles of the largest vertex-connected component (by triangle count). */
export function largestComponent(indices: Uint32Array, vertexCount: number): Uint32Array {
  const parent = Int32Array.from({ length: vertexCount }, (_, i) => i);
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let t = 0; t < indices.length; t += 3) {
    const a = find(indices[t]!);
    for (let e = 1; e < 3; e++) {
      const b = find(indices[t + e]!);
      if (a !== b) parent[b] = a;
    }
  }
  const size = new Map<number, number>();
  for (let t = 0; t < indices.length; t += 3) {
    const r = find(indices[t]!);
    size.set(r, (size.get(r) ?? 0) + 1);
  }
  if (size.size <= 1) return indices;
  let best = -1;
  let bestSize = -1;
  for (const [r, n] of size) {
    if (n > bestSize) {
      best = r;
      bestSize = n;
    }
  }
  const out: number[] = [];
  for (let t = 0; t < indices.length; t += 3) {
    if (find(indices[t]!) === best) out.push(indices[t]!, indices[t + 1]!, indices[t + 2]!);
  }
  return Uint32Array.from(out);
}

function sub3(a: readonly number[], b: readonly number[]): number[] {
  return [a[0]! - b[0]!, a[1]! - b[1]!, a[2]! - b[2]!];
}
function dot3(a: readonly number[], b: readonly number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}
function cross3(a: readonly number[], b: readonly number[]): number[] {
  return [a[1]! * b[2]! - a[2]! * b[1]!, a[2]! * b[0]! - a[0]! * b[2]!, a[0]! * b[1]! - a[1]! * b[0]!];
}
function normalise3(a: number[]): void {
  const l = Math.hypot(a[0]!, a[1]!, a[2]!) || 1;
  for (let k = 0; k < 3; k++) a[k]! /= l;
}
function perpendicular(d: readonly number[]): number[] {
  const helper = Math.abs(d[0]!) < 0.9 ? [1, 0, 0] : [0, 1, 0];
  const p = cross3(d, helper);
  normalise3(p);
  return p;
}
