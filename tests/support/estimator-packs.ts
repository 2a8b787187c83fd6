/**
 * Estimator pack folders that cannot work, for the studio's availability and switch tests: real pack
 * folders as a user might leave them, no stand-in for the engine that reads them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Four bytes whose listed sha256 is wrong: passes the quick check (sizes), fails verification. */
export async function writeCorruptEstimatorPack(packsDir: string, estimator: string): Promise<string> {
  return writePack(packsDir, estimator, { write: true });
}

/** A manifest whose one file was never copied. */
export async function writeIncompleteEstimatorPack(packsDir: string, estimator: string): Promise<string> {
  return writePack(packsDir, estimator, { write: false });
}

async function writePack(
  packsDir: string,
  estimator: string,
  { write }: { write: boolean },
): Promise<string> {
  const dir = join(packsDir, estimator);
  await mkdir(dir, { recursive: true });
  const manifest = {
    manifestVersion: 1,
    id: estimator,
    kind: 'estimate',
    version: '0',
    license: 'test',
    estimator,
    files: [{ path: 'estimator.onnx', bytes: 4, sha256: '0'.repeat(64) }],
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
  if (write) await writeFile(join(dir, 'estimator.onnx'), new Uint8Array([1, 2, 3, 4]));
  return dir;
}
