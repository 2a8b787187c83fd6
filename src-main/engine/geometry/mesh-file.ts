/**
 * A TexturedMesh on disk between stages (`mesh/` in a job): a JSON header, one binary file of the
 * typed arrays, and the texture PNG. Plain and fast to read back; exports are made from it.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, writeJsonAtomic } from '../../shared/atomic-file';
import type { TexturedMesh } from './textured-mesh';

const MeshHeader = z
  .object({
    name: z.string(),
    vertexCount: z.number().int().positive(),
    triangleCount: z.number().int().positive(),
    hasNormals: z.boolean(),
  })
  .strict();

export const MESH_FILES = { header: 'mesh.json', data: 'mesh.bin', texture: 'texture.png' } as const;

/**
 * Further objects beside the head, each a mesh folder of its own inside the head's (`mesh/hair/`), so
 * a job written before they existed still reads, and each keeps its own texture.
 */
export const EXTRA_MESH_FOLDERS = { hair: 'hair' } as const;

/** The mesh folder at dir, or undefined when there is none (no header: never written or unfinished). */
export async function readMeshFolderIfPresent(dir: string): Promise<TexturedMesh | undefined> {
  try {
    await readFile(join(dir, MESH_FILES.header));
  } catch {
    return undefined;
  }
  return readMeshFolder(dir);
}

export async function writeMeshFolder(dir: string, mesh: TexturedMesh): Promise<void> {
  await mkdir(dir, { recursive: true });
  const parts: Uint8Array[] = [
    mesh.positions,
    mesh.uvs,
    ...(mesh.normals ? [mesh.normals] : []),
    mesh.indices,
  ].map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  await writeFileAtomic(join(dir, MESH_FILES.data), Buffer.concat(parts));
  await writeFileAtomic(join(dir, MESH_FILES.texture), mesh.texturePng);
  // The header goes last: a folder without one is an unfinished mesh.
  await writeJsonAtomic(join(dir, MESH_FILES.header), {
    name: mesh.name,
    vertexCount: mesh.positions.length / 3,
    triangleCount: mesh.indices.length / 3,
    hasNormals: Boolean(mesh.normals),
  });
}

export async function readMeshFolder(dir: string): Promise<TexturedMesh> {
  const header = MeshHeader.parse(JSON.parse(await readFile(join(dir, MESH_FILES.header), 'utf8')));
  const data = await readFile(join(dir, MESH_FILES.data));
  const v = header.vertexCount;
  const floats = v * (3 + 2 + (header.hasNormals ? 3 : 0));
  const expected = floats * 4 + header.triangleCount * 3 * 4;
  if (data.byteLength !== expected) {
    throw new Error(`${join(dir, MESH_FILES.data)} has ${data.byteLength} bytes, expected ${expected}`);
  }
  // Copy into an aligned buffer: Buffer pools may hand out unaligned offsets.
  const aligned = new Uint8Array(data).buffer;
  let offset = 0;
  const take = <T>(make: (b: ArrayBuffer, o: number, n: number) => T, n: number): T => {
    const out = make(aligned, offset, n);
    offset += n * 4;
    return out;
  };
  const positions = take((b, o, n) => new Float32Array(b, o, n), v * 3);
  const uvs = take((b, o, n) => new Float32Array(b, o, n), v * 2);
  const normals = header.hasNormals ? take((b, o, n) => new Float32Array(b, o, n), v * 3) : undefined;
  const indices = take((b, o, n) => new Uint32Array(b, o, n), header.triangleCount * 3);
  const texturePng = await readFile(join(dir, MESH_FILES.texture));
  return { name: header.name, positions, uvs, ...(normals ? { normals } : {}), indices, texturePng };
}
