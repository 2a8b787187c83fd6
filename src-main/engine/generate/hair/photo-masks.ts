/**
 * Operations on 0/1 masks at the photo's size (one byte per pixel), shared by the hair and beard
 * segmentations: a polygon's inside, connected components, enclosed holes.
 */
import { distanceToMask } from '../../image/chamfer-distance';

/** 1 where any of the masks (one size; an absent one counts as empty) is set. */
export function maskUnion(first: Uint8Array, ...rest: (Uint8Array | undefined)[]): Uint8Array {
  const out = Uint8Array.from(first);
  // plain loops: TypedArray.from with a map function is ~30× slower on a photo's million pixels
  for (const mask of rest) if (mask) for (let p = 0; p < out.length; p++) out[p] = out[p]! | mask[p]!;
  return out;
}

/** Inside-polygon mask (even-odd rule, pixel centres). */
export function polygonMask(poly: [number, number][], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    const xs: number[] = [];
    for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      const [xi, yi] = poly[i]!;
      const [xj, yj] = poly[j]!;
      if (yi > cy !== yj > cy) xs.push(((xj - xi) * (cy - yi)) / (yj - yi) + xi);
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const x0 = Math.max(0, Math.ceil(xs[k]! - 0.5));
      const x1 = Math.min(width - 1, Math.floor(xs[k + 1]! - 0.5));
      for (let x = x0; x <= x1; x++) mask[y * width + x] = 1;
    }
  }
  return mask;
}

/** The 4-connected components of `mask` that contain at least one pixel where `seed` holds. */
export function keepComponentsTouching(
  mask: Uint8Array,
  width: number,
  height: number,
  seed: (p: number) => boolean,
): Uint8Array {
  const out = new Uint8Array(mask.length);
  const label = new Int32Array(mask.length).fill(-1);
  const stack: number[] = [];
  let next = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || label[start]! >= 0) continue;
    const members: number[] = [];
    let touches = false;
    stack.push(start);
    label[start] = next;
    while (stack.length > 0) {
      const p = stack.pop()!;
      members.push(p);
      if (seed(p)) touches = true;
      const x = p % width,
        y = (p - x) / width;
      for (const q of [
        x > 0 ? p - 1 : -1,
        x < width - 1 ? p + 1 : -1,
        y > 0 ? p - width : -1,
        y < height - 1 ? p + width : -1,
      ]) {
        if (q >= 0 && mask[q] && label[q]! < 0) {
          label[q] = next;
          stack.push(q);
        }
      }
    }
    if (touches) for (const p of members) out[p] = 1;
    next++;
  }
  return out;
}

/**
 * Highlights and partings inside the hair read as skin-coloured specks: enclosed non-hair regions
 * (off the face, smaller than `maxArea` pixels) become hair.
 */
export function fillHoles(
  hair: Uint8Array,
  face: Uint8Array,
  width: number,
  height: number,
  maxArea: number,
): void {
  const seen = new Uint8Array(hair.length);
  const stack: number[] = [];
  for (let start = 0; start < hair.length; start++) {
    if (hair[start] || seen[start]) continue;
    const members: number[] = [];
    let open = false;
    stack.push(start);
    seen[start] = 1;
    while (stack.length > 0) {
      const p = stack.pop()!;
      members.push(p);
      if (face[p]) open = true;
      const x = p % width,
        y = (p - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) open = true;
      for (const q of [
        x > 0 ? p - 1 : -1,
        x < width - 1 ? p + 1 : -1,
        y > 0 ? p - width : -1,
        y < height - 1 ? p + width : -1,
      ]) {
        if (q >= 0 && !hair[q] && !seen[q]) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    if (!open && members.length <= maxArea) for (const p of members) hair[p] = 1;
  }
}

/** The indices of the set pixels. */
export function indicesOf(mask: Uint8Array): number[] {
  const out: number[] = [];
  for (let p = 0; p < mask.length; p++) if (mask[p]) out.push(p);
  return out;
}

/** Morphological opening by a disc of `radius` pixels (two distance transforms): strips thinner than 2 × radius go. */
export function openMask(mask: Uint8Array, radius: number, width: number, height: number): Uint8Array {
  const outside = new Uint8Array(mask.length);
  for (let p = 0; p < mask.length; p++) outside[p] = mask[p] ? 0 : 1;
  const toOutside = distanceToMask(outside, width, height);
  const core = outside; // reused: 1 where the disc fits inside the mask
  for (let p = 0; p < mask.length; p++) core[p] = toOutside[p]! > radius ? 1 : 0;
  const nearCore = distanceToMask(core, width, height);
  const out = new Uint8Array(mask.length);
  for (let p = 0; p < mask.length; p++) out[p] = mask[p] && nearCore[p]! <= radius ? 1 : 0;
  return out;
}
