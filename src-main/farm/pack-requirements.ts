/**
 * Which model packs a job needs, by id and version, read from the packs' manifests — and whether a
 * worker holds exactly those. A worker with another version would make a different head, so it
 * refuses the job with that reason. Reads manifests only (the engine verifies the files at load).
 */
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EstimatorId } from '../shared/protocol';
import type { PackRequirement } from './farm-queue';

interface ManifestHead {
  id?: unknown;
  version?: unknown;
  estimator?: unknown;
}

/** The packs folder the engine uses (engine/pipeline/packs-dir.ts) unless one is given. */
export function defaultPacksDir(): string {
  return process.env.GEN3D_PACKS_DIR ?? join(homedir(), '.gen3dface', 'packs');
}

async function readManifests(packsDir: string): Promise<{ dir: string; manifest: ManifestHead }[]> {
  const entries = await readdir(packsDir, { withFileTypes: true }).catch(() => []);
  const found: { dir: string; manifest: ManifestHead }[] = [];
  for (const e of entries.filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    try {
      const manifest = JSON.parse(
        await readFile(join(packsDir, e.name, 'manifest.json'), 'utf8'),
      ) as ManifestHead;
      found.push({ dir: e.name, manifest });
    } catch {
      // not a pack
    }
  }
  return found;
}

/** The packs a job with this estimator needs (none for the built-in one), as the engine finds them. */
export async function packsForEstimator(
  packsDir: string,
  estimator: EstimatorId,
): Promise<PackRequirement[]> {
  if (estimator === 'builtin') return [];
  const manifests = await readManifests(packsDir);
  const pack =
    manifests.find((m) => m.dir === estimator) ?? manifests.find((m) => m.manifest.estimator === estimator);
  if (!pack || typeof pack.manifest.id !== 'string' || typeof pack.manifest.version !== 'string')
    throw new Error(
      `no ${estimator} model pack in ${packsDir}: the farm's jobs name the pack version they need`,
    );
  return [{ id: pack.manifest.id, version: pack.manifest.version }];
}

/** Why this worker cannot run a job needing `required`, or undefined when it holds every pack. */
export async function missingPacks(
  packsDir: string,
  required: PackRequirement[],
): Promise<string | undefined> {
  if (required.length === 0) return undefined;
  const manifests = await readManifests(packsDir);
  const problems: string[] = [];
  for (const req of required) {
    const held = manifests.filter((m) => m.manifest.id === req.id).map((m) => String(m.manifest.version));
    if (held.length === 0) problems.push(`no pack "${req.id}" (the job needs version ${req.version})`);
    else if (!held.includes(req.version))
      problems.push(`pack "${req.id}" is version ${held.join(', ')}, the job needs ${req.version}`);
  }
  return problems.length > 0 ? `this worker (packs in ${packsDir}) has ${problems.join('; ')}` : undefined;
}
