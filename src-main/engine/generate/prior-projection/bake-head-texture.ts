/**
 * Prior projection without diffusion: bakes the photo onto the fitted head's UV atlas. Each texel
 * takes the photo where its surface point faces the camera and is not hidden (weighted by view
 * angle and person mask); the hidden side of the face takes its mirror point's photo colour (the
 * model is left/right symmetric); everything never seen (sides, back, scalp, ears, neck) gets skin
 * and hair colours measured in the photo, blended by the model's hair weight. Blends are smooth
 * because every weight falls off continuously with the view angle.
 */
import sharp from 'sharp';
import type { PinholeCamera } from '../../geometry/camera';
import { cameraCentre, projectPoint } from '../../geometry/camera';
import { modelLandmarks, type HeadModel } from '../../geometry/head-model';
import { computeVertexNormals, type TexturedMesh } from '../../geometry/textured-mesh';
import { throwIfCancelled } from '../../stage-error';
import { pushPullFill } from './atlas-fill';
import { rasterizeMesh, sampleBilinear } from './rasterize';

export interface BakeInput {
  photoRgba: { data: Uint8Array; width: number; height: number };
  /** Person mask (255 = person), any size (sampled proportionally to the photo). */
  mask?: { data: Uint8Array; width: number; height: number };
  /** Fitted positions in the model's topology (metres, canonical frame). */
  positions: Float32Array;
  model: HeadModel;
  camera: PinholeCamera;
  textureSize: 1024 | 2048;
}

export interface BakeResult {
  texturePng: Buffer;
  /** Shares of the atlas' chart texels: from the photo, from the mirrored photo, filled. */
  coverage: { photo: number; mirrored: number; filled: number };
  skinRgb: [number, number, number];
  hairRgb: [number, number, number];
}

const SKIN_LANDMARKS = [205, 425, 50, 280, 151, 108, 337, 117, 346, 9];
const DEFAULT_HAIR: [number, number, number] = [58, 44, 34];

