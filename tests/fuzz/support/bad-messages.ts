/**
 * Hostile protocol messages: malformed JSON text, wrong types in every field, huge strings, unknown
 * command types, prototype keys, deep nesting. Commands go through the engine's own gate
 * (parseEngineCommand); events through the host's parser of what the engine sends (parseMessage with
 * EngineEvent). An accepted message must come out as a command or event that re-validates.
 */
import { parseEngineCommand } from '../../../src-main/engine/parse-command';
import { EngineCommand, EngineEvent, parseMessage } from '../../../src-main/shared/protocol';
import { accepted, crashed, refused, type FuzzCase, type Outcome } from './outcome';
import { seededRandom } from './seeded-random';

const VALID_COMMANDS: Record<string, unknown>[] = [
  { type: 'start', jobId: 'job-1', jobDir: '/jobs/job-1' },
  { type: 'resume', jobId: 'job-1', jobDir: '/jobs/job-1' },
  { type: 'rerun', jobId: 'job-1', jobDir: '/jobs/job-1', fromStage: 'estimate', only: true },
  { type: 'switchEstimator', jobId: 'job-1', jobDir: '/jobs/job-1', estimator: 'deca' },
  { type: 'cancel', jobId: 'job-1' },
  { type: 'listPacks', requestId: 'r1' },
  { type: 'listEstimators', requestId: 'r1' },
  { type: 'diagnose', requestId: 'r1' },
  { type: 'shutdown' },
];

const VALID_EVENTS: Record<string, unknown>[] = [
  { type: 'ready', protocolVersion: 1, pid: 42 },
  { type: 'progress', jobId: 'job-1', stage: 'ingest', step: 1, total: 2, message: 'reading' },
  { type: 'artifact', jobId: 'job-1', stage: 'ingest', artifact: { kind: 'photo', path: 'photo.png' } },
  { type: 'error', jobId: 'job-1', stage: 'ingest', error: { code: 'corrupt-image', message: 'damaged' } },
  { type: 'log', level: 'info', message: 'hello' },
];

const HUGE = 'h'.repeat(16 * 1024 * 1024);
const LONG = 'l'.repeat(100_000);

/** Values of the wrong type (or a hostile value of the right type) to put in a field. */
const WRONG_VALUES: [string, unknown][] = [
  ['null', null],
  ['a number', 7],
  ['a boolean', true],
  ['an array', ['x']],
  ['an object', { a: 1 }],
  ['an empty string', ''],
  ['a 100 kB string', LONG],
  ['a 16 MB string', HUGE],
  ['"../../etc"', '../../etc'],
  ['a NUL character', 'a\0b'],
  ['NaN', NaN],
  ['-Infinity', -Infinity],
];

const MALFORMED_JSON = [
  '',
  '{',
  '{"type": "start", "jobId": "job-1"',
  "{'type': 'start'}",
  '{"type": start}',
  'null',
  'undefined',
  'NaN',
  '[]',
  '\u0000\u0001\u0002',
  '{"type": "start",}',
  '{"type": "start", "jobId": "job-1", "jobDir": "/j"}garbage',
  '{'.repeat(100_000),
  '['.repeat(100_000) + ']'.repeat(100_000),
  '{"type": "' + LONG + '"}',
  '{"__proto__": {"type": "start"}, "jobId": "job-1", "jobDir": "/j"}',
  '{"type": "start", "jobId": "job-1", "jobDir": "/j", "__proto__": {"admin": true}}',
  '{"constructor": {"prototype": {"polluted": true}}, "type": "shutdown"}',
];

const UNKNOWN_TYPES: unknown[] = [
  'Start',
  'START',
  'exec',
  'eval',
  '__proto__',
  'constructor',
  'toString',
  '',
  LONG,
  1,
  null,
  ['start'],
  { type: 'start' },
];

