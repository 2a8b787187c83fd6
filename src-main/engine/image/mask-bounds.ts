/** Bounding box of the non-zero pixels of a mask (inclusive corners), or null when there are none. */
export function maskBounds(
  mask: ArrayLike<number>,
  width: number,
  height: number,
): { x0: number; y0: number; x1: number; y1: number } | null {
  let x0 = width,
    y0 = height,
    x1 = -1,
    y1 = -1;
  for (let p = 0; p < width * height; p++) {
    if (!mask[p]) continue;
    const x = p % width,
      y = (p - x) / width;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  return x1 < 0 ? null : { x0, y0, x1, y1 };
}
