/**
 * Owns the engine process: starts it, validates every message both ways, notices when it dies or
 * hangs (the watchdog: no heartbeat, or no progress of the running job, for longer than its limit →
 * `engineHung`, then SIGTERM and SIGKILL after a grace), reports that, and starts a new one. What to
 * do with the job that was running is the backend's call.
 */
import { classifyEngineExit, StderrTail } from './engine-exit-cause';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  EngineCommand,
  EngineEvent,
  parseMessage,
  type ErrorInfo,
  type HostEvent,
  type StudioEvent,
} from '../shared/protocol';
import type { EngineDiagnostics } from '../shared/diagnostics';
import type { EngineLauncher, EngineProcess } from './engine-process';
import { DEFAULT_WATCHDOG_LIMITS, EngineWatchdog, type WatchdogLimits } from './engine-watchdog';

export interface EngineHostOptions {
  launcher: EngineLauncher;
  /** How long a fresh engine may take to say `ready`. */
  readyTimeoutMs?: number;
  /** Crashes tolerated within `crashWindowMs` before the host gives up restarting. */
  maxRestarts?: number;
  crashWindowMs?: number;
  /** The watchdog's limits (engine-watchdog.ts); generous defaults. */
  watchdog?: Partial<WatchdogLimits>;
  /** How long a hung engine gets after SIGTERM before SIGKILL. */
  killGraceMs?: number;
}

