import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLogWriter, logLineFor, readLogTail } from '../../src-main/host/studio-log';
import { scratchDir } from '../support/scratch-dir';

const at = new Date('2026-12-02T10:00:00.000Z');

test('log lines: errors, crashes and job ends, one line each; progress and artifacts are not logged', () => {
  assert.equal(
    logLineFor(
      {
        type: 'error',
        jobId: 'j1',
        stage: 'estimate',
        error: { code: 'no-face', message: 'No face\nat all' },
      },
      at,
    ),
    '2026-12-02T10:00:00.000Z error job j1 estimate: no-face: No face | at all',
  );
  assert.equal(
    logLineFor({ type: 'engineExited', code: null, signal: 'SIGKILL', willRestart: true }, at),
    '2026-12-02T10:00:00.000Z warn  engine exited (code null, signal SIGKILL); restarting',
  );
  assert.match(
    logLineFor({ type: 'engineExited', code: 0, signal: null, willRestart: false }, at)!,
    /info +engine stopped$/,
  );
  assert.match(
    logLineFor({ type: 'stageDone', jobId: 'j1', stage: 'segment', ms: 12 }, at)!,
    /job j1 segment done in 12 ms/,
  );
  assert.equal(
    logLineFor({ type: 'progress', jobId: 'j1', stage: 'segment', step: 1, total: 2 }, at),
    undefined,
  );
});

test('the log keeps its order, rotates past 1 MB, and its tail is whole lines', async () => {
  const dir = await scratchDir('log');
  const path = join(dir, 'sub', 'gen3dface.log');
  assert.deepEqual(await readLogTail(path, 5), [], 'no log yet');
  const log = createLogWriter(path);
  const line = (i: number): string => `line ${String(i).padStart(5, '0')} ${'x'.repeat(100)}`;
  for (let i = 0; i < 12_000; i++) log.write(line(i)); // about 1.3 MB
  log.write('last');
  await log.flushed();
  assert.deepEqual((await readdir(join(dir, 'sub'))).sort(), ['gen3dface.log', 'gen3dface.log.1']);
  assert.ok((await stat(path)).size < 1024 * 1024);
  const tail = await readLogTail(path, 3);
  assert.deepEqual(tail, [line(11_998), line(11_999), 'last']);
  const many = await readLogTail(path, 100_000); // more than the tail holds: the cut first line is dropped
  assert.ok(many.every((l) => l === 'last' || /^line \d{5} x{100}$/.test(l)));
  const whole = (await readFile(`${path}.1`, 'utf8')).split('\n').filter(Boolean);
  assert.equal(whole[0], line(0));
  await writeFile(path, 'a\nb\n');
  assert.deepEqual(await readLogTail(path, 0), []);
});
