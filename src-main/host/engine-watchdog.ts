/**
 * The engine watchdog's bookkeeping: when the engine last showed a sign of life (any message: its
 * heartbeat comes from a timer of its event loop, so a synchronous call that never returns silences
 * it), when the running job last made progress (a stage started or ended, a progress step, an
 * artifact: a stage awaiting a promise that never settles keeps the heartbeat going but stops these),
 * and whether the engine announced a longer silence (`expectSilence`). `check` says when either limit
 * is passed; the host then kills and restarts the engine (engine-host.ts).
 */
import { endsJobRun, type EngineEvent, type StageId } from '../shared/protocol';

export interface WatchdogLimits {
  /** Longest time without any message from the engine (its heartbeat every few seconds). */
  heartbeatMs: number;
  /** Longest time a running job may go without progress (stage start/end, progress, artifact). */
  progressMs: number;
}

/** Generous: a healthy engine sends a heartbeat every 5 s, and stages report progress far more often. */
export const DEFAULT_WATCHDOG_LIMITS: WatchdogLimits = { heartbeatMs: 120_000, progressMs: 15 * 60_000 };

/** How often the engine sends its heartbeat unless GEN3D_HEARTBEAT_MS says otherwise. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;

export interface HangVerdict {
  kind: 'heartbeat' | 'progress';
  jobId?: string;
  stage?: StageId;
  silentMs: number;
  limitMs: number;
}

/**
 * The limits from the environment (seconds): GEN3D_WATCHDOG_S (no heartbeat) and
 * GEN3D_WATCHDOG_PROGRESS_S (no progress of a job); unset or invalid → the defaults.
 */
export function watchdogLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): WatchdogLimits {
  const seconds = (value: string | undefined, fallback: number): number => {
    const n = Number(value);
    return value !== undefined && value !== '' && Number.isFinite(n) && n > 0
      ? Math.round(n * 1000)
      : fallback;
  };
  return {
    heartbeatMs: seconds(env.GEN3D_WATCHDOG_S, DEFAULT_WATCHDOG_LIMITS.heartbeatMs),
    progressMs: seconds(env.GEN3D_WATCHDOG_PROGRESS_S, DEFAULT_WATCHDOG_LIMITS.progressMs),
  };
}

export class EngineWatchdog {
  private lastLife = 0;
  private lastProgress = 0;
  private running: { jobId: string; stage?: StageId } | undefined;
  /** Until when the engine said it may be silent (0: no allowance). */
  private silenceUntil = 0;

  constructor(public limits: WatchdogLimits) {}

  /** A fresh engine: nothing running, the clocks start now. */
  reset(now: number): void {
    this.lastLife = now;
    this.lastProgress = now;
    this.running = undefined;
    this.silenceUntil = 0;
  }

  observe(event: EngineEvent, now: number): void {
    this.lastLife = now;
    switch (event.type) {
      case 'stageStarted':
        this.running = { jobId: event.jobId, stage: event.stage };
        this.lastProgress = now;
        this.silenceUntil = 0;
        return;
      case 'progress':
      case 'artifact':
        this.running = { jobId: event.jobId, stage: event.stage };
        this.lastProgress = now;
        return;
      case 'stageDone':
        this.running = { jobId: event.jobId };
        this.lastProgress = now;
        this.silenceUntil = 0;
        return;
      case 'expectSilence':
        this.silenceUntil = event.ms > 0 ? now + event.ms : 0;
        return;
      default:
        if (endsJobRun(event)) {
          this.running = undefined;
          this.silenceUntil = 0;
        }
    }
  }

  /** A hang when a limit (or the announced silence, if longer) is passed; undefined otherwise. */
  check(now: number): HangVerdict | undefined {
    const where = this.running ? { jobId: this.running.jobId, stage: this.running.stage } : {};
    const heartbeatLimit = Math.max(this.limits.heartbeatMs, this.silenceUntil - this.lastLife);
    if (now - this.lastLife > heartbeatLimit)
      return { kind: 'heartbeat', ...where, silentMs: now - this.lastLife, limitMs: heartbeatLimit };
    if (!this.running) return undefined;
    const progressLimit = Math.max(this.limits.progressMs, this.silenceUntil - this.lastProgress);
    if (now - this.lastProgress > progressLimit)
      return { kind: 'progress', ...where, silentMs: now - this.lastProgress, limitMs: progressLimit };
    return undefined;
  }
}
