/**
 * Finds and verifies a multi-view diffusion pack: by folder, by id in the packs folder, or the first
 * diffusion pack there. Everything is checked (manifest schema with the diffusion block, every file's
 * size and sha256) before any network is loaded, so a bad pack never half-loads.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { PackError } from '../../packs/pack-error';
import {
  DIFFUSION_ROLE,
  rigGroups,
  type CameraRig,
  type DiffusionSpec,
} from '../../packs/diffusion-manifest';
import { MANIFEST_FILE } from '../../packs/pack-manifest';
import { verifyPack, type VerifiedPack } from '../../packs/verify-pack';
import { StageError } from '../../stage-error';

export interface DiffusionPack {
  pack: VerifiedPack;
  rig: CameraRig;
  spec: DiffusionSpec;
  /** View size S in pixels. */
  resolution: number;
  groups: number[][];
}

/**
 * The pack a job asks for: a folder, or a pack id (or, with none asked for, the first diffusion pack)
 * in the user's packs folder, then in the packs shipped with the app — a user's pack wins over the
 * embedded default.
 */
export async function findDiffusionPack(
  packsDir: string,
  ref: string | undefined,
  embeddedDir?: string,
): Promise<string> {
  if (ref && (await isPackDir(ref))) return path.resolve(ref);
  for (const dir of embeddedDir ? [packsDir, embeddedDir] : [packsDir]) {
    if (ref && (await isPackDir(path.join(dir, ref)))) return path.join(dir, ref);
    const found = await diffusionPackIn(dir, ref);
    if (found) return found;
  }
  throw new StageError(
    'pack-not-installed',
    ref
      ? `No diffusion pack "${ref}" (neither a pack folder nor a pack id in ${packsDir}).`
      : `No multi-view diffusion pack in ${packsDir}.`,
    'Give --pack <folder> of a pack exported by training/mvdiffusion, or use --generator projection.',
  );
}

async function diffusionPackIn(packsDir: string, ref: string | undefined): Promise<string | undefined> {
  const entries = await readdir(packsDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries.filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(packsDir, e.name);
    const manifest = await readFile(path.join(dir, MANIFEST_FILE), 'utf8')
      .then((t) => JSON.parse(t) as { id?: unknown; role?: unknown })
      .catch(() => undefined);
    if (!manifest) continue;
    if (ref ? manifest.id === ref : manifest.role === DIFFUSION_ROLE) return dir;
  }
  return undefined;
}

async function isPackDir(dir: string): Promise<boolean> {
  return (await stat(path.join(dir, MANIFEST_FILE)).catch(() => undefined))?.isFile() ?? false;
}

export async function loadDiffusionPack(dir: string, signal?: AbortSignal): Promise<DiffusionPack> {
  const pack = await verifyPack(dir, signal);
  const m = pack.manifest;
  if (m.role !== DIFFUSION_ROLE || !m.diffusion || !m.rig || !m.resolution) {
    throw new PackError(
      'pack-mismatch',
      dir,
      MANIFEST_FILE,
      `this is a ${m.kind} pack${m.role ? ` for "${m.role}"` : ''}, not a ${DIFFUSION_ROLE} pack.`,
      'Give --pack a pack exported by training/mvdiffusion (docs/multiview-diffusion.md).',
    );
  }
  if (m.diffusion.meshTransform) {
    throw new PackError(
      'pack-unsupported',
      dir,
      MANIFEST_FILE,
      'this pack wants the prior in FLAME coordinates through its diffusion.meshTransform (a converted Morphable Diffusion pack); the engine does not map the prior that way yet.',
      'Use a pack exported by training/mvdiffusion for the studio head (docs/multiview-diffusion.md).',
    );
  }
  return { pack, rig: m.rig, spec: m.diffusion, resolution: m.resolution, groups: rigGroups(m.rig) };
}
