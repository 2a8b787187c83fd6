/**
 * The mesh every stage hands on: indexed triangles with one UV per vertex and a base-colour texture.
 * Units metres, +Y up, the face looking along +Z, origin at the head's centre (DESIGN.md conventions).
 */
export interface TexturedMesh {
  /** Name shown in DCC tools (node/object name). */
  name: string;
  /** xyz per vertex, metres. */
  positions: Float32Array;
  /** uv per vertex, glTF convention: (0,0) is the texture's top-left corner. */
  uvs: Float32Array;
  /** Unit normals per vertex; computed by the exporter when absent. */
  normals?: Float32Array;
  /** Three vertex indices per triangle, counter-clockwise seen from outside. */
  indices: Uint32Array;
  /** Base-colour texture as an encoded PNG. */
  texturePng: Buffer;
}

export function vertexCount(mesh: Pick<TexturedMesh, 'positions'>): number {
  return mesh.positions.length / 3;
}

export function triangleCount(mesh: Pick<TexturedMesh, 'indices'>): number {
  return mesh.indices.length / 3;
}

/** Axis-aligned bounds of the positions. */
export function meshBounds(positions: Float32Array): {
  min: [number, number, number];
  max: [number, number, number];
} {
  const min: [number, number, number] = [Infinity, Infinity, Infinity];
  const max: [number, number, number] = [-Infinity, -Infinity, -Infinity];
  for (let i = 0; i < positions.length; i += 3) {
    for (let a = 0; a < 3; a++) {
      const v = positions[i + a]!;
      if (v < min[a]!) min[a] = v;
      if (v > max[a]!) max[a] = v;
    }
  }
  return { min, max };
}

/** Area-weighted vertex normals (a triangle's cross product is its area-weighted normal). */
export function computeVertexNormals(positions: Float32Array, indices: Uint32Array): Float32Array {
  const normals = new Float32Array(positions.length);
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]! * 3;
    const b = indices[t + 1]! * 3;
    const c = indices[t + 2]! * 3;
    const e1x = positions[b]! - positions[a]!;
    const e1y = positions[b + 1]! - positions[a + 1]!;
    const e1z = positions[b + 2]! - positions[a + 2]!;
    const e2x = positions[c]! - positions[a]!;
    const e2y = positions[c + 1]! - positions[a + 1]!;
    const e2z = positions[c + 2]! - positions[a + 2]!;
    const nx = e1y * e2z - e1z * e2y;
    const ny = e1z * e2x - e1x * e2z;
    const nz = e1x * e2y - e1y * e2x;
    for (const v of [a, b, c]) {
      normals[v] = normals[v]! + nx;
      normals[v + 1] = normals[v + 1]! + ny;
      normals[v + 2] = normals[v + 2]! + nz;
    }
  }
  for (let i = 0; i < normals.length; i += 3) {
    const len = Math.hypot(normals[i]!, normals[i + 1]!, normals[i + 2]!) || 1;
    normals[i] = normals[i]! / len;
    normals[i + 1] = normals[i + 1]! / len;
    normals[i + 2] = normals[i + 2]! / len;
  }
  return normals;
}

/** Signed volume enclosed by a closed triangle mesh (positive when its triangles wind counter-clockwise seen from outside). */
export function signedVolume(positions: Float32Array, indices: Uint32Array): number {
  let v = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]! * 3,
      b = indices[t + 1]! * 3,
      c = indices[t + 2]! * 3;
    v +=
      positions[a]! * (positions[b + 1]! * positions[c + 2]! - positions[b + 2]! * positions[c + 1]!) -
      positions[a + 1]! * (positions[b]! * positions[c + 2]! - positions[b + 2]! * positions[c]!) +
      positions[a + 2]! * (positions[b]! * positions[c + 1]! - positions[b + 1]! * positions[c]!);
  }
  return v / 6;
}

/** Two indexed meshes as one (positions, UVs, triangles; the second's indices offset). */
export function joinMeshes<M extends { positions: Float32Array; uvs: Float32Array; indices: Uint32Array }>(
  a: M,
  b: Pick<M, 'positions' | 'uvs' | 'indices'>,
): Pick<M, 'positions' | 'uvs' | 'indices'> {
  const offset = a.positions.length / 3;
  const positions = new Float32Array(a.positions.length + b.positions.length);
  positions.set(a.positions);
  positions.set(b.positions, a.positions.length);
  const uvs = new Float32Array(a.uvs.length + b.uvs.length);
  uvs.set(a.uvs);
  uvs.set(b.uvs, a.uvs.length);
  const indices = new Uint32Array(a.indices.length + b.indices.length);
  indices.set(a.indices);
  for (let i = 0; i < b.indices.length; i++) indices[a.indices.length + i] = b.indices[i]! + offset;
  return { positions, uvs, indices };
}
