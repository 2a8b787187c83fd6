/** Topology checks of an indexed triangle mesh. */

/**
 * Closed and consistently oriented: every undirected edge is used by exactly two triangles, once in
 * each direction (degenerate triangles with a repeated vertex fail).
 */
export function isWatertight(indices: Uint32Array): boolean {
  if (indices.length === 0) return false;
  const directed = new Set<bigint>();
  for (let t = 0; t < indices.length; t += 3) {
    for (let e = 0; e < 3; e++) {
      const a = indices[t + e]!;
      const b = indices[t + ((e + 1) % 3)]!;
      if (a === b) return false;
      const key = (BigInt(a) << 32n) | BigInt(b);
      if (directed.has(key)) return false;
      directed.add(key);
    }
  }
  for (const key of directed) {
    const reverse = ((key & 0xffffffffn) << 32n) | (key >> 32n);
    if (!directed.has(reverse)) return false;
  }
  return true;
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
  return isWatertight(indices.map((i) => weld[i]!));
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
  const defects: MeshDefects = {
    degenerateTriangles: 0,
    boundaryEdges: 0,
    overusedEdges: 0,
    misorientedEdges: 0,
    nonManifoldVertices: 0,
  };
  const n = vertexCount;
  const directed: number[] = [];
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    if (a === b || b === c || a === c) {
      defects.degenerateTriangles++;
      continue;
    }
    directed.push(a * n + b, b * n + c, c * n + a);
  }
  const keys = Float64Array.from(directed).sort();
  const count = (key: number): number => {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid]! < key) lo = mid + 1;
      else hi = mid;
    }
    let c = 0;
    while (lo + c < keys.length && keys[lo + c] === key) c++;
    return c;
  };
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (i > 0 && keys[i - 1] === key) continue;
    const a = Math.floor(key / n);
    const b = key - a * n;
    const reverse = count(b * n + a);
    // Each undirected edge once: from its a < b direction, or from b → a when a → b is absent.
    if (a > b && reverse > 0) continue;
    const forward = count(key);
    const total = forward + reverse;
    if (total === 1) defects.boundaryEdges++;
    else if (total > 2) defects.overusedEdges++;
    else if (forward !== 1) defects.misorientedEdges++;
  }
  defects.nonManifoldVertices = countNonManifoldVertices(indices, vertexCount);
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