export class EngineHost extends EventEmitter<{
  event: [StudioEvent];
  restarted: [];
  restartFailed: [string];
  invalid: [string];
}> {
  private process: EngineProcess | undefined;
  private ready: Promise<void> | undefined;
  private stopping = false;
  private crashes: number[] = [];
  private readonly watchdog: EngineWatchdog;
  /** What the engine's installation lacks, from its last `ready` (jobs fail before their first stage). */
  setupProblems: ErrorInfo[] = [];

  constructor(private readonly options: EngineHostOptions) {
    super();
    this.watchdog = new EngineWatchdog({ ...DEFAULT_WATCHDOG_LIMITS, ...options.watchdog });
  }

  get watchdogLimits(): WatchdogLimits {
    return this.watchdog.limits;
  }

  /** Change the watchdog's limits; they apply from its next look (at most a second away). */
  setWatchdogLimits(limits: Partial<WatchdogLimits>): void {
    this.watchdog.limits = { ...this.watchdog.limits, ...limits };
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Start the engine (if not running) and wait until it is ready. */
  async start(): Promise<void> {
    this.stopping = false;
    if (!this.ready) this.ready = this.launch();
    return this.ready;
  }

  send(command: EngineCommand): void {
    const parsed = parseMessage(EngineCommand, command);
    if (!parsed.ok) throw new Error(`refusing to send an invalid engine command: ${parsed.error}`);
    if (!this.process) throw new Error('the engine is not running');
    this.process.send(parsed.value);
  }

  /** The engine's diagnostics (starts it if needed); verifying large packs may take a while. */
  async diagnose(): Promise<EngineDiagnostics> {
    const answer = await this.request(
      (requestId) => ({ type: 'diagnose', requestId }),
      (event) => (event.type === 'diagnostics' ? event : undefined),
      {
        failsOn: (event) =>
          event.type === 'error' && !('jobId' in event && event.jobId)
            ? event.error.message
            : event.type === 'engineExited'
              ? 'the engine stopped while gathering diagnostics'
              : undefined,
      },
    );
    return answer.diagnostics;
  }

  /**
   * One command and the event that answers it, matched by a fresh requestId (starts the engine if
   * needed). Fails after `timeoutMs` when given, and on any event `failsOn` names a reason for.
   */
  async request<E extends { requestId: string }>(
    command: (requestId: string) => EngineCommand,
    answerOf: (event: StudioEvent) => E | undefined,
    options: {
      timeoutMs?: number;
      timeoutMessage?: string;
      failsOn?: (event: StudioEvent) => string | undefined;
    },
  ): Promise<E> {
    await this.start();
    const requestId = randomBytes(6).toString('hex');
    const answer = new Promise<E>((resolve, reject) => {
      const finish = (): void => {
        if (timer) clearTimeout(timer);
        this.off('event', listener);
      };
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              finish();
              reject(new Error(options.timeoutMessage ?? 'the engine did not answer in time'));
            }, options.timeoutMs);
      const listener = (event: StudioEvent): void => {
        const answered = answerOf(event);
        if (answered?.requestId === requestId) {
          finish();
          resolve(answered);
          return;
        }
        const failure = options.failsOn?.(event);
        if (failure !== undefined) {
          finish();
          reject(new Error(failure));
        }
      };
      this.on('event', listener);
    });
    this.send(command(requestId));
    return answer;
  }

  /** Kill the engine process outright (cancel of a stuck stage, tests). It is restarted unless stopping. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    this.process?.kill(signal);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const proc = this.process;
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.onExit(() => resolve()));
    proc.send({ type: 'shutdown' });
    const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  private launch(): Promise<void> {
    const proc = this.options.launcher();
    this.process = proc;
    const stderr = new StderrTail();
    proc.onStderr?.((text) => stderr.push(text));
    return new Promise<void>((resolve, reject) => {
      let isReady = false;
      let watching: NodeJS.Timeout | undefined;
      let killing: NodeJS.Timeout | undefined;
      const timeout = setTimeout(() => {
        if (!isReady) {
          proc.kill('SIGKILL');
          reject(new Error(`the engine did not start within ${this.options.readyTimeoutMs ?? 60_000} ms`));
        }
      }, this.options.readyTimeoutMs ?? 60_000);
      proc.onMessage((raw) => {
        const parsed = parseMessage(EngineEvent, raw);
        if (!parsed.ok) {
          this.emit('invalid', `engine sent an invalid message (${parsed.error}); ignored`);
          return;
        }
        if (parsed.value.type === 'ready' && !isReady) {
          isReady = true;
          this.setupProblems = parsed.value.setupProblems ?? [];
          clearTimeout(timeout);
          this.watchdog.reset(Date.now());
          watching = setInterval(() => {
            const hung = this.watchdog.check(Date.now());
            if (!hung || this.process !== proc) return;
            clearInterval(watching);
            const event: HostEvent = {
              type: 'engineHung',
              kind: hung.kind,
              ...(hung.jobId ? { jobId: hung.jobId } : {}),
              ...(hung.stage ? { stage: hung.stage } : {}),
              silentMs: hung.silentMs,
              limitMs: hung.limitMs,
            };
            this.emit('event', event);
            proc.kill('SIGTERM');
            killing = setTimeout(() => proc.kill('SIGKILL'), this.options.killGraceMs ?? 2000);
          }, checkEvery(this.watchdog.limits));
          watching.unref();
          resolve();
        }
        if (isReady) this.watchdog.observe(parsed.value, Date.now());
        // heartbeats and silence notices are the watchdog's business, not the studio's
        if (parsed.value.type === 'heartbeat' || parsed.value.type === 'expectSilence') return;
        this.emit('event', parsed.value);
      });
      proc.onExit((code, signal) => {
        clearTimeout(timeout);
        clearInterval(watching);
        clearTimeout(killing);
        if (this.process === proc) {
          this.process = undefined;
          this.ready = undefined;
        }
        if (!isReady)
          reject(new Error(`the engine exited before it was ready (code ${code}, signal ${signal})`));
        this.onExit(code, signal, stderr.value);
      });
    });
  }

  private onExit(code: number | null, signal: string | null, stderrTail: string): void {
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < (this.options.crashWindowMs ?? 60_000));
    if (!this.stopping) this.crashes.push(now);
    const willRestart = !this.stopping && this.crashes.length <= (this.options.maxRestarts ?? 5);
    const why = code === 0 ? undefined : classifyEngineExit(stderrTail);
    const exited: HostEvent = {
      type: 'engineExited',
      code,
      signal,
      willRestart,
      ...(why?.cause === 'out-of-memory' ? { cause: why.cause, detail: why.line } : {}),
    };
    this.emit('event', exited);
    if (!willRestart) return;
    this.start().then(
      () => {
        const restarted: HostEvent = { type: 'engineRestarted', pid: this.process?.pid ?? -1 };
        this.emit('event', restarted);
        this.emit('restarted');
      },
      (error: Error) => {
        this.emit('invalid', `engine restart failed: ${error.message}`);
        this.emit('restartFailed', error.message);
      },
    );
  }
}

/** How often the watchdog looks: often enough to act within a few percent of the shortest limit. */
function checkEvery(limits: WatchdogLimits): number {
  return Math.max(50, Math.min(1000, Math.floor(Math.min(limits.heartbeatMs, limits.progressMs) / 10)));
}
