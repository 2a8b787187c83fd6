/**
 * Sampling the views at a mesh vertex's projection, shared by the photometric refinement and the rim
 * fit: bilinear cells and values (pixel centres at integer coordinates), and how squarely a vertex
 * faces a camera.
 */

/**
 * The bilinear cell of pixel coordinates (centre of pixel (0,0) at (0,0)) in `cell`: top-left pixel
 * index and the four weights (00, 10, 01, 11); false off the image.
 */
export function bilinearCell(
  u: number,
  v: number,
  width: number,
  height: number,
  cell: Float64Array,
): boolean {
  if (!(u >= 0 && v >= 0 && u <= width - 1 && v <= height - 1)) return false;
  const x0 = Math.min(width - 2, Math.floor(u));
  const y0 = Math.min(height - 2, Math.floor(v));
  const fx = u - x0;
  const fy = v - y0;
  cell[0] = y0 * width + x0;
  cell[1] = (1 - fx) * (1 - fy);
  cell[2] = fx * (1 - fy);
  cell[3] = (1 - fx) * fy;
  cell[4] = fx * fy;
  return true;
}
const CELL = new Float64Array(5);

/** Bilinear value of a width × height float image at pixel coordinates; 0 off the image. */
export function bilinearValue(
  img: Float32Array,
  width: number,
  height: number,
  u: number,
  v: number,
): number {
  if (!bilinearCell(u, v, width, height, CELL)) return 0;
  const p = CELL[0]!;
  return (
    CELL[1]! * img[p]! + CELL[2]! * img[p + 1]! + CELL[3]! * img[p + width]! + CELL[4]! * img[p + width + 1]!
  );
}

/** cos of the angle between vertex v's normal and the direction from it to a camera centre. */
export function cosToCamera(
  positions: Float32Array,
  normals: Float32Array,
  v: number,
  centre: readonly [number, number, number],
): number {
  const dx = centre[0] - positions[v * 3]!;
  const dy = centre[1] - positions[v * 3 + 1]!;
  const dz = centre[2] - positions[v * 3 + 2]!;
  return (
    (normals[v * 3]! * dx + normals[v * 3 + 1]! * dy + normals[v * 3 + 2]! * dz) / Math.hypot(dx, dy, dz)
  );
}

/** A view's 8-bit mask as 0/1 coverage (a plain loop: TypedArray.from with a map is ~30× slower). */
export function maskCoverage(mask: Uint8Array): Float32Array {
  const out = new Float32Array(mask.length);
  for (let p = 0; p < mask.length; p++) out[p] = mask[p]! > 127 ? 1 : 0;
  return out;
}
