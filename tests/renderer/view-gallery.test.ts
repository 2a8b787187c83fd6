/**
 * The view gallery's state: tiles in view order, a tile's preview replaced by newer previews and then by
 * the final view, angle labels from cameras.json, and a projection job shown as having no views. Pure
 * functions and the pinia store on job records and events shaped as the engine writes and sends them.
 *
 * Run: node --import tsx --test tests/renderer/view-gallery.test.ts
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPinia, setActivePinia } from 'pinia';
import { JobRecord, type Artifact, type StudioEvent } from '../../src-main/shared/protocol';
import { useGalleryStore } from '../../src-renderer/stores/gallery';
import { finishedJobRecord } from './support/job-record';
import { useJobsStore } from '../../src-renderer/stores/jobs';
import { applyEvent, emptyLiveJob, jobArtifacts, type LiveJob } from '../../src-renderer/stores/stage-view';
import {
  angleLabel,
  galleryTiles,
  parseViewAngles,
  samplingShare,
  tileDescription,
  viewPictureOf,
} from '../../src-renderer/stores/view-gallery';

const nn = (v: number) => String(v).padStart(2, '0');
const preview = (v: number): Artifact => ({ kind: 'view-preview', path: `views/preview/${nn(v)}.png` });
const final = (v: number): Artifact => ({ kind: 'view', path: `views/${nn(v)}.png` });
const artifactEvent = (artifact: Artifact): StudioEvent => ({
  type: 'artifact',
  jobId: 'job1',
  stage: 'generate',
  artifact,
});
/** cameras.json as generate-views.ts writes it (head360: azimuth k·22.5°, elevation +20° / −5°). */
const head360Cameras = {
  frame: 'head',
  units: 'm',
  views: Array.from({ length: 16 }, (_, k) => ({
    file: `${nn(k)}.png`,
    azimuth: k * 22.5,
    elevation: k % 2 === 0 ? 20 : -5,
    K: [
      [280, 0, 128],
      [0, 280, 128],
      [0, 0, 1],
    ],
  })),
};

function job(generator: 'projection' | 'diffusion', generateArtifacts: Artifact[] = []): JobRecord {
  return finishedJobRecord(
    { generator },
    { generate: { state: 'done', ms: 900, artifacts: generateArtifacts } },
  );
}

const fold = (events: StudioEvent[]): LiveJob => events.reduce(applyEvent, emptyLiveJob());

