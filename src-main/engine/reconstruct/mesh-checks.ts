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
