/**
 * The pure parts of the job panels: report.json → the quality panel's rows, the generation presets,
 * which provider a setting ends up on, and the settings a "Re-run from…" sends.
 *
 * Run: node --import tsx --test tests/renderer/job-panels.test.ts
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobRecord, JobSettings, PROTOCOL_VERSION, type HeadMetrics } from '../../src-main/shared/protocol';
import { reportSections, type ReportRow } from '../../src-renderer/stores/report-rows';
import { GENERATION_PRESETS, applyPreset, presetOf } from '../../src-renderer/stores/generation-presets';
import { DEFAULT_CHOICE, GenerationChoice, jobSettingsOf } from '../../src-renderer/stores/generation-choice';
import { providerStatus } from '../../src-renderer/stores/provider-status';
import { RERUN_STAGES, rerunSettings, thumbnailSource } from '../../src-renderer/stores/job-summary';

const flatnessOnly: HeadMetrics = {
  version: 1,
  ms: 1520,
  renderSize: 256,
  sameIdentityBelow: 0.6,
  views: [
    { source: 'render', azimuthDeg: 0, back: false, flatShare: 0.12 },
    { source: 'render', azimuthDeg: 180, back: true, flatShare: 0.3 },
  ],
  flatness: { maxShare: 0.3, meanShare: 0.21 },
};

const rowsOf = (report: unknown, stageMs = {}): Map<string, ReportRow> =>
  new Map(reportSections(report, stageMs).flatMap((s) => s.rows.map((r) => [r.key, r] as const)));

test('a projection report: timings (export from job.json), no provider, flatness shown, identity marked not computed', () => {
  const rows = rowsOf(
    {
      settings: { provider: 'auto', generator: 'projection' },
      // After a re-run the report holds the previous run's export time: job.json's is the one shown.
      stages: { ingest: { ms: 100 }, segment: { ms: 2500 }, export: { ms: 9999 } },
      metrics: flatnessOnly,
      mesh: { vertices: 10, triangles: 20, textureSize: 512 },
    },
    { export: 1400, segment: 1 },
  );
  assert.equal(rows.get('timing.segment')?.value, '2.50 s');
  assert.equal(rows.get('timing.export')?.value, '1.40 s');
  assert.match(rows.get('timing.export')?.note ?? '', /job\.json/);
  assert.equal(rows.get('timing.total')?.value, '4.00 s');
  assert.equal(rows.get('provider.used')?.value, 'not used');
  assert.equal(rows.get('flatness.max')?.value, '30.0 %');
  assert.equal(rows.get('flatness.render.180')?.value, '30.0 %');
  for (const key of ['identity', 'crossview', 'janus']) assert.equal(rows.get(key)?.missing, true, key);
  assert.match(rows.get('identity')?.note ?? '', /flatness only/);
  assert.equal(rows.get('mesh.textureSize')?.value, '512 px');
});

test('a full diffusion report: identity against the 0.6 line, Janus, the provider and its fallbacks', () => {
  const at = (distance: number | null) => ({ distance, match: distance !== null && distance < 0.6 });
  const rows = rowsOf({
    settings: { provider: 'cuda' },
    stages: {},
    diffusion: { provider: 'cpu', fallbacks: [{ provider: 'cuda', reason: 'not installed' }] },
    metrics: {
      ...flatnessOnly,
      identity: { at0: at(0.41), at45: at(0.66), atMinus45: at(null) },
      crossView: { renders: { facesFound: 3, views: 4, meanDistance: 0.35 } },
      janus: { facesAtBack: [{ source: 'generated', azimuthDeg: 180 }], flagged: true },
    },
  });
  assert.deepEqual([rows.get('identity.0')?.value, rows.get('identity.0')?.tone], ['0.410', 'ok']);
  assert.match(rows.get('identity.0')?.note ?? '', /same person \(below 0\.6\)/);
  assert.deepEqual([rows.get('identity.45')?.value, rows.get('identity.45')?.tone], ['0.660', 'bad']);
  assert.equal(rows.get('identity.-45')?.value, 'no face');
  assert.equal(rows.get('janus')?.value, 'flagged');
  assert.match(rows.get('janus')?.note ?? '', /180° \(generated\)/);
  assert.equal(rows.get('provider.used')?.value, 'cpu');
  assert.equal(rows.get('provider.fallback.cuda')?.note, 'not installed');
  assert.equal(rows.get('mesh')?.missing, true);
});

test('metrics off, a descriptor problem, and an unreadable report are said as such', () => {
  assert.equal(rowsOf({ stages: {} }).get('metrics')?.value, 'not computed');
  const noDescriptor = rowsOf({
    metrics: { ...flatnessOnly, descriptorProblem: 'face descriptor not installed' },
  });
  assert.equal(noDescriptor.get('identity')?.note, 'face descriptor not installed');
  assert.equal(rowsOf({ metrics: { version: 2 } }).get('invalid')?.value, 'unreadable');
});

test("the face's turn in the photo: fine facing the camera, flagged with a note past 45°", () => {
  const pose = (yaw: number) => rowsOf({ estimate: { pose: { yaw, pitch: 3, roll: -1 } } }).get('photo.pose');
  assert.deepEqual([pose(-8.3)?.value, pose(-8.3)?.tone], ['turned 8° to the left', 'ok']);
  assert.deepEqual([pose(38)?.value, pose(38)?.tone], ['turned 38° to the right', undefined]);
  const turned = pose(54.2);
  assert.deepEqual([turned?.value, turned?.tone], ['turned 54° to the right', 'bad']);
  assert.match(turned?.note ?? '', /partly guessed.*within about 30° of facing the camera/);
  assert.equal(rowsOf({ stages: {} }).get('photo.pose')?.missing, true, 'a report without the pose');
});

test("the hair's fit: the style and its IoU, flagged as a guess under 0.75; a modelled beard's row", () => {
  const hair = (iou: number) =>
    rowsOf({ hair: { style: 'bob', iou, headwear: false, params: {} } }).get('photo.hair');
  assert.deepEqual([hair(0.872)?.value, hair(0.872)?.tone], ['bob · IoU 0.87', 'ok']);
  assert.deepEqual([hair(0.606)?.value, hair(0.606)?.tone], ['bob · IoU 0.61', 'bad']);
  // The top of the head cut off by the frame: a guess, said so, whatever the IoU.
  const guessed = rowsOf({ hair: { style: 'short', iou: 0.29, inPhoto: 0.14, headwear: false } }).get(
    'photo.hair',
  );
  assert.deepEqual([guessed?.value, guessed?.tone], ['short · guessed', 'bad']);
  assert.match(guessed?.note ?? '', /does not show the top of the head \(14 % of the scalp is in it\)/);
  // No style matched the hair the photo shows (petsc_sean.jpg): a guess too, said why.
  const unclear = rowsOf({
    hair: { style: 'short', iou: 0.26, inPhoto: 0.99, guessed: true, headwear: false },
  }).get('photo.hair');
  assert.deepEqual([unclear?.value, unclear?.tone], ['short · guessed', 'bad']);
  assert.match(
    unclear?.note ?? '',
    /could not be told from what is round it \(no style matched its outline, IoU 0\.26\)/,
  );
  assert.match(hair(0.606)?.note ?? '', /style may be wrong/);
  assert.equal(rowsOf({ stages: {} }).get('photo.hair'), undefined, 'no hair object, no row');
  // A modelled beard has its own row; none without one.
  const beard = rowsOf({
    hair: { style: 'bob', iou: 0.8, beard: { lengthM: 0.166, thicknessM: 0.02, iou: 0.791 } },
  });
  assert.equal(beard.get('photo.beard')?.value, '17 cm below the chin · IoU 0.79');
  assert.equal(rowsOf({ hair: { style: 'bob', iou: 0.8, beard: null } }).get('photo.beard'), undefined);
});

test('presets: each sets exactly its table row, is recognised back, and editing a field makes it custom', () => {
  for (const preset of GENERATION_PRESETS) {
    const chosen = applyPreset({ ...DEFAULT_CHOICE, seed: 9, steps: 12 }, preset.id);
    assert.ok(GenerationChoice.safeParse(chosen).success, preset.id);
    assert.equal(presetOf(chosen), preset.id);
    assert.equal(chosen.seed, 9, 'the seed is not a preset field');
    for (const [field, value] of Object.entries(preset.sets))
      assert.equal(chosen[field as keyof GenerationChoice], value, `${preset.id}.${field}`);
  }
  assert.equal(applyPreset(DEFAULT_CHOICE, 'fast').textureSize, 512);
  assert.equal(applyPreset(DEFAULT_CHOICE, 'best').generator, 'diffusion');
  assert.equal(
    'steps' in applyPreset({ ...DEFAULT_CHOICE, steps: 12 }, 'best'),
    false,
    "best: the pack's steps",
  );
  assert.equal(presetOf(DEFAULT_CHOICE), 'balanced');
  assert.equal(presetOf({ ...DEFAULT_CHOICE, textureSize: 4096 }), 'custom');
});

test('the panel choice carries texture size and provider into job settings', () => {
  const settings = JobSettings.parse(
    jobSettingsOf({ ...DEFAULT_CHOICE, textureSize: 2048, provider: 'cpu' }),
  );
  assert.equal(settings.export.textureSize, 2048);
  assert.equal(settings.provider, 'cpu');
});

test('provider status: auto takes the first of the order; a missing provider falls back to CPU with its reason', () => {
  const onnx = {
    backends: [
      { name: 'cpu', bundled: true },
      { name: 'cuda', bundled: false },
    ],
    autoOrder: ['cpu'],
    skipped: [
      { provider: 'cuda', reason: 'not installed' },
      { provider: 'dml', reason: 'DirectML runs on Windows only' },
    ],
  };
  assert.deepEqual(providerStatus(onnx, 'auto'), { inUse: 'cpu', fallbackReasons: onnx.skipped });
  assert.deepEqual(providerStatus(onnx, 'cpu'), { inUse: 'cpu', fallbackReasons: [] });
  assert.deepEqual(providerStatus(onnx, 'dml'), {
    inUse: 'cpu',
    fallbackReasons: [{ provider: 'dml', reason: 'DirectML runs on Windows only' }],
  });
});

test('re-run: stages after ingest; nested settings merged over the job; thumbnail from the preview once exported', () => {
  assert.deepEqual(RERUN_STAGES, ['segment', 'estimate', 'generate', 'reconstruct', 'export']);
  const job = JobRecord.parse({
    id: 'job1',
    protocolVersion: PROTOCOL_VERSION,
    state: 'done',
    sourceName: 'a.png',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    settings: JobSettings.parse({ export: { formats: ['glb'], textureSize: 2048 } }),
    stages: { ingest: { state: 'done', ms: 5 } },
  });
  const sent = JobSettings.parse({
    ...job.settings,
    ...rerunSettings(job, { export: { textureSize: 512 } }),
  });
  assert.deepEqual([sent.export.textureSize, sent.export.formats], [512, ['glb']]);
  assert.deepEqual(thumbnailSource(job), { path: 'photo.png', key: 'photo.png' });
  const exported = {
    ...job,
    stages: {
      ...job.stages,
      export: {
        state: 'done' as const,
        ms: 70,
        artifacts: [{ kind: 'preview-view' as const, path: 'export/preview/front.png' }],
      },
    },
  };
  assert.deepEqual(thumbnailSource(exported), {
    path: 'export/preview/front.png',
    key: 'export/preview/front.png@70',
  });
});
