/**
 * Verifies a model pack before anything of it is used: manifest schema, every listed file present
 * with the listed size and sha256, arrays and networks pointing at listed files of fitting size.
 * The bytes that were hashed are the bytes handed on, so what is loaded is what was verified —
 * except files too large to hold (full-size diffusion UNets: several GB, ONNX external data), which
 * are hashed as a stream and loaded from disk by path.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseMessage } from '../../shared/protocol';
import { throwIfCancelled } from '../stage-error';
import { PackError } from './pack-error';
import { DTYPE_BYTES, elementCount, MANIFEST_FILE, PackManifest } from './pack-manifest';

export interface VerifiedPack {
  dir: string;
  manifest: PackManifest;
  /** The verified bytes of a file listed in the manifest (not for files above IN_MEMORY_LIMIT). */
  file(relPath: string): Buffer;
  /** Whether file() can hand over the bytes (else load it from path()). */
  inMemory(relPath: string): boolean;
  /** Absolute path of a listed file. */
  path(relPath: string): string;
}

/** Files above this are hashed as a stream and not kept: Node cannot read a file over 2 GiB at once. */
export const IN_MEMORY_LIMIT = 512 * 1024 * 1024;

async function streamSha256(abs: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(abs, { highWaterMark: 8 << 20 })) {
    throwIfCancelled(signal);
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}

export async function verifyPack(dir: string, signal?: AbortSignal): Promise<VerifiedPack> {
  const manifest = await readManifest(dir);
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  checkReferences(dir, manifest, listed);

  const bytes = new Map<string, Buffer>();
  for (const entry of manifest.files) {
    throwIfCancelled(signal);
    const abs = path.join(dir, ...entry.path.split('/'));
    const info = await stat(abs).catch(() => undefined);
    if (!info?.isFile()) throw new PackError('pack-missing-file', dir, entry.path, 'the file is missing.');
    await checkInsidePack(dir, entry.path, abs);
    if (info.size !== entry.bytes) {
      const what = info.size < entry.bytes ? 'truncated' : 'longer than listed';
      throw new PackError(
        'pack-corrupt',
        dir,
        entry.path,
        `the file is ${what} (${info.size} bytes, manifest says ${entry.bytes}).`,
      );
    }
    const data = info.size <= IN_MEMORY_LIMIT ? await readFile(abs) : undefined;
    const sha = data ? createHash('sha256').update(data).digest('hex') : await streamSha256(abs, signal);
    if (sha !== entry.sha256) {
      throw new PackError(
        'pack-corrupt',
        dir,
        entry.path,
        'the file is corrupt: its sha256 does not match the manifest.',
      );
    }
    if (data) bytes.set(entry.path, data);
  }
  const listedPath = (relPath: string): string => {
    if (!listed.has(relPath))
      throw new PackError('pack-missing-file', dir, relPath, 'the file is not listed in the manifest.');
    return path.join(dir, ...relPath.split('/'));
  };
  return {
    dir,
    manifest,
    file(relPath: string): Buffer {
      const data = bytes.get(relPath);
      if (data) return data;
      listedPath(relPath);
      throw new PackError(
        'pack-corrupt',
        dir,
        relPath,
        'the file is too large to hold in memory: load it by path.',
      );
    },
    inMemory: (relPath) => bytes.has(relPath),
    path: listedPath,
  };
}

/**
 * A listed file (or a folder on its way) may be a symlink: the manifest's paths cannot climb out of
 * the pack, but a link could, and a pack must never read another folder's files as its own.
 */
async function checkInsidePack(dir: string, relPath: string, abs: string): Promise<void> {
  const [realDir, realFile] = await Promise.all([realpath(dir), realpath(abs)]).catch(() => {
    throw new PackError('pack-missing-file', dir, relPath, 'the file is missing.');
  });
  const rel = path.relative(realDir, realFile);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
    throw new PackError(
      'pack-outside',
      dir,
      relPath,
      'the file is a link to a place outside the pack folder; a pack holds its own files.',
      'Copy the linked file into the pack folder instead of linking to it.',
    );
  }
}

async function readManifest(dir: string): Promise<PackManifest> {
  const manifestPath = path.join(dir, MANIFEST_FILE);
  if ((await stat(manifestPath).catch(() => undefined))?.isFile()) {
    await checkInsidePack(dir, MANIFEST_FILE, manifestPath);
  }
  let text: string;
  try {
    text = await readFile(manifestPath, 'utf8');
  } catch {
    throw new PackError(
      'pack-missing-file',
      dir,
      MANIFEST_FILE,
      'there is no manifest: this folder is not a model pack.',
      'Point the studio at a pack folder made by training/convert_*.py.',
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new PackError(
      'pack-corrupt',
      dir,
      MANIFEST_FILE,
      `the manifest is not valid JSON (${(err as Error).message}).`,
    );
  }
  const parsed = parseMessage(PackManifest, raw);
  if (!parsed.ok) {
    throw new PackError(
      'pack-mismatch',
      dir,
      MANIFEST_FILE,
      `the manifest is not of the pack format: ${parsed.error}.`,
    );
  }
  return parsed.value;
}

function checkReferences(dir: string, manifest: PackManifest, listed: Map<string, { bytes: number }>): void {
  for (const [name, net] of Object.entries(manifest.networks)) {
    if (!listed.has(net.file)) {
      throw new PackError(
        'pack-mismatch',
        dir,
        net.file,
        `network "${name}" refers to a file the manifest does not list.`,
      );
    }
  }
  for (const [name, arr] of Object.entries(manifest.arrays)) {
    const entry = listed.get(arr.file);
    if (!entry) {
      throw new PackError(
        'pack-mismatch',
        dir,
        arr.file,
        `array "${name}" refers to a file the manifest does not list.`,
      );
    }
    const expected = elementCount(arr.shape) * DTYPE_BYTES[arr.dtype];
    if (entry.bytes !== expected) {
      throw new PackError(
        'pack-mismatch',
        dir,
        arr.file,
        `array "${name}" is ${entry.bytes} bytes but ${arr.dtype}[${arr.shape.join('×')}] needs ${expected}.`,
      );
    }
  }
}
