import type { TexturedMesh } from '../geometry/textured-mesh';

/** A mesh ready to write: no degenerate triangles, no unused vertices, unit normals everywhere. */
export interface PreparedMesh {
  name: string;
  positions: Float32Array;
  uvs: Float32Array;
  normals: Float32Array;
  indices: Uint32Array;
  texturePng: Buffer;
}

/**
 * Id of each vertex's position among the distinct positions: vertices split only for their UVs (texture
 * seams) share one id. Used for smooth normals across seams, for OBJ's shared `v` lines and for simplifying.
 */
export function weldPositions(positions: Float32Array): { ids: Uint32Array; count: number } {
  const ids = new Uint32Array(positions.length / 3);
  const seen = new Map<string, number>();
  for (let v = 0; v < ids.length; v++) {
    const key = `${positions[v * 3]},${positions[v * 3 + 1]},${positions[v * 3 + 2]}`;
    let id = seen.get(key);
    if (id === undefined) {
      id = seen.size;
      seen.set(key, id);
    }
    ids[v] = id;
  }
  return { ids, count: seen.size };
}

/** Area-weighted normals summed over welded positions, so a UV seam does not show as a shading crease. */
function weldedVertexNormals(positions: Float32Array, indices: Uint32Array): Float32Array {
  const { ids, count } = weldPositions(positions);
  const sums = new Float64Array(count * 3);
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]! * 3;
    const b = indices[t + 1]! * 3;
    const c = indices[t + 2]! * 3;
    const e1 = [0, 1, 2].map((k) => positions[b + k]! - positions[a + k]!) as [number, number, number];
    const e2 = [0, 1, 2].map((k) => positions[c + k]! - positions[a + k]!) as [number, number, number];
    const n = [e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2], e1[0] * e2[1] - e1[1] * e2[0]];
    for (const v of [indices[t]!, indices[t + 1]!, indices[t + 2]!]) {
      const w = ids[v]! * 3;
      for (let k = 0; k < 3; k++) sums[w + k] = sums[w + k]! + n[k]!;
    }
  }
  const normals = new Float32Array(positions.length);
  for (let v = 0; v < ids.length; v++) {
    const w = ids[v]! * 3;
    normals[v * 3] = sums[w]!;
    normals[v * 3 + 1] = sums[w + 1]!;
    normals[v * 3 + 2] = sums[w + 2]!;
  }
  return normals;
}

/** Unit length in float32 (the glTF validator rejects non-unit normals); a zero normal becomes +Y. */
function normalizeInPlace(normals: Float32Array): void {
  for (let i = 0; i < normals.length; i += 3) {
    const len = Math.hypot(normals[i]!, normals[i + 1]!, normals[i + 2]!);
    if (len < 1e-20) {
      normals.set([0, 1, 0], i);
    } else {
      normals.set([normals[i]! / len, normals[i + 1]! / len, normals[i + 2]! / len], i);
    }
  }
}

/** Drop degenerate triangles and unused vertices (validated input), then complete the normals. */
export function prepareMesh(mesh: TexturedMesh): PreparedMesh {
  const kept: number[] = [];
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const a = mesh.indices[t]!;
    const b = mesh.indices[t + 1]!;
    const c = mesh.indices[t + 2]!;
    if (a !== b && b !== c && a !== c) kept.push(a, b, c);
  }
  const remap = new Int32Array(mesh.positions.length / 3).fill(-1);
  let used = 0;
  const indices = new Uint32Array(kept.length);
  for (let i = 0; i < kept.length; i++) {
    const v = kept[i]!;
    if (remap[v] === -1) remap[v] = used++;
    indices[i] = remap[v]!;
  }
  const positions = new Float32Array(used * 3);
  const uvs = new Float32Array(used * 2);
  const given = mesh.normals ? new Float32Array(used * 3) : undefined;
  for (let v = 0; v < remap.length; v++) {
    const to = remap[v]!;
    if (to < 0) continue;
    positions.set(mesh.positions.subarray(v * 3, v * 3 + 3), to * 3);
    uvs.set(mesh.uvs.subarray(v * 2, v * 2 + 2), to * 2);
    given?.set(mesh.normals!.subarray(v * 3, v * 3 + 3), to * 3);
  }
  const normals = given ?? weldedVertexNormals(positions, indices);
  normalizeInPlace(normals);
  return { name: mesh.name, positions, uvs, normals, indices, texturePng: mesh.texturePng };
}