describe('view gallery state', () => {
  it('knows view pictures by path and nothing else', () => {
    assert.deepEqual(viewPictureOf('views/07.png'), { index: 7, final: true });
    assert.deepEqual(viewPictureOf('views/preview/15.png'), { index: 15, final: false });
    for (const other of ['views/input.png', 'views/cameras.json', 'mask.png', 'export/preview/front.png'])
      assert.equal(viewPictureOf(other), undefined, other);
  });

  it('orders tiles by view index whatever order the pictures arrive in', () => {
    const order = [9, 3, 15, 0, 12, 6, 1, 10, 4, 13, 7, 2, 14, 8, 11, 5];
    const live = fold(order.map((v) => artifactEvent(preview(v))));
    const tiles = galleryTiles(jobArtifacts(job('diffusion'), live), undefined);
    assert.deepEqual(
      tiles.map((t) => t.index),
      Array.from({ length: 16 }, (_, k) => k),
    );
    assert.deepEqual(
      tiles.map((t) => t.picture?.path),
      Array.from({ length: 16 }, (_, k) => `views/preview/${nn(k)}.png`),
    );
    assert.equal(tiles[3]?.name, 'view 03');
  });

  it('shows 16 empty tiles before the first preview, and only views that have a picture filled', () => {
    const empty = galleryTiles(jobArtifacts(job('diffusion'), emptyLiveJob()), undefined);
    assert.equal(empty.length, 16);
    assert.ok(empty.every((t) => !t.picture && !t.angle));
    const some = galleryTiles(jobArtifacts(job('diffusion'), fold([artifactEvent(preview(4))])), undefined);
    assert.deepEqual(
      some.filter((t) => t.picture).map((t) => t.index),
      [4],
    );
  });

  it('replaces a preview by its rewrite, then by the final view, and never goes back to a preview', () => {
    const events = [artifactEvent(preview(2))];
    const keyAfter = (evs: StudioEvent[]) =>
      galleryTiles(jobArtifacts(job('diffusion'), fold(evs)), undefined)[2]?.picture;
    const first = keyAfter(events);
    events.push(artifactEvent(preview(2)));
    const second = keyAfter(events);
    assert.equal(second?.path, 'views/preview/02.png');
    assert.notEqual(second?.key, first?.key, 'a rewritten preview is read again');
    assert.equal(second?.final, false);
    events.push(artifactEvent(final(2)));
    assert.deepEqual(
      { path: keyAfter(events)?.path, final: keyAfter(events)?.final },
      {
        path: 'views/02.png',
        final: true,
      },
    );
    // A preview written after the final one (an engine writing out of order) does not hide it.
    events.push(artifactEvent(preview(2)));
    assert.equal(keyAfter(events)?.path, 'views/02.png');
    // …and neither does the order of job.json's record of a finished run.
    const stored = job('diffusion', [preview(2), final(2), preview(2)]);
    assert.equal(galleryTiles(jobArtifacts(stored, undefined), undefined)[2]?.picture?.path, 'views/02.png');
  });

  it('labels each tile with its azimuth and elevation from cameras.json', () => {
    const angles = parseViewAngles(head360Cameras);
    assert.equal(angles?.length, 16);
    const tiles = galleryTiles(
      jobArtifacts(
        job(
          'diffusion',
          Array.from({ length: 16 }, (_, k) => final(k)),
        ),
        undefined,
      ),
      angles,
    );
    assert.equal(tiles[0]?.angle, 'az 0° · el 20°');
    assert.equal(tiles[3]?.angle, 'az 67.5° · el \u22125°');
    assert.equal(tiles[15]?.angle, 'az 337.5° · el \u22125°');
    assert.equal(angleLabel({ azimuth: -90, elevation: 0 }), 'az \u221290° · el 0°');
    assert.equal(
      tileDescription(tiles[3]!, angles),
      'view 03, azimuth 67.5 degrees, elevation -5 degrees, final',
    );
    assert.equal(parseViewAngles({ views: [{ azimuth: 1 }] }), undefined, 'no elevation: not cameras.json');
    assert.equal(parseViewAngles(null), undefined);
  });

  it('has as many tiles as cameras.json names (a rig of another size)', () => {
    const eight = { views: head360Cameras.views.slice(0, 8) };
    assert.equal(galleryTiles(new Map(), parseViewAngles(eight)).length, 8);
  });
});

describe('sampling progress', () => {
  it("follows the generate stage's steps while views are sampled, and is full once all are final", () => {
    const none = galleryTiles(new Map(), undefined);
    assert.equal(samplingShare(undefined, none), 0);
    assert.equal(samplingShare({ state: 'running', step: 3, total: 12 }, none), 0.25);
    const finals = galleryTiles(
      jobArtifacts(
        job(
          'diffusion',
          Array.from({ length: 16 }, (_, k) => final(k)),
        ),
        undefined,
      ),
      undefined,
    );
    // After sampling the stage reports its projection steps (0 / 3): the views are done all the same.
    assert.equal(samplingShare({ state: 'running', step: 0, total: 3 }, finals), 1);
    assert.equal(samplingShare({ state: 'cancelled', step: 5, total: 12 }, none), 0);
  });
});

describe('gallery store', () => {
  it('shows the tiles of the selected diffusion job, and none for a projection job', () => {
    setActivePinia(createPinia());
    const jobs = useJobsStore();
    const gallery = useGalleryStore();
    jobs.jobs = [job('diffusion', [final(1), preview(0), final(0)])];
    jobs.selectedId = 'job1';
    assert.equal(gallery.mode, 'views');
    assert.equal(gallery.tiles.length, 16);
    assert.deepEqual(
      gallery.tiles.slice(0, 3).map((t) => t.picture?.path),
      ['views/00.png', 'views/01.png', undefined],
    );
    assert.equal(gallery.generateStage?.state, 'done');

    jobs.jobs = [job('projection')];
    assert.equal(gallery.mode, 'projection');
    assert.deepEqual(gallery.tiles, []);
  });

  it('enlarges a tile, and a second click on it closes it', () => {
    setActivePinia(createPinia());
    const jobs = useJobsStore();
    const gallery = useGalleryStore();
    jobs.jobs = [job('diffusion', [final(5)])];
    jobs.selectedId = 'job1';
    gallery.enlarge(5);
    assert.equal(gallery.enlargedTile?.picture?.path, 'views/05.png');
    gallery.enlarge(5);
    assert.equal(gallery.enlargedTile, undefined);
  });
});
