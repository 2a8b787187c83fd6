/**
 * Relief of tightly curled (afro-textured) hair: rounded clumps of irregular size and placement.
 * A product of sines over the polar angles gave a regular egg-crate that pinched at the crown; this is
 * "billow" noise (1 − |value noise|, two octaves) over the 3-D direction, so it has no poles and no
 * lattice a viewer can follow round the head. Deterministic: same direction, same relief.
 */

/** Integer lattice hash → [-1, 1). */
function latticeValue(ix: number, iy: number, iz: number): number {
  let h = Math.imul(ix, 0x27d4eb2d) ^ Math.imul(iy, 0x165667b1) ^ Math.imul(iz, 0x61c88647);
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

/** Smooth value noise in [-1, 1] at a 3-D point. */
export function valueNoise3(x: number, y: number, z: number): number {
  const ix = Math.floor(x),
    iy = Math.floor(y),
    iz = Math.floor(z);
  const u = fade(x - ix),
    v = fade(y - iy),
    w = fade(z - iz);
  const x0 = lerp(latticeValue(ix, iy, iz), latticeValue(ix + 1, iy, iz), u);
  const x1 = lerp(latticeValue(ix, iy + 1, iz), latticeValue(ix + 1, iy + 1, iz), u);
  const x2 = lerp(latticeValue(ix, iy, iz + 1), latticeValue(ix + 1, iy, iz + 1), u);
  const x3 = lerp(latticeValue(ix, iy + 1, iz + 1), latticeValue(ix + 1, iy + 1, iz + 1), u);
  return lerp(lerp(x0, x1, v), lerp(x2, x3, v), w);
}

/** Clumps about 2.5 cm across on a 10 cm head radius: the lattice spacing on the unit sphere. */
const CLUMP_FREQUENCY = 9;

/**
 * Relief in [-1, 1] for a unit direction: positive on a clump's crown, negative in the creases
 * between clumps (billows are round on top and sharp underneath, like curls).
 */
export function curlRelief(d: readonly [number, number, number] | readonly number[]): number {
  const f = CLUMP_FREQUENCY;
  // Offsets keep the two octaves' lattices from lining up.
  const coarse = 1 - Math.abs(valueNoise3(d[0]! * f + 17.3, d[1]! * f + 5.1, d[2]! * f - 8.7));
  const fine =
    1 - Math.abs(valueNoise3(d[0]! * f * 1.6 - 3.9, d[1]! * f * 1.6 + 11.2, d[2]! * f * 1.6 + 2.6));
  const billow = 0.75 * coarse + 0.25 * fine; // mean ≈ 0.665 on the sphere
  return Math.max(-1, Math.min(1, (billow - 0.665) * 2.6));
}
