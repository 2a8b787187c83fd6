/**
 * No seam where the hair's projected photo meets its synthesised part: a synthetic atlas whose photo
 * region (bright, fine grain) and synthesis (darker, strands along v) differ by 80/255 in mean, joined
 * by the hair bake's own join (multi-band, shared with the skin). The seam measure (atlas-seam.ts)
 * must see the hard switch as a seam and the join as none. A second of CPU.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinProjectedAndSynthesised } from '../../src-main/engine/generate/hair/bake-hair-texture';
import { measureSeam } from '../../src-main/engine/generate/prior-projection/atlas-seam';
import { spreadKnown } from '../../src-main/engine/generate/prior-projection/multiband-blend';

const SIZE = 256;
/**
 * Gradient at the boundary over the gradient inside either region, and the colour step across it
 * (/255). A hard switch scores ~24 and ~80 here; the join spreads the 80/255 difference over ~16
 * texels (2.9 and 11): a ramp, not a seam (the real bake's synthesis takes the photo's colour, so
 * its difference is far smaller: ratios 1.0–1.2 on the sample photos, bench/hair-texture.ts).
 */
const MAX_RATIO = 4;
const MAX_STEP = 16;

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function syntheticAtlas(): { photo: Uint8Array; seen: Float32Array; synthesised: Float32Array } {
  const rnd = random(7);
  const n = SIZE * SIZE;
  const photo = new Uint8Array(n * 4);
  const seen = new Float32Array(n);
  const synthesised = new Float32Array(n * 3);
  // Strands: one random offset per column, smoothed down v.
  const column = Array.from({ length: SIZE }, () => (rnd() - 0.5) * 24);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const p = y * SIZE + x;
      // A photo region with a jagged edge (as a segmentation mask's), binary like an eroded mask.
      const inside =
        Math.abs(x - 128) < 60 + 6 * Math.sin(y / 5) && Math.abs(y - 120) < 70 + 5 * Math.sin(x / 3);
      seen[p] = inside ? 1 : 0;
      const grain = (rnd() - 0.5) * 16;
      for (let k = 0; k < 3; k++) {
        photo[p * 4 + k] = inside ? Math.round(170 - 10 * k + grain) : 0;
        synthesised[p * 3 + k] = 90 - 10 * k + column[x]! + (rnd() - 0.5) * 6;
      }
      photo[p * 4 + 3] = 255;
    }
  }
  return { photo, seen, synthesised };
}

test('the hair join leaves no seam where a photo region of another colour meets the synthesis', async () => {
  const { photo, seen, synthesised } = syntheticAtlas();
  // A hard switch between the two: the measure must call it a seam.
  const hard = new Uint8Array(SIZE * SIZE * 4);
  for (let p = 0; p < SIZE * SIZE; p++)
    for (let k = 0; k < 4; k++)
      hard[p * 4 + k] = seen[p]! ? photo[p * 4 + k]! : k === 3 ? 255 : Math.round(synthesised[p * 3 + k]!);
  const before = measureSeam(hard, 4, seen, SIZE);
  assert.ok(
    before.ratio > 3 * MAX_RATIO && before.meanStep > 3 * MAX_STEP,
    `hard switch not measured as a seam: ${JSON.stringify(before)}`,
  );

  const joined = await joinProjectedAndSynthesised(photo, seen, synthesised, SIZE);
  const after = measureSeam(joined, 4, seen, SIZE);
  console.log(
    `seam: hard switch ratio ${before.ratio.toFixed(2)} step ${before.meanStep.toFixed(1)}; ` +
      `joined ratio ${after.ratio.toFixed(2)} step ${after.meanStep.toFixed(1)}`,
  );
  assert.ok(after.ratio < MAX_RATIO, `a seam: boundary gradient ${after.ratio.toFixed(2)}× the inside's`);
  assert.ok(after.meanStep < MAX_STEP, `a seam: colour step ${after.meanStep.toFixed(1)}/255 across it`);

  // The photo is kept where it is seen (not washed out by the synthesis), and the synthesis far off.
  const mean = (x0: number, y0: number, side: number) => {
    let s = 0;
    for (let y = y0; y < y0 + side; y++)
      for (let x = x0; x < x0 + side; x++) s += joined[(y * SIZE + x) * 4]!;
    return s / (side * side);
  };
  assert.ok(Math.abs(mean(108, 100, 40) - 170) < 6, `photo centre ${mean(108, 100, 40).toFixed(1)} ≠ 170`);
  assert.ok(Math.abs(mean(0, 220, 30) - 90) < 8, `far synthesis ${mean(0, 220, 30).toFixed(1)} ≠ 90`);
});

test('the colour spread from known texels is smooth (no rounding streaks) and reaches far', () => {
  const n = SIZE * SIZE;
  const rgb = new Float32Array(n * 3);
  const weight = new Float32Array(n);
  for (let y = 100; y < 140; y++)
    for (let x = 100; x < 140; x++) {
      const p = y * SIZE + x;
      weight[p] = 0.3; // a weak photo weight: small products, where 8-bit blurs round to streaks
      rgb.set([200, 150, 100], p * 3);
    }
  const spread = spreadKnown(rgb, weight, SIZE, SIZE, 4);
  // Far (40 texels) below the known block the colour is still the block's, and rows do not alternate.
  let maxRowJump = 0;
  for (let y = 150; y < 185; y++) {
    const a = spread.rgb[(y * SIZE + 120) * 3]!,
      b = spread.rgb[((y + 1) * SIZE + 120) * 3]!;
    assert.ok(Math.abs(a - 200) < 1, `row ${y}: ${a.toFixed(2)}`);
    maxRowJump = Math.max(maxRowJump, Math.abs(a - b));
  }
  assert.ok(maxRowJump < 0.5, `rows differ by ${maxRowJump}`);
});
