/**
 * The engine's side of the host's watchdog (host/engine-watchdog.ts): a heartbeat from a timer of the
 * event loop — a synchronous call that never returns stops it, which is what the host must notice —
 * and `expectSilence`, with which code about to make a long blocking call (creating the session of a
 * big ONNX pack) tells the host to wait longer than its limit before calling the engine hung.
 */
import { existsSync } from 'node:fs';
import type { EngineEvent } from '../shared/protocol';

const DEFAULT_INTERVAL_MS = 5_000;

let send: ((event: EngineEvent) => void) | undefined;

/** Start the heartbeat (every GEN3D_HEARTBEAT_MS, default 5 s); `expectSilence` sends through `emit` too. */
export function startHeartbeat(emit: (event: EngineEvent) => void, env = process.env): NodeJS.Timeout {
  send = emit;
  const asked = Number(env.GEN3D_HEARTBEAT_MS);
  const every = Number.isFinite(asked) && asked >= 20 ? asked : DEFAULT_INTERVAL_MS;
  let seq = 0;
  const timer = setInterval(() => emit({ type: 'heartbeat', seq: seq++ }), every);
  timer.unref(); // never what keeps the engine alive
  return timer;
}

/**
 * The next `ms` may pass without a heartbeat or progress (0 ends an earlier allowance); it ends with
 * the stage in any case. Sent at once, before the blocking call starts.
 */
export function expectSilence(ms: number, reason: string): void {
  send?.({ type: 'expectSilence', ms: Math.max(0, Math.round(ms)), reason: reason.slice(0, 300) });
}

const slowest = new Map<string, number>();

/**
 * Make a call that may hold the event loop (ONNX Runtime's node binding runs a session synchronously,
 * inside a setImmediate), announcing the silence it may need: 4× the slowest earlier call of the same
 * `key` (at least 2 min), or `firstMs` for the first one. Its time is kept for the next call.
 */
export async function withSilence<T>(key: string, firstMs: number, call: () => Promise<T>): Promise<T> {
  const before = slowest.get(key);
  expectSilence(before === undefined ? firstMs : Math.max(120_000, 4 * before), `running ${key}`);
  const started = performance.now();
  try {
    return await call();
  } finally {
    slowest.set(key, Math.max(before ?? 0, performance.now() - started));
    expectSilence(0, `${key} returned`);
  }
}

/**
 * Test hook: `GEN3D_TEST_HANG_AT=<stage>` makes that stage hang — only when `GEN3D_TEST_HOOKS=1` is
 * set too and the engine does not run inside Electron, so an installed app never honours it.
 * GEN3D_TEST_HANG_MODE says how: 'spin' (default: a synchronous busy wait that blocks the event loop,
 * as a native call that never returns would), 'spin-ignoring-sigterm' (the same, with a SIGTERM
 * handler, so only SIGKILL ends it) or 'await' (a promise that never settles: the loop stays free,
 * the heartbeat goes on, only the progress stops) or 'announced' (a busy wait of GEN3D_TEST_HANG_MS,
 * announced with expectSilence of twice that: a long call that is not a hang) or 'until-cancelled' (the
 * stage waits, heartbeat on, until the job is cancelled: a long stage a test can cancel without a race).
 * With GEN3D_TEST_HANG_WHILE_FILE=<path> the hook holds only while that file exists, so one engine can
 * run the stage normally first and hang it later.
 */
export async function testHangAt(stage: string, signal: AbortSignal, env = process.env): Promise<void> {
  if (env.GEN3D_TEST_HOOKS !== '1' || env.GEN3D_TEST_HANG_AT !== stage || process.versions.electron) return;
  if (env.GEN3D_TEST_HANG_WHILE_FILE && !existsSync(env.GEN3D_TEST_HANG_WHILE_FILE)) return;
  const mode = env.GEN3D_TEST_HANG_MODE ?? 'spin';
  if (mode === 'until-cancelled') {
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    return;
  }
  if (mode === 'await') {
    await new Promise<void>(() => undefined);
    return;
  }
  if (mode === 'announced') {
    const ms = Number(env.GEN3D_TEST_HANG_MS) || 1000;
    expectSilence(2 * ms, 'test: an announced long call');
    const end = Date.now() + ms;
    while (Date.now() < end) {
      // a long synchronous call, announced
    }
    expectSilence(0, 'test: the announced call returned');
    return;
  }
  // a JS handler runs only when the loop is free again: while spinning, SIGTERM is held back
  if (mode === 'spin-ignoring-sigterm') process.on('SIGTERM', () => undefined);
  const until = Date.now() + 10 * 60_000; // a forgotten engine still ends, long after any test
  while (Date.now() < until) {
    // spin, like a stuck native kernel
  }
}

/**
 * Test hook (GEN3D_TEST_HOOKS=1, never in the app): GEN3D_TEST_OOM_AT=<stage> makes the engine run out
 * of JavaScript heap for real at the start of that stage — V8 aborts with its fatal out-of-memory
 * message, as a too-large job would. With GEN3D_TEST_OOM_ABOVE=<px> only while the job's working
 * photo is larger than that (a smaller photo "fits"), so the studio's fallback can be seen to work.
 */
export function testOutOfMemoryAt(stage: string, workingMaxSide: number, env = process.env): void {
  if (env.GEN3D_TEST_HOOKS !== '1' || env.GEN3D_TEST_OOM_AT !== stage || process.versions.electron) return;
  if (env.GEN3D_TEST_OOM_ABOVE && workingMaxSide <= Number(env.GEN3D_TEST_OOM_ABOVE)) return;
  // 8 MB arrays of unboxed doubles: nothing for the GC to trace, so the heap fills in ~2 s, not after
  // ~7 s of ever slower full GCs over millions of small objects (384 MB heap, this 2-core machine).
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array<number>(1e6).fill(0.5));
}
