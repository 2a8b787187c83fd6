import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where user-added model packs live (RingNet, DECA, MICA…); the host sets GEN3D_PACKS_DIR. */
export function packsDir(): string {
  return process.env.GEN3D_PACKS_DIR ?? join(homedir(), '.gen3dface', 'packs');
}

/**
 * Packs that ship with the app (resources/packs/: the trained default diffusion pack): beside the
 * installed app when the host says where (GEN3D_RESOURCES_DIR), else in the source checkout.
 */
export function embeddedPacksDir(): string {
  const resources = process.env.GEN3D_RESOURCES_DIR;
  if (resources) return join(resources, 'packs');
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../resources/packs');
}
