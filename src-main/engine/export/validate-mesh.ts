import type { TexturedMesh } from '../geometry/textured-mesh';
import { StageError } from '../stage-error';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function invalid(message: string, hint?: string): never {
  throw new StageError(
    'invalid-mesh',
    message,
    hint ?? 'The reconstruction produced a broken mesh; re-run it.',
  );
}

/**
 * Refuse a mesh that would give a broken or validator-failing file: empty, NaN/Infinity anywhere, one UV
 * pair per vertex missing, indices out of range, nothing but degenerate triangles, no PNG texture.
 * Throws StageError('invalid-mesh'); returns how many triangles are degenerate (the writers drop them).
 */
export function validateMeshForExport(mesh: TexturedMesh, what = 'mesh'): { degenerateTriangles: number } {
  const { positions, uvs, normals, indices } = mesh;
  if (positions.length === 0 || positions.length % 3 !== 0) invalid(`The ${what} has no vertices.`);
  const vertices = positions.length / 3;
  if (indices.length === 0 || indices.length % 3 !== 0) invalid(`The ${what} has no triangles.`);
  if (!uvs || uvs.length === 0) {
    invalid(`The ${what} has no UV coordinates, so its texture cannot be mapped.`);
  }
  if (uvs.length !== vertices * 2) {
    invalid(`The ${what} has ${uvs.length / 2} UV pairs for ${vertices} vertices.`);
  }
  if (normals && normals.length !== positions.length) {
    invalid(`The ${what} has ${normals.length / 3} normals for ${vertices} vertices.`);
  }
  for (const [name, array] of [
    ['positions', positions],
    ['UVs', uvs],
    ['normals', normals],
  ] as const) {
    if (!array) continue;
    for (let i = 0; i < array.length; i++) {
      if (!Number.isFinite(array[i]!))
        invalid(`The ${what}'s ${name} hold a non-finite value (${array[i]}) at ${i}.`);
    }
  }
  let degenerate = 0;
  for (let t = 0; t < indices.length; t += 3) {
    const a = indices[t]!;
    const b = indices[t + 1]!;
    const c = indices[t + 2]!;
    if (a >= vertices || b >= vertices || c >= vertices) {
      invalid(`Triangle ${t / 3} of the ${what} points at vertex ${Math.max(a, b, c)} of ${vertices}.`);
    }
    if (a === b || b === c || a === c) degenerate++;
  }
  if (degenerate === indices.length / 3) invalid(`Every triangle of the ${what} is degenerate.`);
  if (!mesh.texturePng || !mesh.texturePng.subarray(0, 8).equals(PNG_SIGNATURE)) {
    invalid(`The ${what}'s texture is not a PNG image.`);
  }
  return { degenerateTriangles: degenerate };
}
