/**
 * The built-in full-head model (resources/head-model/): closed quad mesh with a triangulation, UV
 * atlas, MediaPipe-468 landmark embedding, left/right mirror map and a linear shape space.
 * Files are checked against the manifest's sha256 before use; a bad file is a clear error.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StageError } from '../stage-error';

export interface HeadModel {
  name: string;
  vertexCount: number;
  /** Mean shape, xyz per vertex, metres (+Y up, face +Z, origin at the head centre). */
  positions: Float32Array;
  /** Four vertex indices per quad, counter-clockwise from outside. */
  quads: Uint32Array;
  /** Triangulation of the quads (two per quad), counter-clockwise from outside. */
  triangles: Uint32Array;
  /** Atlas chart (index into `regions`) of each triangle. */
  triangleRegion: Uint32Array;
  regions: { name: string; rect: [number, number, number, number] }[];
  /** UV vertices (seams duplicated): the geometry vertex each stands for, and its uv (glTF, top-left origin). */
  uvVertexToVertex: Uint32Array;
  uvs: Float32Array;
  /** Triangles over UV vertices, one-to-one with `triangles`. */
  uvTriangles: Uint32Array;
  /** Vertex at the mirror position (x → −x) of each vertex. */
  mirror: Uint32Array;
  /** 0..1 per vertex: scalp (hair) vs skin, for filling unseen parts. */
  hairWeight: Float32Array;
  /** 0..1 per vertex: how freely landmark-driven detail may move it (1 on the face, 0 off it). */
  detailWeight: Float32Array;
  /** MediaPipe-468 landmark i lies on triangle landmarkTriangle[i] at barycentric landmarkBary[3i..3i+2]. */
  landmarkTriangle: Uint32Array;
  landmarkBary: Float32Array;
  /** Landmark index of each landmark's left/right mirror. */
  landmarkMirror: Uint32Array;
  /** The canonical face the model was shaped to (468×3, metres, head frame). */
  landmarkCanonical: Float32Array;
  shapeComponents: { name: string; description: string }[];
  /** K×V×3 vertex offsets; coefficient 1 ≈ one standard deviation. */
  shapeBasis: Float32Array;
  namedLandmarks: Record<string, number[]>;
}

interface Block {
  name: string;
  dtype: 'float32' | 'uint32';
  shape: number[];
  byteOffset: number;
  byteLength: number;
}

/**
 * resources/head-model/: beside the installed app when the host says where (GEN3D_RESOURCES_DIR, set by
 * main), else in the source checkout (CLI, tests).
 */
export function defaultHeadModelDir(): string {
  const resources = process.env.GEN3D_RESOURCES_DIR;
  if (resources) return path.join(resources, 'head-model');
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../resources/head-model');
}

const cache = new Map<string, Promise<HeadModel>>();

/** Loads (once per folder) and verifies the head model. */
export function loadHeadModel(dir: string = defaultHeadModelDir()): Promise<HeadModel> {
  let p = cache.get(dir);
  if (!p) {
    p = readHeadModel(dir);
    p.catch(() => cache.delete(dir));
    cache.set(dir, p);
  }
  return p;
}

async function readHeadModel(dir: string): Promise<HeadModel> {
  const bad = (why: string) =>
    new StageError(
      'bad-head-model',
      `The built-in head model in ${dir} is unusable: ${why}`,
      'Reinstall the application.',
    );
  let manifest: { files: { path: string; sha256: string; bytes: number }[] };
  try {
    manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8'));
  } catch {
    throw bad('manifest.json is missing or not JSON');
  }
  const files = new Map<string, Buffer>();
  for (const f of manifest.files) {
    const data = await readFile(path.join(dir, f.path)).catch(() => undefined);
    if (!data) throw bad(`${f.path} is missing`);
    if (data.length !== f.bytes || createHash('sha256').update(data).digest('hex') !== f.sha256) {
      throw bad(`${f.path} does not match its checksum`);
    }
    files.set(f.path, data);
  }
  const desc = JSON.parse(files.get('head-model.json')?.toString('utf8') ?? 'null') as {
    name: string;
    regions: HeadModel['regions'];
    shapeComponents: HeadModel['shapeComponents'];
    namedLandmarks: Record<string, number[]>;
    binary: { file: string; blocks: Block[] };
  } | null;
  const bin = desc && files.get(desc.binary.file);
  if (!desc || !bin) throw bad('head-model.json or its binary is not in the manifest');
  const block = <T extends Float32Array | Uint32Array>(name: string): T => {
    const b = desc.binary.blocks.find((x) => x.name === name);
    if (!b) throw bad(`block ${name} is missing`);
    // Copy into an aligned buffer (the file's buffer may not be 4-byte aligned).
    const bytes = new Uint8Array(bin.buffer, bin.byteOffset + b.byteOffset, b.byteLength).slice();
    return (b.dtype === 'float32' ? new Float32Array(bytes.buffer) : new Uint32Array(bytes.buffer)) as T;
  };
  const positions = block<Float32Array>('positions');
  return {
    name: desc.name,
    vertexCount: positions.length / 3,
    positions,
    quads: block('quads'),
    triangles: block('triangles'),
    triangleRegion: block('triangleRegion'),
    regions: desc.regions,
    uvVertexToVertex: block('uvVertexToVertex'),
    uvs: block('uvs'),
    uvTriangles: block('uvTriangles'),
    mirror: block('mirror'),
    hairWeight: block('hairWeight'),
    detailWeight: block('detailWeight'),
    landmarkTriangle: block('landmarkTriangle'),
    landmarkBary: block('landmarkBary'),
    landmarkMirror: block('landmarkMirror'),
    landmarkCanonical: block('landmarkCanonical'),
    shapeComponents: desc.shapeComponents,
    shapeBasis: block('shapeBasis'),
    namedLandmarks: desc.namedLandmarks,
  };
}

/** Mean shape plus Σ coefficient·component (metres). */
export function shapedPositions(model: HeadModel, coefficients: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(model.positions);
  const n = out.length;
  for (let k = 0; k < coefficients.length; k++) {
    const c = coefficients[k]!;
    if (c === 0) continue;
    const base = k * n;
    for (let i = 0; i < n; i++) out[i] = out[i]! + c * model.shapeBasis[base + i]!;
  }
  return out;
}

/** The 468 model landmarks (xyz each) on a mesh with the model's topology. */
export function modelLandmarks(model: HeadModel, positions: Float32Array): Float32Array {
  const out = new Float32Array(model.landmarkTriangle.length * 3);
  for (let i = 0; i < model.landmarkTriangle.length; i++) {
    const t = model.landmarkTriangle[i]! * 3;
    for (let c = 0; c < 3; c++) {
      const v = model.triangles[t + c]! * 3;
      const w = model.landmarkBary[i * 3 + c]!;
      out[i * 3] = out[i * 3]! + w * positions[v]!;
      out[i * 3 + 1] = out[i * 3 + 1]! + w * positions[v + 1]!;
      out[i * 3 + 2] = out[i * 3 + 2]! + w * positions[v + 2]!;
    }
  }
  return out;
}
