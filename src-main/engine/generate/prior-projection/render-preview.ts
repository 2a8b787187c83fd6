/**
 * Renders a mesh with the CPU rasteriser: textured (uv per vertex + RGBA texture) or, without a
 * texture, grey with head-light shading. Used for previews and for checking the bake against the
 * photo; the native renderer replaces it where speed matters.
 */
import { computeVertexNormals } from '../../geometry/textured-mesh';
import { cameraCentre, type PinholeCamera } from '../../geometry/camera';
import { rasterizeMesh, sampleBilinear } from './rasterize';

export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export function renderMeshPreview(
  mesh: { positions: Float32Array; indices: Uint32Array; uvs?: Float32Array },
  camera: PinholeCamera,
  texture?: RgbaImage,
  background: [number, number, number] = [255, 255, 255],
): RgbaImage & { coverage: Uint8Array } {
  const raster = rasterizeMesh(mesh.positions, mesh.indices, camera);
  const normals = computeVertexNormals(mesh.positions, mesh.indices);
  const eye = cameraCentre(camera);
  const out = new Uint8Array(camera.width * camera.height * 4);
  const coverage = new Uint8Array(camera.width * camera.height);
  const texel = new Float32Array(4);
  const tex = texture && { ...texture, channels: 4 };
  for (let p = 0; p < camera.width * camera.height; p++) {
    const t = raster.triangle[p]!;
    let rgb: [number, number, number] = background;
    if (t >= 0) {
      coverage[p] = 1;
      const w1 = raster.bary[p * 2]!;
      const w2 = raster.bary[p * 2 + 1]!;
      const w0 = 1 - w1 - w2;
      const a = mesh.indices[t * 3]!;
      const b = mesh.indices[t * 3 + 1]!;
      const c = mesh.indices[t * 3 + 2]!;
      if (tex && mesh.uvs) {
        const u = w0 * mesh.uvs[a * 2]! + w1 * mesh.uvs[b * 2]! + w2 * mesh.uvs[c * 2]!;
        const v = w0 * mesh.uvs[a * 2 + 1]! + w1 * mesh.uvs[b * 2 + 1]! + w2 * mesh.uvs[c * 2 + 1]!;
        sampleBilinear(tex, u * tex.width, v * tex.height, texel);
        rgb = [texel[0]!, texel[1]!, texel[2]!];
      } else {
        const n = [0, 1, 2].map(
          (k) => w0 * normals[a * 3 + k]! + w1 * normals[b * 3 + k]! + w2 * normals[c * 3 + k]!,
        );
        const pos = [0, 1, 2].map(
          (k) =>
            w0 * mesh.positions[a * 3 + k]! +
            w1 * mesh.positions[b * 3 + k]! +
            w2 * mesh.positions[c * 3 + k]!,
        );
        const view = [0, 1, 2].map((k) => eye[k]! - pos[k]!);
        const vl = Math.hypot(view[0]!, view[1]!, view[2]!);
        const nl = Math.hypot(n[0]!, n[1]!, n[2]!) || 1;
        const lambert = Math.max(0, (n[0]! * view[0]! + n[1]! * view[1]! + n[2]! * view[2]!) / (vl * nl));
        const g = 40 + 200 * lambert;
        rgb = [g, g * 0.97, g * 0.94];
      }
    }
    out[p * 4] = rgb[0];
    out[p * 4 + 1] = rgb[1];
    out[p * 4 + 2] = rgb[2];
    out[p * 4 + 3] = 255;
  }
  return { data: out, width: camera.width, height: camera.height, coverage };
}
