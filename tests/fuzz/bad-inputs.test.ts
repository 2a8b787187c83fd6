/**
 * The CI subset of the fuzz of bad inputs (bench/fuzz.ts runs all of them): about 120 bad photos,
 * packs, protocol messages and damaged job folders, spread over every kind, through the real code paths. Each must be
 * refused with a coded error or accepted with a valid result — never crash, lose data or write
 * outside its folder. Prints the table of counts.
 */
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, test } from 'node:test';
import { allFuzzCases } from './support/all-cases';
import { countTable, failures } from './support/outcome';
import { makeFuzzScratch, pickSpread, runFuzzCases } from './support/run-cases';

/** Packs get a larger share than their part of the full run: that is where the fuzz found escapes. */
const CI_CASES = { image: 35, pack: 35, message: 30, 'job-record': 20 };
const scratch = makeFuzzScratch();
after(async () => rm((await scratch).parent, { recursive: true, force: true }));

test('~120 bad inputs: every one refused clearly or accepted valid; none crashed, lost or escaped', async () => {
  const all = await allFuzzCases(await scratch);
  const symlinks = all.filter((c) => c.family === 'pack' && c.name.includes('symlink'));
  const cases = [...new Set([...pickSpread(all, CI_CASES), ...symlinks])];
  const results = await runFuzzCases(cases, await scratch);
  console.log(`${results.length} of ${all.length} fuzz cases\n${countTable(results)}`);
  for (const family of ['image', 'pack', 'message', 'job-record'] as const) {
    assert.ok(
      results.some((r) => r.family === family),
      `no ${family} cases`,
    );
  }
  // the controls: the valid photo, pack and commands among the cases are accepted
  assert.ok(
    results.some((r) => r.outcome.verdict === 'accepted'),
    'nothing was accepted',
  );
  const bad = failures(results).map(
    (r) => `${r.outcome.verdict}: [${r.family}] ${r.name}: ${r.outcome.detail}`,
  );
  assert.deepEqual(bad, []);
});
