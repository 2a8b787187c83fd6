/** NumPy .npy (format 1.0) of a typed array: what the PyTorch side reads without any image library. */
const DTYPE = { float32: '<f4', uint8: '|u1' } as const;

export function npyBytes(array: Float32Array | Uint8Array, shape: readonly number[]): Buffer {
  const descr = array instanceof Float32Array ? DTYPE.float32 : DTYPE.uint8;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of 64, ending in \n
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    head,
    Buffer.from(header, 'latin1'),
    Buffer.from(array.buffer, array.byteOffset, array.byteLength),
  ]);
}
