import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where user-added model packs live (RingNet, DECA, MICA…); the host sets GEN3D_PACKS_DIR. */
export function packsDir(): string {
  return process.env.GEN3D_PACKS_DIR ?? join(homedir(), '.gen3dface', 'packs');
}
