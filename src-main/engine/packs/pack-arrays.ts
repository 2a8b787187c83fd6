/** Typed views of a verified pack's raw arrays, with their dtype and shape checked against what the caller needs. */
import { PackError } from './pack-error';
import type { TensorDtype } from './pack-manifest';
import type { VerifiedPack } from './verify-pack';

type ArrayOf<D extends TensorDtype> = D extends 'float32'
  ? Float32Array
  : D extends 'uint32'
    ? Uint32Array
    : Int32Array;

export interface PackArray<D extends TensorDtype> {
  data: ArrayOf<D>;
  shape: number[];
}

/**
 * The array `name` as a fresh typed array (copied, so it is aligned and independent of the file
 * buffer). `shape` may hold -1 for a free dimension; anything else must match exactly.
 */
export function readPackArray<D extends TensorDtype>(
  pack: VerifiedPack,
  name: string,
  dtype: D,
  shape?: readonly number[],
): PackArray<D> {
  const spec = pack.manifest.arrays[name];
  if (!spec) {
    throw new PackError('pack-mismatch', pack.dir, 'manifest.json', `the pack has no array "${name}".`);
  }
  const fits =
    !shape || (shape.length === spec.shape.length && shape.every((s, i) => s === -1 || s === spec.shape[i]));
  if (spec.dtype !== dtype || !fits) {
    const want = shape ? shape.map((s) => (s === -1 ? '*' : s)).join('×') : 'any';
    throw new PackError(
      'pack-mismatch',
      pack.dir,
      spec.file,
      `array "${name}" is ${spec.dtype}[${spec.shape.join('×')}], expected ${dtype}[${want}].`,
    );
  }
  const bytes = pack.file(spec.file);
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  const data = (
    dtype === 'float32'
      ? new Float32Array(copy)
      : dtype === 'uint32'
        ? new Uint32Array(copy)
        : new Int32Array(copy)
  ) as ArrayOf<D>;
  return { data, shape: [...spec.shape] };
}

export function hasPackArray(pack: VerifiedPack, name: string): boolean {
  return name in pack.manifest.arrays;
}
