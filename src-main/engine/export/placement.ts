import { meshBounds } from '../geometry/textured-mesh';
import type { ExportSettings } from '../../shared/protocol';
import type { PreparedMesh } from './prepared-mesh';

export type Vec3 = [number, number, number];

/**
 * Translation that puts the head where the settings ask, computed once from the head mesh and applied
 * to every object of the export (the prior too) so they stay aligned:
 * - 'head-centre': the centre of the head's bounding box at the origin;
 * - 'neck-base': the lowest point of the mesh (min Y), at the box's centre x/z, at the origin, so the
 *   head stands on the ground plane.
 */
export function placementOffset(positions: Float32Array, origin: ExportSettings['origin']): Vec3 {
  const { min, max } = meshBounds(positions);
  const cx = (min[0] + max[0]) / 2;
  const cz = (min[2] + max[2]) / 2;
  const y = origin === 'neck-base' ? min[1] : (min[1] + max[1]) / 2;
  return [0 - cx, 0 - y, 0 - cz]; // `0 - x`, not `-x`: no -0 in reports
}

export interface AxisAndUnits {
  units: ExportSettings['units'];
  upAxis: ExportSettings['upAxis'];
}

/** glTF: metres and +Y up by definition, so only the origin moves (see presets.ts for why). */
export const GLTF_FRAME: AxisAndUnits = { units: 'm', upAxis: 'Y' };

/**
 * The mesh in the file's frame: translated, scaled to the unit, and for Z-up turned +90° about X, so
 * +Y (up) → +Z and +Z (where the face looks) → -Y — Blender's and 3ds Max's "front" view looks along +Y
 * at a face that looks along -Y. A proper rotation, so triangle winding (CCW from outside) is kept.
 */
export function placeMesh(mesh: PreparedMesh, offset: Vec3, frame: AxisAndUnits): PreparedMesh {
  const scale = frame.units === 'cm' ? 100 : 1;
  const zUp = frame.upAxis === 'Z';
  const positions = new Float32Array(mesh.positions.length);
  const normals = new Float32Array(mesh.normals.length);
  for (let i = 0; i < positions.length; i += 3) {
    const x = (mesh.positions[i]! + offset[0]) * scale;
    const y = (mesh.positions[i + 1]! + offset[1]) * scale;
    const z = (mesh.positions[i + 2]! + offset[2]) * scale;
    const nx = mesh.normals[i]!;
    const ny = mesh.normals[i + 1]!;
    const nz = mesh.normals[i + 2]!;
    if (zUp) {
      positions.set([x, -z, y], i);
      normals.set([nx, -nz, ny], i);
    } else {
      positions.set([x, y, z], i);
      normals.set([nx, ny, nz], i);
    }
  }
  return { ...mesh, positions, normals };
}
