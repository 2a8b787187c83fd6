/** The import queue's rules, the crop box's geometry and the shortcut lookup: pure renderer modules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  clearFinished,
  emptyQueue,
  enqueue,
  forgetDeletedJobs,
  markJobEnded,
  markRefused,
  markRunning,
  markStarting,
  nextToStart,
  removeWaiting,
  type ImportQueue,
} from '../../src-renderer/import/import-queue-model';
import {
  boxAfterKey,
  initialCropBox,
  minSideOnPhoto,
  toOriginalCrop,
} from '../../src-renderer/import/crop-geometry';
import { neighbourJob, shortcutFor } from '../../src-renderer/import/keyboard-shortcuts';
import { recentPhotos } from '../../src-renderer/import/recent-photos';
import type { JobRecord } from '../../src-main/shared/protocol';

const bytes = (n: number) => ({ kind: 'bytes' as const, bytes: new Uint8Array(n) });
const states = (q: ImportQueue) => q.items.map((i) => `${i.name}:${i.state}`).join(' ');

describe('import queue', () => {
  it('starts photos one after another, never two at once', () => {
    let q = enqueue(emptyQueue(), [
      { name: 'a.png', source: bytes(1) },
      { name: 'b.png', source: bytes(2) },
      { name: 'c.png', source: { kind: 'path', path: '/photos/c.jpg' } },
    ]);
    assert.equal(states(q), 'a.png:waiting b.png:waiting c.png:waiting');
    const first = nextToStart(q, false);
    assert.equal(first?.name, 'a.png');
    q = markStarting(q, first!.id);
    assert.equal(nextToStart(q, false), undefined, 'nothing else starts while one is starting');
    q = markRunning(q, first!.id, 'job-a');
    assert.equal(nextToStart(q, false), undefined, 'nor while it runs');
    q = markJobEnded(q, 'job-a', { ok: false, error: 'No face was found in the photo.' });
    assert.equal(states(q), 'a.png:failed b.png:waiting c.png:waiting');
    assert.equal(q.items[0]!.error, 'No face was found in the photo.');
    // a failure does not stop the queue
    const second = nextToStart(q, false);
    assert.equal(second?.name, 'b.png');
    assert.equal(nextToStart(q, true), undefined, 'another job running in the backend: wait');
    q = markRunning(markStarting(q, second!.id), second!.id, 'job-b');
    q = markJobEnded(q, 'job-other', { ok: true });
    assert.equal(states(q), 'a.png:failed b.png:running c.png:waiting', "other jobs' ends change nothing");
    q = markJobEnded(q, 'job-b', { ok: true });
    assert.equal(states(q), 'a.png:failed b.png:done c.png:waiting');
    const third = nextToStart(q, false)!;
    q = markRefused(markStarting(q, third.id), third.id, '/photos/c.jpg is not a file');
    assert.equal(states(q), 'a.png:failed b.png:done c.png:failed');
    assert.equal(nextToStart(q, false), undefined);
    // job-b deleted from the job list: its item goes too; c never made a job and stays
    assert.equal(states(forgetDeletedJobs(q, new Set(['job-a']))), 'a.png:failed c.png:failed');
    assert.equal(clearFinished(q).items.length, 0);
  });

  it('removes only waiting photos', () => {
    let q = enqueue(emptyQueue(), [
      { name: 'a.png', source: bytes(1) },
      { name: 'b.png', source: bytes(1) },
    ]);
    q = markStarting(q, q.items[0]!.id);
    assert.equal(states(removeWaiting(q, q.items[0]!.id)), 'a.png:starting b.png:waiting');
    assert.equal(states(removeWaiting(q, q.items[1]!.id)), 'a.png:starting');
    // ids stay unique after removals
    const more = enqueue(removeWaiting(q, q.items[1]!.id), [{ name: 'c.png', source: bytes(1) }]);
    assert.equal(new Set(more.items.map((i) => i.id)).size, more.items.length);
    assert.notEqual(more.items[1]!.id, q.items[1]!.id);
  });
});

describe('crop box geometry', () => {
  const photo = { width: 440, height: 290 };
  const report = { original: { ...photo, format: 'png' }, working: photo };

  it('starts centred on the largest face, inside the photo', () => {
    const box = initialCropBox(
      photo,
      [
        [20, 40, 100, 120],
        [300, 90, 60, 70],
      ],
      64,
    );
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= 440 && box.y + box.height <= 290);
    const centre = [box.x + box.width / 2, box.y + box.height / 2];
    // the face's centre (70, 100) unless the photo's edge pushed the box (x clamps at 0)
    assert.ok(box.x === 0 || Math.abs(centre[0]! - 70) <= 1, `centre x ${centre[0]}`);
    assert.ok(Math.abs(centre[1]! - 100) <= 1 || box.y === 0, `centre y ${centre[1]}`);
    assert.ok(box.x + box.width < 300, 'the other face is left out');
    const none = initialCropBox(photo, [], 64);
    assert.deepEqual(none, { x: 44, y: 29, width: 352, height: 232 });
  });

  it('moves with the arrows and resizes with Shift, never leaving the photo or going below the minimum', () => {
    const box = { x: 10, y: 10, width: 100, height: 100 };
    assert.deepEqual(boxAfterKey(box, 'ArrowRight', false, 5, photo, 64), { ...box, x: 15 });
    assert.deepEqual(boxAfterKey(box, 'ArrowLeft', false, 50, photo, 64), { ...box, x: 0 });
    assert.deepEqual(boxAfterKey(box, 'ArrowDown', true, 5, photo, 64), { ...box, height: 105 });
    assert.deepEqual(boxAfterKey(box, 'ArrowLeft', true, 80, photo, 64), { ...box, width: 64 });
    assert.deepEqual(boxAfterKey(box, 'ArrowRight', true, 1000, photo, 64), { ...box, width: 430 });
    assert.equal(boxAfterKey(box, 'Enter', false, 5, photo, 64), undefined);
  });

  it('maps the box on a downscaled, already cropped photo back to the original pixels', () => {
    const cropped = {
      original: { width: 4000, height: 3000, format: 'jpeg' },
      crop: { x: 1000, y: 500, width: 2000, height: 1000 },
      working: { width: 1000, height: 500 },
    };
    assert.deepEqual(toOriginalCrop({ x: 100, y: 50, width: 300, height: 200 }, cropped), {
      x: 1200,
      y: 600,
      width: 600,
      height: 400,
    });
    assert.equal(minSideOnPhoto(cropped), 32);
    assert.deepEqual(toOriginalCrop({ x: 0, y: 0, width: 440, height: 290 }, report), {
      x: 0,
      y: 0,
      width: 440,
      height: 290,
    });
  });
});

describe('keyboard shortcuts', () => {
  const press = (key: string, more: Partial<Parameters<typeof shortcutFor>[0]> = {}) =>
    shortcutFor({ key, ctrlKey: false, metaKey: false, altKey: false, inField: false, ...more });

  it('maps keys to actions and leaves typing alone', () => {
    assert.equal(press('o', { ctrlKey: true }), 'import');
    assert.equal(press('O', { metaKey: true, inField: true }), 'import');
    assert.equal(press('Delete'), 'delete');
    assert.equal(press('Delete', { inField: true }), undefined);
    assert.equal(press('g'), 'generate');
    assert.equal(press('g', { inField: true }), undefined);
    assert.equal(press('e'), 'export');
    assert.equal(press('?'), 'help');
    assert.equal(press('Escape', { inField: true }), 'escape');
    assert.equal(press('ArrowDown'), 'next-job');
    assert.equal(press('o'), undefined);
  });

  it('steps through the job list and stops at its ends', () => {
    assert.equal(neighbourJob(['a', 'b', 'c'], 'a', 1), 'b');
    assert.equal(neighbourJob(['a', 'b', 'c'], 'c', 1), 'c');
    assert.equal(neighbourJob(['a', 'b', 'c'], 'a', -1), 'a');
    assert.equal(neighbourJob(['a', 'b'], undefined, 1), 'a');
    assert.equal(neighbourJob([], 'a', 1), undefined);
  });
});

describe('recent photos', () => {
  it('lists the newest jobs, one per photo name, at most eight', () => {
    const job = (id: string, name: string, at: number) =>
      ({ id, sourceName: name, createdAt: new Date(at * 1000).toISOString(), stages: {} }) as JobRecord;
    const jobs = [job('1', 'a.png', 1), job('2', 'b.png', 2), job('3', 'a.png', 3)];
    for (let i = 0; i < 10; i++) jobs.push(job(`x${i}`, `x${i}.png`, 10 + i));
    const recent = recentPhotos(jobs);
    assert.equal(recent.length, 8);
    assert.equal(recent[0]!.name, 'x9.png');
    assert.deepEqual(
      recentPhotos(jobs.slice(0, 3)).map((r) => r.jobId),
      ['3', '2'],
    );
  });
});
