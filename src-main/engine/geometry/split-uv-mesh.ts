/**
 * A mesh whose UVs are indexed apart from its vertices (OBJ's v/vt, FLAME's template) as one index
 * list over vertices that carry both: a vertex is split wherever its UV corners differ (seams).
 */
export interface SplitUvMesh {
  positions: Float32Array;
  /** glTF convention: (0, 0) is the texture's top-left corner. */
  uvs: Float32Array;
  indices: Uint32Array;
}

export function splitByUv(
  positions: Float32Array,
  faces: Uint32Array,
  uvCoords: Float32Array,
  uvFaces: Uint32Array,
  /** The UVs are OBJ's (v up): flip v into glTF's convention. */
  flipV: boolean,
): SplitUvMesh {
  const key = new Map<string, number>();
  const outPositions: number[] = [];
  const outUvs: number[] = [];
  const indices = new Uint32Array(faces.length);
  for (let i = 0; i < faces.length; i++) {
    const v = faces[i]!;
    const t = uvFaces[i]!;
    const k = `${v}/${t}`;
    let index = key.get(k);
    if (index === undefined) {
      index = outPositions.length / 3;
      key.set(k, index);
      outPositions.push(positions[v * 3]!, positions[v * 3 + 1]!, positions[v * 3 + 2]!);
      const u = uvCoords[t * 2]!;
      const w = uvCoords[t * 2 + 1]!;
      outUvs.push(u, flipV ? 1 - w : w);
    }
    indices[i] = index;
  }
  return { positions: Float32Array.from(outPositions), uvs: Float32Array.from(outUvs), indices };
}
