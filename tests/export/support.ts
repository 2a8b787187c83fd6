/** Shared helpers of the export tests: a small OBJ reader and a batched headless-Blender run. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { removeScratchDirs, scratchDir } from '../support/scratch-dir';

export const REPO = path.resolve(import.meta.dirname, '../..');

/** A fresh folder under the OS temp dir, removed by `removeTempDirs` or at exit (`scratchDir`). */
export const tempDir = (prefix: string): Promise<string> => scratchDir(`export-${prefix}`);
export const removeTempDirs = removeScratchDirs;

export interface ObjObject {
  name: string;
  v: number;
  vt: number;
  vn: number;
  faces: number;
  material?: string;
  min: [number, number, number];
  max: [number, number, number];
  /** Each face's corners as 1-based [v, vt, vn] indices. */
  faceCorners: [number, number, number][][];
}

/** Just enough of OBJ to check what we write: objects, v/vt/vn, triangles `v/vt/vn`, usemtl, mtllib. */
export function parseObj(text: string): {
  mtllib?: string;
  objects: ObjObject[];
  positions: number[][];
  uvs: number[][];
} {
  const objects: ObjObject[] = [];
  const positions: number[][] = [];
  const uvs: number[][] = [];
  let mtllib: string | undefined;
  let current: ObjObject | undefined;
  for (const line of text.split('\n')) {
    const [tag, ...rest] = line.trim().split(/\s+/);
    if (tag === 'mtllib') mtllib = rest.join(' ');
    else if (tag === 'o') {
      current = {
        name: rest.join(' '),
        v: 0,
        vt: 0,
        vn: 0,
        faces: 0,
        min: [Infinity, Infinity, Infinity],
        max: [-Infinity, -Infinity, -Infinity],
        faceCorners: [],
      };
      objects.push(current);
    } else if (tag === 'v') {
      const p = rest.map(Number);
      positions.push(p);
      current!.v++;
      for (let a = 0; a < 3; a++) {
        current!.min[a] = Math.min(current!.min[a]!, p[a]!);
        current!.max[a] = Math.max(current!.max[a]!, p[a]!);
      }
    } else if (tag === 'vt') {
      uvs.push(rest.map(Number));
      current!.vt++;
    } else if (tag === 'vn') current!.vn++;
    else if (tag === 'usemtl') current!.material = rest[0];
    else if (tag === 'f') {
      current!.faces++;
      current!.faceCorners.push(rest.map((c) => c.split('/').map(Number) as [number, number, number]));
    }
  }
  return { mtllib, objects, positions, uvs };
}

export interface BlenderObject {
  name: string;
  vertices: number;
  faces: number;
  triangles: number;
  outward_faces: number;
  has_uv: boolean;
  uv_v_top: number | null;
  uv_v_bottom: number | null;
  dimensions: [number, number, number];
  nose_tip: [number, number, number];
  nose_axis: string;
  textures: {
    material: string | null;
    image: string | null;
    image_size: [number, number];
    base_color_linked: boolean;
    roughness: number | null;
    metallic: number | null;
  }[];
}

export interface BlenderCheck {
  file: string;
  format: string;
  blender: string;
  objects: BlenderObject[];
}

/** Import every file in ONE Blender run (it takes seconds to start) and return what it saw, in order. */
export async function importInBlender(
  files: { file: string; format: 'glb' | 'obj' | 'obj-zup' }[],
): Promise<BlenderCheck[]> {
  const script = path.join(REPO, 'scripts/blender/check_import.py');
  const args = ['-b', '--factory-startup', '--python-exit-code', '1', '--python', script, '--'];
  for (const f of files) args.push(f.file, f.format);
  const { stdout } = await promisify(execFile)('blender', args, { maxBuffer: 64 << 20, timeout: 150_000 });
  const checks = stdout
    .split('\n')
    .filter((l) => l.startsWith('CHECK_JSON '))
    .map((l) => JSON.parse(l.slice('CHECK_JSON '.length)) as BlenderCheck);
  if (checks.length !== files.length)
    throw new Error(`Blender reported ${checks.length} of ${files.length} files:\n${stdout.slice(-3000)}`);
  return checks;
}