export async function bakeHeadTexture(input: BakeInput, signal?: AbortSignal): Promise<BakeResult> {
  const { model, positions, camera, textureSize: size } = input;
  const photo = { ...input.photoRgba, channels: 4 };
  const normals = computeVertexNormals(positions, model.triangles);
  const eye = cameraCentre(camera);
  const depth = rasterizeMesh(positions, model.triangles, camera);
  throwIfCancelled(signal);
  const maskAt = (u: number, v: number): number => {
    const m = input.mask;
    if (!m) return 1;
    const x = Math.floor((u / camera.width) * m.width);
    const y = Math.floor((v / camera.height) * m.height);
    return x >= 0 && y >= 0 && x < m.width && y < m.height ? m.data[y * m.width + x]! / 255 : 0;
  };

  /** Photo colour and weight (0..1) of a surface point with normal n, or weight 0 when unseen. */
  const see = (
    px: number,
    py: number,
    pz: number,
    nx: number,
    ny: number,
    nz: number,
    out: Float32Array,
  ): number => {
    const [u, v, z] = projectPoint(camera, px, py, pz);
    if (!(z > 0) || u < 0 || v < 0 || u >= camera.width || v >= camera.height) return 0;
    const dx = eye[0] - px,
      dy = eye[1] - py,
      dz = eye[2] - pz;
    const cos = (nx * dx + ny * dy + nz * dz) / (Math.hypot(dx, dy, dz) * (Math.hypot(nx, ny, nz) || 1));
    if (cos <= 0.15) return 0;
    const d = depth.depth[Math.floor(v) * camera.width + Math.floor(u)]!;
    if (z > d + 0.004) return 0; // something nearer (nose, cheek) hides it
    const w = smoothstep(0.15, 0.5, cos) * maskAt(u, v);
    if (w <= 0) return 0;
    sampleBilinear(photo, u, v, out);
    return w;
  };

  const skin = measureSkin(input, see);
  const hair = measureHair(input, normals, see) ?? DEFAULT_HAIR;
  throwIfCancelled(signal);

  const rgb = new Float32Array(size * size * 3);
  const covered = new Uint8Array(size * size);
  let nPhoto = 0,
    nMirror = 0,
    nFill = 0;
  const c1 = new Float32Array(4);
  const c2 = new Float32Array(4);
  const { uvs, uvTriangles, uvVertexToVertex: geo, mirror } = model;
  for (let t = 0; t < uvTriangles.length / 3; t++) {
    if ((t & 1023) === 0) throwIfCancelled(signal);
    const ia = uvTriangles[t * 3]!,
      ib = uvTriangles[t * 3 + 1]!,
      ic = uvTriangles[t * 3 + 2]!;
    const ax = uvs[ia * 2]! * size,
      ay = uvs[ia * 2 + 1]! * size;
    const bx = uvs[ib * 2]! * size,
      by = uvs[ib * 2 + 1]! * size;
    const cx = uvs[ic * 2]! * size,
      cy = uvs[ic * 2 + 1]! * size;
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (Math.abs(area) < 1e-12) continue;
    const va = geo[ia]!,
      vb = geo[ib]!,
      vc = geo[ic]!;
    const ma = mirror[va]!,
      mb = mirror[vb]!,
      mc = mirror[vc]!;
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx, cx))),
      x1 = Math.min(size - 1, Math.ceil(Math.max(ax, bx, cx)));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by, cy))),
      y1 = Math.min(size - 1, Math.ceil(Math.max(ay, by, cy)));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const sx = x + 0.5,
          sy = y + 0.5;
        const w1 = ((sx - ax) * (cy - ay) - (sy - ay) * (cx - ax)) / area;
        const w2 = ((bx - ax) * (sy - ay) - (by - ay) * (sx - ax)) / area;
        const w0 = 1 - w1 - w2;
        // Slightly generous edges so chart borders have no gaps between triangles.
        if (w0 < -0.02 || w1 < -0.02 || w2 < -0.02) continue;
        const p = y * size + x;
        if (covered[p]) continue;
        covered[p] = 1;
        const at = (arr: Float32Array, a: number, b: number, c: number, k: number) =>
          w0 * arr[a * 3 + k]! + w1 * arr[b * 3 + k]! + w2 * arr[c * 3 + k]!;
        const a = see(
          at(positions, va, vb, vc, 0),
          at(positions, va, vb, vc, 1),
          at(positions, va, vb, vc, 2),
          at(normals, va, vb, vc, 0),
          at(normals, va, vb, vc, 1),
          at(normals, va, vb, vc, 2),
          c1,
        );
        let b = 0;
        if (a < 1) {
          b = see(
            at(positions, ma, mb, mc, 0),
            at(positions, ma, mb, mc, 1),
            at(positions, ma, mb, mc, 2),
            at(normals, ma, mb, mc, 0),
            at(normals, ma, mb, mc, 1),
            at(normals, ma, mb, mc, 2),
            c2,
          );
          b *= (1 - a) * 0.9;
        }
        const h = w0 * model.hairWeight[va]! + w1 * model.hairWeight[vb]! + w2 * model.hairWeight[vc]!;
        const seen = a + b;
        for (let k = 0; k < 3; k++) {
          const fill = skin[k]! * (1 - h) + hair[k]! * h;
          const photoC = seen > 0 ? (a * c1[k]! + b * c2[k]!) / seen : 0;
          rgb[p * 3 + k] = seen * photoC + (1 - seen) * fill;
        }
        if (seen < 0.5) nFill++;
        else if (a >= b) nPhoto++;
        else nMirror++;
      }
    }
  }
  throwIfCancelled(signal);
  pushPullFill(rgb, covered, size);
  const out = Buffer.alloc(size * size * 3);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(0, Math.min(255, Math.round(rgb[i]!)));
  const texturePng = await sharp(out, { raw: { width: size, height: size, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
  const total = Math.max(1, nPhoto + nMirror + nFill);
  return {
    texturePng,
    coverage: { photo: nPhoto / total, mirrored: nMirror / total, filled: nFill / total },
    skinRgb: skin,
    hairRgb: hair,
  };
}

type SeeFn = (
  px: number,
  py: number,
  pz: number,
  nx: number,
  ny: number,
  nz: number,
  out: Float32Array,
) => number;

/** Median photo colour at cheek and forehead landmarks of the fitted mesh (where seen). */
function measureSkin(input: BakeInput, see: SeeFn): [number, number, number] {
  const lm = modelLandmarks(input.model, input.positions);
  const normals = modelLandmarks(input.model, computeVertexNormals(input.positions, input.model.triangles));
  const samples: [number, number, number][] = [];
  const c = new Float32Array(4);
  for (const i of SKIN_LANDMARKS) {
    // A small cross around each landmark (±4 mm) to average out pores, glare and stray hair.
    for (const [dx, dy] of [
      [0, 0],
      [0.004, 0],
      [-0.004, 0],
      [0, 0.004],
      [0, -0.004],
    ] as const) {
      const w = see(
        lm[i * 3]! + dx,
        lm[i * 3 + 1]! + dy,
        lm[i * 3 + 2]!,
        normals[i * 3]!,
        normals[i * 3 + 1]!,
        normals[i * 3 + 2]!,
        c,
      );
      if (w > 0.3) samples.push([c[0]!, c[1]!, c[2]!]);
    }
  }
  return samples.length >= 3 ? medianRgb(samples) : [200, 160, 140];
}

/** Median photo colour of visible scalp vertices (hair weight > 0.8) inside the person mask. */
function measureHair(input: BakeInput, normals: Float32Array, see: SeeFn): [number, number, number] | null {
  const samples: [number, number, number][] = [];
  const c = new Float32Array(4);
  const p = input.positions;
  for (let v = 0; v < input.model.vertexCount; v++) {
    if (input.model.hairWeight[v]! < 0.8) continue;
    const w = see(
      p[v * 3]!,
      p[v * 3 + 1]!,
      p[v * 3 + 2]!,
      normals[v * 3]!,
      normals[v * 3 + 1]!,
      normals[v * 3 + 2]!,
      c,
    );
    if (w > 0.5) samples.push([c[0]!, c[1]!, c[2]!]);
  }
  return samples.length >= 10 ? medianRgb(samples) : null;
}

function medianRgb(samples: [number, number, number][]): [number, number, number] {
  return [0, 1, 2].map((k) => {
    const s = samples.map((x) => x[k]!).sort((a, b) => a - b);
    return s[s.length >> 1]!;
  }) as [number, number, number];
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

/** The fitted head as the mesh later stages take: seams split per UV vertex, normals from the closed surface. */
export function buildTexturedHead(input: {
  positions: Float32Array;
  model: HeadModel;
  texturePng: Buffer;
  name?: string;
}): TexturedMesh {
  const { model, positions } = input;
  const n = model.uvVertexToVertex.length;
  const geoNormals = computeVertexNormals(positions, model.triangles);
  const outPositions = new Float32Array(n * 3);
  const normals = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    const v = model.uvVertexToVertex[i]!;
    for (let k = 0; k < 3; k++) {
      outPositions[i * 3 + k] = positions[v * 3 + k]!;
      normals[i * 3 + k] = geoNormals[v * 3 + k]!;
    }
  }
  return {
    name: input.name ?? 'head',
    positions: outPositions,
    uvs: Float32Array.from(model.uvs),
    normals,
    indices: Uint32Array.from(model.uvTriangles),
    texturePng: input.texturePng,
  };
}
