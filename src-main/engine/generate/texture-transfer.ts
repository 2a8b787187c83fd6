/**
 * Moves a finished texture from one mesh to another that lies on the same surface (the studio's head
 * registered onto FLAME → FLAME's own UV layout): each texel of the target's atlas takes the colour
 * of the nearest source surface point. A target triangle whose three corners land in one source
 * chart interpolates the corners' source UVs (exact for small, near-planar triangles); one that
 * straddles a source seam asks the nearest point per texel, so no colour is pulled across the gap
 * between charts.
 */
import sharp from 'sharp';
import { buildTriangleGrid } from '../estimate/register/closest-point';
import type { RawImage } from '../image/raw-image';
import { sampleBilinear } from '../image/sample-bilinear';
import { dilateAtlas } from '../native/native-addon';
import { throwIfCancelled } from '../stage-error';

export interface TextureSource {
  /** Geometry: positions per vertex and triangles over them. */
  positions: Float32Array;
  triangles: Uint32Array;
  /** UV layout: uv per UV vertex (glTF, top-left origin) and triangles over them, one-to-one. */
  uvs: Float32Array;
  uvTriangles: Uint32Array;
  /** Chart (any id) of each triangle: corners in one chart may be interpolated. */
  triangleChart: Uint32Array;
  texture: RawImage;
}

export interface TextureTarget {
  /** Positions and uvs (glTF) per vertex (seams split), triangles over them. */
  positions: Float32Array;
  uvs: Float32Array;
  indices: Uint32Array;
}

const SEARCH_M = 0.05;

export async function transferTexture(
  source: TextureSource,
  target: TextureTarget,
  size: number,
  signal?: AbortSignal,
): Promise<{ texturePng: Buffer; coveredShare: number }> {
  const grid = buildTriangleGrid(source.positions, source.triangles, 0.01);
  const sampleAt = (x: number, y: number, z: number): { uv: [number, number]; chart: number } | undefined => {
    const hit = grid.closest(x, y, z, SEARCH_M);
    return hit
      ? { uv: sourceUv(source, hit.triangle, hit.point), chart: source.triangleChart[hit.triangle]! }
      : undefined;
  };
  const corners = new Array<{ uv: [number, number]; chart: number } | undefined>(target.positions.length / 3);
  for (let v = 0; v < corners.length; v++) {
    corners[v] = sampleAt(
      target.positions[v * 3]!,
      target.positions[v * 3 + 1]!,
      target.positions[v * 3 + 2]!,
    );
  }
  throwIfCancelled(signal);

  const rgba = new Uint8Array(size * size * 4);
  const weight = new Float32Array(size * size);
  const texel = new Float32Array(4);
  const triangles = target.indices.length / 3;
  for (let t = 0; t < triangles; t++) {
    if (t % 2048 === 0) throwIfCancelled(signal);
    const [a, b, c] = [0, 1, 2].map((k) => target.indices[t * 3 + k]!) as [number, number, number];
    const ca = corners[a];
    const cb = corners[b];
    const cc = corners[c];
    const oneChart = ca && cb && cc && ca.chart === cb.chart && cb.chart === cc.chart;
    rasterUvTriangle(target.uvs, a, b, c, size, (px, wa, wb, wc) => {
      let u: number;
      let v: number;
      if (oneChart) {
        u = wa * ca.uv[0] + wb * cb.uv[0] + wc * cc.uv[0];
        v = wa * ca.uv[1] + wb * cb.uv[1] + wc * cc.uv[1];
      } else {
        const p = [0, 1, 2].map(
          (k) =>
            wa * target.positions[a * 3 + k]! +
            wb * target.positions[b * 3 + k]! +
            wc * target.positions[c * 3 + k]!,
        );
        const hit = sampleAt(p[0]!, p[1]!, p[2]!);
        if (!hit) return;
        [u, v] = hit.uv;
      }
      sampleBilinear(source.texture, u * source.texture.width - 0.5, v * source.texture.height - 0.5, texel);
      for (let k = 0; k < 4; k++) rgba[px * 4 + k] = Math.round(texel[k]!);
      weight[px] = 1;
    });
  }
  let covered = 0;
  for (const w of weight) covered += w;
  const dilated = await dilateAtlas({
    atlas: { data: rgba, width: size, height: size },
    weight,
    pixels: size,
  });
  const texturePng = await sharp(Buffer.from(dilated.atlas.data), {
    raw: { width: size, height: size, channels: 4 },
  })
    .removeAlpha()
    .png()
    .toBuffer();
  return { texturePng, coveredShare: covered / (size * size) };
}

/** The source UV at a point on source triangle t (barycentric in 3-D, then the UV triangle's). */
function sourceUv(source: TextureSource, t: number, p: [number, number, number]): [number, number] {
  const idx = [0, 1, 2].map((k) => source.triangles[t * 3 + k]! * 3);
  const P = source.positions;
  const e0 = [0, 1, 2].map((i) => P[idx[1]! + i]! - P[idx[0]! + i]!);
  const e1 = [0, 1, 2].map((i) => P[idx[2]! + i]! - P[idx[0]! + i]!);
  const ep = [0, 1, 2].map((i) => p[i]! - P[idx[0]! + i]!);
  const d00 = dot3(e0, e0);
  const d01 = dot3(e0, e1);
  const d11 = dot3(e1, e1);
  const d20 = dot3(ep, e0);
  const d21 = dot3(ep, e1);
  const denom = d00 * d11 - d01 * d01 || 1;
  const wb = (d11 * d20 - d01 * d21) / denom;
  const wc = (d00 * d21 - d01 * d20) / denom;
  const wa = 1 - wb - wc;
  const uvi = [0, 1, 2].map((k) => source.uvTriangles[t * 3 + k]! * 2);
  const U = source.uvs;
  return [
    wa * U[uvi[0]!]! + wb * U[uvi[1]!]! + wc * U[uvi[2]!]!,
    wa * U[uvi[0]! + 1]! + wb * U[uvi[1]! + 1]! + wc * U[uvi[2]! + 1]!,
  ];
}

function dot3(a: number[], b: number[]): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

/** Calls `visit` for every texel centre inside the UV triangle (a, b, c), with its barycentrics. */
function rasterUvTriangle(
  uvs: Float32Array,
  a: number,
  b: number,
  c: number,
  size: number,
  visit: (pixel: number, wa: number, wb: number, wc: number) => void,
): void {
  const ax = uvs[a * 2]! * size;
  const ay = uvs[a * 2 + 1]! * size;
  const bx = uvs[b * 2]! * size;
  const by = uvs[b * 2 + 1]! * size;
  const cx = uvs[c * 2]! * size;
  const cy = uvs[c * 2 + 1]! * size;
  const area = (bx - ax) * (cy - ay) - (cx - ax) * (by - ay);
  if (Math.abs(area) < 1e-12) return;
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx)));
  const x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx, cx)));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy)));
  const y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by, cy)));
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5;
      const wa = ((bx - px) * (cy - py) - (cx - px) * (by - py)) / area;
      const wb = ((cx - px) * (ay - py) - (ax - px) * (cy - py)) / area;
      const wc = 1 - wa - wb;
      if (wa < -1e-6 || wb < -1e-6 || wc < -1e-6) continue;
      visit(y * size + x, wa, wb, wc);
    }
  }
}
