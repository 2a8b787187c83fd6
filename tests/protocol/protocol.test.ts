import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EngineCommand,
  EngineEvent,
  HostEvent,
  JobRecord,
  JobSettings,
  PriorOverlay,
  parseMessage,
} from '../../src-main/shared/protocol';

test('valid commands and events pass both ways', () => {
  assert.ok(parseMessage(EngineCommand, { type: 'start', jobId: 'abc-1', jobDir: '/tmp/j' }).ok);
  assert.ok(
    parseMessage(EngineCommand, { type: 'rerun', jobId: 'abc', jobDir: '/j', fromStage: 'estimate' }).ok,
  );
  assert.ok(
    parseMessage(EngineEvent, { type: 'progress', jobId: 'a', stage: 'segment', step: 1, total: 2 }).ok,
  );
  assert.ok(
    parseMessage(EngineEvent, {
      type: 'artifact',
      jobId: 'a',
      stage: 'export',
      artifact: { kind: 'export-glb', path: 'export/a.glb' },
    }).ok,
  );
  assert.ok(parseMessage(EngineEvent, { type: 'error', error: { code: 'no-face', message: 'No face' } }).ok);
  assert.ok(
    parseMessage(EngineCommand, { type: 'switchEstimator', jobId: 'a', jobDir: '/j', estimator: 'deca' }).ok,
  );
  assert.ok(
    parseMessage(EngineEvent, {
      type: 'estimatorSwitchFailed',
      jobId: 'a',
      estimator: 'deca',
      kept: 'builtin',
      error: { code: 'pack-corrupt', message: 'corrupt' },
    }).ok,
  );
});

test('malformed commands are refused with the reason', () => {
  const cases: [unknown, RegExp][] = [
    [{ type: 'launch', jobId: 'a', jobDir: '/j' }, /./],
    [{ type: 'start', jobId: 'a' }, /jobDir/],
    [{ type: 'start', jobId: '../etc', jobDir: '/j' }, /jobId/],
    [{ type: 'start', jobId: 'a', jobDir: '/j', extra: 1 }, /./],
    [{ type: 'rerun', jobId: 'a', jobDir: '/j', fromStage: 'paint' }, /fromStage/],
    [{ type: 'switchEstimator', jobId: 'a', jobDir: '/j', estimator: 'flame' }, /estimator/],
    ['start', /./],
    [null, /./],
  ];
  for (const [raw, why] of cases) {
    const parsed = parseMessage(EngineCommand, raw);
    assert.equal(parsed.ok, false, `accepted ${JSON.stringify(raw)}`);
    if (!parsed.ok) assert.match(parsed.error, why);
  }
});

test('malformed events are refused', () => {
  const bad: unknown[] = [
    { type: 'progress', jobId: 'a', stage: 'segment', step: -1, total: 2 },
    { type: 'progress', jobId: 'a', stage: 'segment', step: 1, total: 0 },
    {
      type: 'artifact',
      jobId: 'a',
      stage: 'export',
      artifact: { kind: 'export-glb', path: '../../etc/passwd' },
    },
    { type: 'artifact', jobId: 'a', stage: 'export', artifact: { kind: 'export-glb', path: '/etc/passwd' } }, // system-deps: ignore (refused path)
    { type: 'error', error: { code: '', message: 'x' } },
    { type: 'ready', protocolVersion: 99, pid: 1 },
    { type: 'stageDone', jobId: 'a', stage: 'export' },
  ];
  for (const raw of bad)
    assert.equal(parseMessage(EngineEvent, raw).ok, false, `accepted ${JSON.stringify(raw)}`);
});

test('settings fill defaults and refuse unknown keys and bad values', () => {
  const settings = JobSettings.parse({});
  assert.equal(settings.estimator, 'builtin');
  assert.equal(settings.faceSelection, 'refuse');
  assert.deepEqual(settings.export.formats, ['glb', 'obj']);
  assert.equal(JobSettings.safeParse({ estimator: 'flame' }).success, false);
  assert.equal(JobSettings.safeParse({ faceSelection: -1 }).success, false);
  assert.equal(JobSettings.safeParse({ colour: 'red' }).success, false);
  assert.equal(JobSettings.safeParse({ export: { formats: [] } }).success, false);
});

test('job records and overlays are checked', () => {
  const now = new Date().toISOString();
  const job = {
    id: 'j1',
    protocolVersion: 1,
    state: 'created',
    sourceName: 'a.png',
    createdAt: now,
    updatedAt: now,
    settings: {},
    stages: {},
  };
  assert.ok(JobRecord.safeParse(job).success);
  assert.equal(JobRecord.safeParse({ ...job, state: 'exploded' }).success, false);
  assert.equal(JobRecord.safeParse({ ...job, stages: { paint: { state: 'done' } } }).success, false);
  const overlay = {
    width: 10,
    height: 10,
    box: [0, 0, 5, 5],
    landmarks: [1, 2],
    vertices: [1, 2],
    edges: [0, 0],
    confidence: 0.5,
    estimator: 'builtin',
  };
  assert.ok(PriorOverlay.safeParse(overlay).success);
  assert.equal(PriorOverlay.safeParse({ ...overlay, confidence: 2 }).success, false);
});

test('a refusal never quotes back a huge hostile key or value in full', () => {
  const key = 'k'.repeat(100_000);
  const refused = parseMessage(EngineCommand, { type: 'shutdown', [key]: 1 });
  assert.equal(refused.ok, false);
  if (!refused.ok) {
    assert.match(refused.error, /^Unrecognized key: "k+…$/);
    assert.ok(refused.error.length <= 300, `${refused.error.length} characters`);
  }
});

test('the watchdog messages: heartbeat, expectSilence and engineHung are checked', () => {
  assert.ok(parseMessage(EngineEvent, { type: 'heartbeat', seq: 3 }).ok);
  assert.ok(!parseMessage(EngineEvent, { type: 'heartbeat', seq: -1 }).ok);
  assert.ok(!parseMessage(EngineEvent, { type: 'heartbeat', seq: 1, extra: true }).ok);
  assert.ok(parseMessage(EngineEvent, { type: 'expectSilence', ms: 600_000, reason: 'a big session' }).ok);
  assert.ok(parseMessage(EngineEvent, { type: 'expectSilence', ms: 0, reason: '' }).ok);
  assert.ok(!parseMessage(EngineEvent, { type: 'expectSilence', ms: 1.5, reason: 'x' }).ok);
  // an engine cannot switch the watchdog off: at most 6 hours of announced silence
  assert.ok(!parseMessage(EngineEvent, { type: 'expectSilence', ms: 7 * 3600_000, reason: 'x' }).ok);
  assert.ok(!parseMessage(EngineEvent, { type: 'expectSilence', ms: 1, reason: 'x'.repeat(301) }).ok);
  const hung = {
    type: 'engineHung',
    kind: 'heartbeat',
    jobId: 'a',
    stage: 'segment',
    silentMs: 1600,
    limitMs: 1500,
  };
  assert.ok(parseMessage(HostEvent, hung).ok);
  assert.ok(parseMessage(HostEvent, { type: 'engineHung', kind: 'progress', silentMs: 1, limitMs: 1 }).ok);
  assert.ok(!parseMessage(HostEvent, { ...hung, kind: 'sleepy' }).ok);
  // the engine cannot forge a host event
  assert.ok(!parseMessage(EngineEvent, hung).ok);
});
