/**
 * Relief of tightly curled (afro-textured) hair: rounded clumps of irregular size and placement.
 * A product of sines over the polar angles gave a regular egg-crate that pinched at the crown; this is
 * "billow" noise (1 − |value noise|, two octaves) over the 3-D direction, so it has no poles and no
 * lattice a viewer can follow round the head. Deterministic: same direction, same relief.
 */
import { valueNoise3 } from '../../geometry/value-noise';

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
