import { createHash } from 'node:crypto';

/** sha256 over the bytes of some float arrays (undefined ones count as absent), hex. */
export function samplingFingerprintOfArrays(arrays: readonly (Float32Array | undefined)[]): string {
  const hash = createHash('sha256');
  for (const a of arrays) {
    hash.update(a ? `${a.length}:` : 'none:');
    if (a) hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return hash.digest('hex');
}
