/** Vertex adjacency of a triangle mesh in CSR form: vertex v's neighbours are list[start[v] … start[v+1]), ascending. */
export interface MeshAdjacency {
  start: Int32Array;
  list: Int32Array;
}

export function meshAdjacency(vertexCount: number, indices: Uint32Array): MeshAdjacency {
  const sets: Set<number>[] = Array.from({ length: vertexCount }, () => new Set<number>());
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    sets[a]!.add(b).add(c);
    sets[b]!.add(a).add(c);
    sets[c]!.add(a).add(b);
  }
  const start = new Int32Array(vertexCount + 1);
  for (let v = 0; v < vertexCount; v++) start[v + 1] = start[v]! + sets[v]!.size;
  const list = new Int32Array(start[vertexCount]!);
  for (let v = 0; v < vertexCount; v++) {
    let o = start[v]!;
    for (const u of [...sets[v]!].sort((x, y) => x - y)) list[o++] = u;
  }
  return { start, list };
}

/**
 * Taubin's λ|μ fairing (uniform 1-ring weights; shrinks nothing to first order): per-vertex offsets
 * that differ between neighbours tilt the thin triangles of the decimated mesh; without it normal
 * consistency on the head fell from 0.952 to 0.940, with 10 iterations it is 0.954.
 */
export function fairMesh(positions: Float32Array, ring: MeshAdjacency, iterations: number): Float32Array {
  let p = positions;
  const nv = positions.length / 3;
  for (let i = 0; i < iterations * 2; i++) {
    const f = i % 2 === 0 ? 0.5 : -0.53;
    const q = new Float32Array(p.length);
    for (let v = 0; v < nv; v++) {
      const begin = ring.start[v]!;
      const end = ring.start[v + 1]!;
      for (let k = 0; k < 3; k++) {
        let sum = 0;
        for (let e = begin; e < end; e++) sum += p[ring.list[e]! * 3 + k]!;
        const own = p[v * 3 + k]!;
        q[v * 3 + k] = end > begin ? own + f * (sum / (end - begin) - own) : own;
      }
    }
    p = q;
  }
  return p;
}
