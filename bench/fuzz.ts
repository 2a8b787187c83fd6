/**
 * The full fuzz of bad inputs (issue 13): every generated bad photo, pack and protocol message through
 * the real code that handles it, then the table of counts and every case that crashed, lost data or
 * escaped its folder. `npx tsx bench/fuzz.ts [seed] [--list]` (--list: every case's outcome); exits 1
 * if any did. The CI subset is
 * tests/fuzz/bad-inputs.test.ts.
 */
import { rm } from 'node:fs/promises';
import { allFuzzCases, FUZZ_SEED } from '../tests/fuzz/support/all-cases';
import { countTable, failures } from '../tests/fuzz/support/outcome';
import { makeFuzzScratch, runFuzzCases } from '../tests/fuzz/support/run-cases';

const args = process.argv.slice(2);
const seed = Number(args.find((a) => /^\d+$/.test(a)) ?? FUZZ_SEED);
const listAll = args.includes('--list');
const scratch = await makeFuzzScratch();
try {
  const cases = await allFuzzCases(scratch, seed);
  const started = performance.now();
  const results = await runFuzzCases(cases, scratch);
  const seconds = (performance.now() - started) / 1000;
  console.log(`fuzz of bad inputs, seed ${seed}: ${results.length} cases in ${seconds.toFixed(1)} s\n`);
  console.log(countTable(results));
  const bad = failures(results);
  if (listAll)
    for (const r of results)
      console.log(`${r.outcome.verdict}: [${r.family}] ${r.name}: ${r.outcome.detail}`);
  for (const r of bad) console.log(`${r.outcome.verdict}: [${r.family}] ${r.name}: ${r.outcome.detail}`);
  const slowest = [...results].sort((a, b) => b.ms - a.ms)[0];
  if (slowest)
    console.log(`\nslowest case: [${slowest.family}] ${slowest.name}, ${slowest.ms.toFixed(0)} ms`);
  process.exitCode = bad.length > 0 ? 1 : 0;
} finally {
  await rm(scratch.parent, { recursive: true, force: true });
}