export function badMessageCases(seed: number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const command = (name: string, raw: () => unknown): void => {
    cases.push({ family: 'message', name: `command: ${name}`, run: async () => commandOutcome(raw()) });
  };
  const event = (name: string, raw: () => unknown): void => {
    cases.push({ family: 'message', name: `event: ${name}`, run: async () => eventOutcome(raw()) });
  };
  for (const valid of VALID_COMMANDS) command(`valid ${String(valid.type)}`, () => valid);
  for (const valid of VALID_EVENTS) event(`valid ${String(valid.type)}`, () => valid);
  for (const text of MALFORMED_JSON) {
    const label = JSON.stringify(text.slice(0, 40));
    // the text as it arrives, and what JSON.parse makes of it where it can
    command(`JSON text ${label}`, () => text);
    command(`parsed JSON text ${label}`, () => parseOr(text));
    event(`JSON text ${label}`, () => parseOr(text));
  }
  for (const type of UNKNOWN_TYPES) {
    const label = JSON.stringify(type)?.slice(0, 30);
    command(`unknown type ${label}`, () => ({ type, jobId: 'job-1', jobDir: '/j' }));
    event(`unknown type ${label}`, () => ({ type, jobId: 'job-1' }));
  }
  for (const valid of VALID_COMMANDS) {
    for (const field of Object.keys(valid).filter((k) => k !== 'type')) {
      for (const [what, value] of WRONG_VALUES) {
        command(`${String(valid.type)}.${field} = ${what}`, () => ({ ...valid, [field]: value }));
      }
      command(`${String(valid.type)} without ${field}`, () => {
        const { [field]: _dropped, ...rest } = valid;
        return rest;
      });
    }
    command(`${String(valid.type)} with a 100 kB unknown key`, () => ({ ...valid, [LONG]: 1 }));
    command(`${String(valid.type)} with an unknown key`, () => ({ ...valid, admin: true }));
  }
  for (const [what, value] of WRONG_VALUES) {
    event(`progress.step = ${what}`, () => ({ ...VALID_EVENTS[1], step: value }));
    event(`artifact.path = ${what}`, () => ({
      ...VALID_EVENTS[2],
      artifact: { kind: 'photo', path: value },
    }));
    event(`error.error.message = ${what}`, () => ({
      ...VALID_EVENTS[3],
      error: { code: 'x', message: value },
    }));
  }
  for (const p of ['/jobs/another-job/photo.png', '../../escape.png', 'a/../../b', 'C:\\x.png']) {
    event(`artifact path ${JSON.stringify(p)}`, () => ({
      ...VALID_EVENTS[2],
      artifact: { kind: 'photo', path: p },
    }));
  }
  const rnd = seededRandom(seed);
  for (let k = 0; k < 20; k++) {
    const bytes = rnd.bytes(1 + rnd.int(300));
    command(`random bytes as text (${k})`, () => bytes.toString('latin1'));
    command(`random bytes as a buffer (${k})`, () => bytes);
  }
  command(
    'an object nested 10000 deep',
    () => JSON.parse('{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000)) as unknown,
  );
  command('start with a nested 10000-deep extra key', () => ({
    ...VALID_COMMANDS[0],
    extra: JSON.parse('['.repeat(10_000) + ']'.repeat(10_000)) as unknown,
  }));
  command('undefined', () => undefined);
  command('a symbol-keyed object', () => ({ [Symbol('type')]: 'start' }));
  return cases;
}

function parseOr(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function commandOutcome(raw: unknown): Outcome {
  const parsed = parseEngineCommand(raw);
  if (!parsed.ok) return refused(parsed.error.code, parsed.error.message);
  const again = EngineCommand.safeParse(JSON.parse(JSON.stringify(parsed.command)));
  return again.success
    ? accepted(`a ${parsed.command.type} command`)
    : crashed('accepted a command that does not re-validate');
}

function eventOutcome(raw: unknown): Outcome {
  const parsed = parseMessage(EngineEvent, raw);
  // the host logs a refused event as 'invalid' and ignores it
  if (!parsed.ok) return refused('invalid', parsed.error);
  const again = EngineEvent.safeParse(JSON.parse(JSON.stringify(parsed.value)));
  return again.success
    ? accepted(`a ${parsed.value.type} event`)
    : crashed('accepted an event that does not re-validate');
}
