/** Distance transforms on pixel grids, shared by the masks of the hair, the beard and the skin's outline trust. */

/** In-place chamfer distance (1, √2) (in pixels) from the zero pixels: set the sources to 0 and the rest large. */
export function chamferDistance(d: Float32Array, width: number, height: number): void {
  const a = 1,
    b = Math.SQRT2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      let v = d[p]!;
      if (x > 0) v = Math.min(v, d[p - 1]! + a);
      if (y > 0) {
        v = Math.min(v, d[p - width]! + a);
        if (x > 0) v = Math.min(v, d[p - width - 1]! + b);
        if (x + 1 < width) v = Math.min(v, d[p - width + 1]! + b);
      }
      d[p] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const p = y * width + x;
      let v = d[p]!;
      if (x + 1 < width) v = Math.min(v, d[p + 1]! + a);
      if (y + 1 < height) {
        v = Math.min(v, d[p + width]! + a);
        if (x + 1 < width) v = Math.min(v, d[p + width + 1]! + b);
        if (x > 0) v = Math.min(v, d[p + width - 1]! + b);
      }
      d[p] = v;
    }
  }
}

/** Chamfer distance (pixels) of every pixel to the nearest set pixel of `mask`. */
export function distanceToMask(mask: Uint8Array, width: number, height: number): Float32Array {
  const d = new Float32Array(mask.length);
  for (let p = 0; p < mask.length; p++) d[p] = mask[p] ? 0 : 1e9;
  chamferDistance(d, width, height);
  return d;
}
