/**
 * The gallery's time-left estimate (src-renderer/stores/time-left.ts): nothing until two finished
 * steps give a pace, then the pace times the steps to go; repeated reports of a step do not move it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addStepSample,
  timeLeftMs,
  timeLeftText,
  type StepSample,
} from '../../src-renderer/stores/time-left';

const feed = (reports: [step: number, at: number][], total = 10): StepSample[] =>
  reports.reduce<StepSample[]>((samples, [step, at]) => addStepSample(samples, { step, total, at }), []);

test('says nothing until two finished steps', () => {
  assert.equal(timeLeftText([]), undefined);
  assert.equal(timeLeftText(feed([[0, 0]])), undefined);
  assert.equal(
    timeLeftText(
      feed([
        [0, 0],
        [1, 5000],
      ]),
    ),
    undefined,
    'step 0 (loading) gives no pace',
  );
  assert.equal(
    timeLeftText(
      feed([
        [1, 5000],
        [1, 9000],
      ]),
    ),
    undefined,
    'one step reported twice',
  );
});

test('the pace of the steps seen times the steps to go', () => {
  const samples = feed([
    [0, 0],
    [1, 10_000],
    [2, 12_000],
    [3, 14_000],
  ]);
  assert.equal(timeLeftMs(samples), 7 * 2000);
  assert.equal(timeLeftText(samples), 'about 14 s left');
  assert.equal(
    timeLeftText(
      feed([
        [1, 0],
        [2, 30_000],
      ]),
    ),
    'about 4 min left',
  );
  assert.equal(
    timeLeftText(
      feed([
        [1, 0],
        [2, 25_000],
      ]),
    ),
    'about 3 min 20 s left',
  );
  assert.equal(
    timeLeftText(
      feed([
        [9, 0],
        [10, 1000],
      ]),
    ),
    'finishing',
  );
});

test('a repeated step keeps its first time; a step back or another total starts afresh', () => {
  const samples = feed([
    [1, 0],
    [2, 1000],
    [2, 5000],
  ]);
  assert.deepEqual(
    samples.map((s) => s.at),
    [0, 1000],
  );
  assert.equal(addStepSample(samples, { step: 1, total: 10, at: 9000 }).length, 1);
  assert.equal(addStepSample(samples, { step: 3, total: 20, at: 9000 }).length, 1);
});
