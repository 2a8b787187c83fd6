/**
 * Seeded 3-D value noise (a smooth interpolation of hashed lattice values): detail evaluated at surface
 * points, so it continues across UV seams — the hair's curl relief and the synthetic skin's pores,
 * mottling and freckles (training/data).
 */
/** Integer lattice hash → [-1, 1). */
function latticeValue(ix: number, iy: number, iz: number, seed: number): number {
  let h = Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1) ^ Math.imul(iz, 0x61c88647) ^ seed;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2147483648 - 1;
}

function fade(t: number): number {
  return t * t * t * (t * (t * 6 - 15) + 10);
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/** Smooth value noise in [-1, 1] at a 3-D point; another `seed`, another field (0: the hair's curls). */
export function valueNoise3(x: number, y: number, z: number, seed = 0): number {
  const ix = Math.floor(x),
    iy = Math.floor(y),
    iz = Math.floor(z);
  const u = fade(x - ix),
    v = fade(y - iy),
    w = fade(z - iz);
  const x0 = lerp(latticeValue(ix, iy, iz, seed), latticeValue(ix + 1, iy, iz, seed), u);
  const x1 = lerp(latticeValue(ix, iy + 1, iz, seed), latticeValue(ix + 1, iy + 1, iz, seed), u);
  const x2 = lerp(latticeValue(ix, iy, iz + 1, seed), latticeValue(ix + 1, iy, iz + 1, seed), u);
  const x3 = lerp(latticeValue(ix, iy + 1, iz + 1, seed), latticeValue(ix + 1, iy + 1, iz + 1, seed), u);
  return lerp(lerp(x0, x1, v), lerp(x2, x3, v), w);
}
