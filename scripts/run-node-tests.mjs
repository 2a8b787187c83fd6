/**
 * Every Node test file, two at a time, the longest first:
 * `node --import tsx scripts/run-node-tests.mjs`.
 * `node --test` sorts the files it is given, which on this 2-core machine left the two turntable files
 * (the longest) to the end, one core idle while the last ran; node:test's run() keeps the order it is
 * given. TAP on stdout, as `node --test` prints it; exit code 1 when a test fails.
 * GEN3D_TEST_CONCURRENCY changes how many files run at once.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';

/**
 * Files that take a minute or more on this machine (CI of 55ce2b0), longest first; the rest follow in
 * name order. A file missing here only starts later.
 */
const LONGEST_FIRST = [
  'tests/turntable/turntable-more-photos.test.ts',
  'tests/cli/cli.test.ts',
  'tests/estimate/estimator-shapes-head.test.ts',
  'tests/renderer/studio.test.ts',
  'tests/turntable/turntable.test.ts',
  'tests/renderer/studio-regenerate.test.ts',
  'tests/renderer/studio-import.test.ts',
  'tests/farm/farm.test.ts',
  'tests/renderer/studio-export.test.ts',
  'tests/renderer/studio-viewport.test.ts',
  'tests/diffusion/shipped-pack.test.ts',
  'tests/host/kill-resume.test.ts',
  'tests/diffusion/cli.test.ts',
];

function testFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : testFiles(file);
    return entry.name.endsWith('.test.ts') ? [file] : [];
  });
}

const all = testFiles('tests').sort();
const first = LONGEST_FIRST.filter((f) => all.includes(f));
const files = [...first, ...all.filter((f) => !first.includes(f))];
const concurrency = Number(process.env.GEN3D_TEST_CONCURRENCY ?? 2);

const stream = run({ files, concurrency });
stream.on('test:fail', () => {
  process.exitCode = 1;
});
stream.compose(tap).pipe(process.stdout);
