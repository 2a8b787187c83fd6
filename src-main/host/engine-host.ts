/**
 * Owns the engine process: starts it, validates every message both ways, notices when it dies,
 * reports that, and starts a new one. What to do with the job that was running is the backend's call.
 */
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

export interface EngineHostOptions {
  launcher: EngineLauncher;
  /** How long a fresh engine may take to say `ready`. */
  readyTimeoutMs?: number;
  /** Crashes tolerated within `crashWindowMs` before the host gives up restarting. */
  maxRestarts?: number;
  crashWindowMs?: number;
}

export class EngineHost extends EventEmitter<{ event: [StudioEvent]; restarted: []; invalid: [string] }> {
  private process: EngineProcess | undefined;
  private ready: Promise<void> | undefined;
  private stopping = false;
  private crashes: number[] = [];
  /** What the engine's installation lacks, from its last `ready` (jobs fail before their first stage). */
  setupProblems: ErrorInfo[] = [];

  constructor(private readonly options: EngineHostOptions) {
    super();
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
    await this.start();
    const requestId = randomBytes(6).toString('hex');
    const answer = new Promise<EngineDiagnostics>((resolve, reject) => {
      const listener = (event: StudioEvent): void => {
        if (event.type === 'diagnostics' && event.requestId === requestId) {
          this.off('event', listener);
          resolve(event.diagnostics);
        } else if (event.type === 'error' && !('jobId' in event && event.jobId)) {
          this.off('event', listener);
          reject(new Error(event.error.message));
        } else if (event.type === 'engineExited') {
          this.off('event', listener);
          reject(new Error('the engine stopped while gathering diagnostics'));
        }
      };
      this.on('event', listener);
    });
    this.send({ type: 'diagnose', requestId });
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
    return new Promise<void>((resolve, reject) => {
      let isReady = false;
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
          resolve();
        }
        this.emit('event', parsed.value);
      });
      proc.onExit((code, signal) => {
        clearTimeout(timeout);
        if (this.process === proc) {
          this.process = undefined;
          this.ready = undefined;
        }
        if (!isReady)
          reject(new Error(`the engine exited before it was ready (code ${code}, signal ${signal})`));
        this.onExit(code, signal);
      });
    });
  }

  private onExit(code: number | null, signal: string | null): void {
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < (this.options.crashWindowMs ?? 60_000));
    if (!this.stopping) this.crashes.push(now);
    const willRestart = !this.stopping && this.crashes.length <= (this.options.maxRestarts ?? 5);
    const exited: HostEvent = { type: 'engineExited', code, signal, willRestart };
    this.emit('event', exited);
    if (!willRestart) return;
    this.start().then(
      () => {
        const restarted: HostEvent = { type: 'engineRestarted', pid: this.process?.pid ?? -1 };
        this.emit('event', restarted);
        this.emit('restarted');
      },
      (error: Error) => this.emit('invalid', `engine restart failed: ${error.message}`),
    );
  }
}
