import { MeshoptSimplifier } from 'meshoptimizer';
import { prepareMesh, type PreparedMesh } from './prepared-mesh';

export interface SimplifyResult {
  mesh: PreparedMesh;
  trianglesBefore: number;
  trianglesAfter: number;
  /** meshoptimizer's relative error of the result (fraction of the mesh's extent). */
  error: number;
}

/** UVs weigh most (a moved UV smears the texture); normals a little, to keep the shading. */
const ATTRIBUTE_WEIGHTS = [1, 1, 0.25, 0.25, 0.25];
/** Allowed error grows until the budget is met: first try to stay invisible, then accept coarser. */
const ERROR_STEPS = [0.005, 0.02, 0.08, 0.3, 1];

/**
 * Reduce to at most `budget` triangles with meshoptimizer's attribute-aware simplifier. UV seams are
 * vertices duplicated at one position with different UVs; meshoptimizer detects them by position and
 * only collapses along a seam, never across it, so no triangle ends up spanning two UV islands.
 * A mesh already within budget is returned untouched.
 */
export async function simplifyToBudget(mesh: PreparedMesh, budget: number): Promise<SimplifyResult> {
  const before = mesh.indices.length / 3;
  if (before <= budget) return { mesh, trianglesBefore: before, trianglesAfter: before, error: 0 };
  await MeshoptSimplifier.ready;
  const vertices = mesh.positions.length / 3;
  const attributes = new Float32Array(vertices * 5);
  for (let v = 0; v < vertices; v++) {
    attributes.set(mesh.uvs.subarray(v * 2, v * 2 + 2), v * 5);
    attributes.set(mesh.normals.subarray(v * 3, v * 3 + 3), v * 5 + 2);
  }
  let indices = mesh.indices;
  let error = 0;
  for (const maxError of ERROR_STEPS) {
    [indices, error] = MeshoptSimplifier.simplifyWithAttributes(
      mesh.indices,
      mesh.positions,
      3,
      attributes,
      5,
      ATTRIBUTE_WEIGHTS,
      null,
      budget * 3,
      maxError,
    );
    if (indices.length <= budget * 3) break;
  }
  // Compact: drop the vertices no triangle uses any more (normals are kept as they were).
  const simplified = prepareMesh({ ...mesh, indices: new Uint32Array(indices) });
  return { mesh: simplified, trianglesBefore: before, trianglesAfter: indices.length / 3, error };
}
