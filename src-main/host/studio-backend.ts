/**
 * The studio's backend: the job store plus the engine host, behind the same operations the renderer's
 * API offers. Electron's main process, the CLI and the browser tests all drive this one object.
 */
import { outOfMemoryError, outOfMemoryFallback } from './out-of-memory';
import { EventEmitter } from 'node:events';
import { readFile, rm, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import {
  endsJobRun,
  JobSettings,
  type ErrorInfo,
  type EstimatorAvailability,
  type EstimatorId,
  type JobFolders,
  type JobRecord,
  type JobSettingsInput,
  type PackInfo,
  type StageId,
  type StudioEvent,
} from '../shared/protocol';
import type { EngineDiagnostics } from '../shared/diagnostics';
import { EngineHost } from './engine-host';
import { watchdogLimitsFromEnv, type WatchdogLimits } from './engine-watchdog';
import type { EngineLauncher } from './engine-process';
import { acquireJobLock, type JobLock } from './job-lock';
import { JobStore } from './job-store';
import { installPackVia, removePackVia } from './pack-requests';
import { createLogWriter, logLineFor, type LogWriter } from './studio-log';
import { saveViewportScreenshot } from './viewport-screenshots';
import { updateJobRecord } from '../shared/job-folder';
import { assertViewCandidateAllowed } from './view-candidate-checks';
import { candidateScratchPath } from '../shared/view-candidate-rules';

/** Inputs bigger than this are refused before they are copied into a job. */
export const MAX_INPUT_BYTES = 200 * 1024 * 1024;
/** How long the engine gets to acknowledge a cancel before it is killed (the issue asks for ≤ 1 s). */
const CANCEL_GRACE_MS = 800;
/** How long the engine gets to look at the packs folder for `listEstimators` and `listPacks`. */
const ENGINE_LIST_TIMEOUT_MS = 15_000;

export type JobOutcome =
  | { state: 'done'; job: JobRecord }
  | { state: 'failed'; job: JobRecord }
  | { state: 'cancelled'; job: JobRecord }
  /** The engine hung (watchdog): killed and restarted, the job left to resume by hand (job.error says why). */
  | { state: 'interrupted'; job: JobRecord }
  /** An estimator switch whose estimate failed: the job is as it was before the switch. */
  | { state: 'switchFailed'; job: JobRecord; error: ErrorInfo };

export interface StudioBackendOptions {
  jobsRoot: string;
  launcher: EngineLauncher;
  /** Resume the running job after an engine crash (at most this many times per job). */
  autoResumeLimit?: number;
  versions?: Record<string, string>;
  /** Append the events worth keeping (errors, crashes, job ends) to this log file (studio-log.ts). */
  logFile?: string;
  /** The engine watchdog's limits; unset: GEN3D_WATCHDOG_S / GEN3D_WATCHDOG_PROGRESS_S, else the defaults. */
  watchdog?: Partial<WatchdogLimits>;
  /** Crash-loop guard of the engine host (unset: 5 restarts within 60 s). */
  engineRestarts?: { maxRestarts: number; crashWindowMs: number };
}

/** The error code of a job the watchdog interrupted (a hung engine). */
export const ENGINE_HUNG = 'engine-hung';

/** The stage a job record says was running when it stopped. */
function runningStage(job: JobRecord): StageId | undefined {
  return (Object.entries(job.stages) as [StageId, { state: string }][]).find(
    ([, s]) => s.state === 'running',
  )?.[0];
}

export class StudioBackend extends EventEmitter<{ event: [StudioEvent] }> {
  readonly store: JobStore;
  readonly engine: EngineHost;
  private activeJob: string | undefined;
  /** The last engine exit was for want of memory (the line that said so). */
  private lastExitOutOfMemory: string | undefined;
  /** Jobs already re-run with a smaller working photo after running out of memory. */
  private readonly outOfMemoryRetries = new Set<string>();
  private readonly resumes = new Map<string, number>();
  private readonly cancelling = new Set<string>();
  /** Jobs whose run is a view candidate's sampling (regenerateView), not their stages. */
  private readonly candidateRuns = new Map<string, { view: number; seed: number }>();
  /** The job lock held while a job runs here (from start/resume/rerun to its end, crashes included). */
  private readonly locks = new Map<string, JobLock>();
  private readonly releasing = new Set<Promise<void>>();
  private readonly log: LogWriter | undefined;
  /** The watchdog's finding about the active job, from `engineHung` until the job's run is ended. */
  private hang:
    | {
        jobId: string;
        stage?: StageId;
        state: 'interrupted' | 'failed';
        /** Its message still lacks what became of the engine (restarted or not). */
        error: ErrorInfo;
      }
    | undefined;
  /** The stage each job last hung at, so a second hang there fails the job instead of looping. */
  private readonly hungAt = new Map<string, StageId | undefined>();

  constructor(private readonly options: StudioBackendOptions) {
    super();
    this.store = new JobStore(options.jobsRoot);
    this.engine = new EngineHost({
      launcher: options.launcher,
      watchdog: options.watchdog ?? watchdogLimitsFromEnv(),
      ...options.engineRestarts,
    });
    this.engine.on('event', (event) => this.onEngineEvent(event));
    this.engine.on('restarted', () => void this.onEngineRestarted());
    this.engine.on('restartFailed', (reason) => void this.onEngineRestartFailed(reason));
    if (options.logFile) {
      const log = createLogWriter(options.logFile);
      this.log = log;
      this.on('event', (event) => {
        const line = logLineFor(event);
        if (line) log.write(line);
      });
    }
  }

  async start(): Promise<void> {
    await this.store.open();
    await this.engine.start();
  }

  /** What the engine's installation lacks, from its `ready` (starts the engine if needed). */
  async setupProblems(): Promise<ErrorInfo[]> {
    await this.engine.start();
    return this.engine.setupProblems;
  }

  /** The engine's diagnostics (providers, native addon, packs verified), for the studio's provider panel. */
  diagnostics(): Promise<EngineDiagnostics> {
    return this.engine.diagnose();
  }

  async stop(): Promise<void> {
    await this.engine.stop();
    for (const jobId of [...this.locks.keys()]) this.unlockJob(jobId);
    await Promise.all([...this.releasing]);
    await this.log?.flushed();
  }

  async importPhoto(path: string, settings?: JobSettingsInput): Promise<JobRecord> {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) throw new Error(`${path} is not a file`);
    if (info.size > MAX_INPUT_BYTES) {
      throw new Error(
        `${basename(path)} is ${(info.size / 2 ** 20).toFixed(0)} MB; the limit is ${MAX_INPUT_BYTES / 2 ** 20} MB`,
      );
    }
    return this.importPhotoBytes(basename(path), await readFile(path), settings);
  }

  async importPhotoBytes(name: string, bytes: Uint8Array, settings?: JobSettingsInput): Promise<JobRecord> {
    if (bytes.byteLength > MAX_INPUT_BYTES)
      throw new Error(`${name} is larger than ${MAX_INPUT_BYTES / 2 ** 20} MB`);
    const job = await this.store.create({
      photoBytes: bytes,
      sourceName: name,
      settings,
      versions: this.options.versions,
    });
    await this.runJob(job.id, 'start');
    return job;
  }

  listJobs(): Promise<JobRecord[]> {
    return this.store.list();
  }

  listJobFolders(): Promise<JobFolders> {
    return this.store.listFolders();
  }

  getJob(jobId: string): Promise<JobRecord> {
    return this.store.get(jobId);
  }

  async deleteJob(jobId: string): Promise<void> {
    if (this.activeJob === jobId) await this.cancelJob(jobId);
    await Promise.all([...this.releasing]); // our own lock of it, freed by the cancel
    await this.store.delete(jobId);
  }

  async resumeJob(jobId: string): Promise<JobRecord> {
    const job = await this.store.get(jobId);
    if (job.state === 'done') return job;
    // A job the watchdog interrupted (in this process or an earlier one): remember where it hung.
    if (job.state === 'interrupted' && job.error?.code === ENGINE_HUNG && !this.hungAt.has(jobId))
      this.hungAt.set(jobId, runningStage(job));
    await this.runJob(jobId, 'resume');
    return job;
  }

  async rerunStage(
    jobId: string,
    fromStage: StageId,
    settings?: JobSettingsInput,
    only = false,
  ): Promise<JobRecord> {
    await this.runClaimed(jobId, async () => {
      if (settings) {
        await updateJobRecord(this.store.jobDir(jobId), (r) => ({
          ...r,
          settings: JobSettings.parse({ ...r.settings, ...settings }),
        }));
      }
      this.engine.send({ type: 'rerun', jobId, jobDir: this.store.jobDir(jobId), fromStage, only });
    });
    return this.store.get(jobId);
  }

  /**
   * Re-run estimate → export with another estimator; if its estimate fails, the engine keeps the
   * job's previous estimate and results and says so (`estimatorSwitchFailed`) instead of failing it.
   */
  async switchEstimator(jobId: string, estimator: EstimatorId): Promise<JobRecord> {
    const job = await this.store.get(jobId);
    await this.runClaimed(jobId, () =>
      this.engine.send({ type: 'switchEstimator', jobId, jobDir: this.store.jobDir(jobId), estimator }),
    );
    return job;
  }

  /**
   * Sample the job's views again with `seed` for view `view`: the engine writes only the candidate
   * (views/candidates/NN-seed<seed>.png) and ends with a `viewCandidate` event.
   */
  async regenerateView(jobId: string, view: number, seed: number): Promise<void> {
    await this.sendViewCandidate('regenerateView', jobId, view, seed, true);
  }

  /** The candidate replaces views/NN.png (the old one kept), then reconstruct → export run again. */
  async keepViewCandidate(jobId: string, view: number, seed: number): Promise<void> {
    await this.sendViewCandidate('keepViewCandidate', jobId, view, seed, true);
  }

  /** Delete the candidate (the job does not run). */
  async discardViewCandidate(jobId: string, view: number, seed: number): Promise<void> {
    await this.sendViewCandidate('discardViewCandidate', jobId, view, seed, false);
  }

  private async sendViewCandidate(
    type: 'regenerateView' | 'keepViewCandidate' | 'discardViewCandidate',
    jobId: string,
    view: number,
    seed: number,
    claim: boolean,
  ): Promise<void> {
    const jobDir = this.store.jobDir(jobId);
    await assertViewCandidateAllowed(jobDir, await this.store.get(jobId), view, this.activeJob === jobId);
    const send = (): void => this.engine.send({ type, jobId, jobDir, view, seed });
    if (!claim) return send();
    await this.runClaimed(jobId, send);
    if (type === 'regenerateView') this.candidateRuns.set(jobId, { view, seed });
  }

  /** Which estimators the engine can run now, and for the others which pack is missing and how to add it. */
  async listEstimators(): Promise<EstimatorAvailability[]> {
    const answer = await this.engine.request(
      (requestId) => ({ type: 'listEstimators', requestId }),
      (event) => (event.type === 'estimators' ? event : undefined),
      { timeoutMs: ENGINE_LIST_TIMEOUT_MS, timeoutMessage: 'the engine did not list its estimators in time' },
    );
    return answer.estimators;
  }

  /** The installed packs (built-in and the packs folder's), each with the engine's quick check. */
  async listPacks(): Promise<PackInfo[]> {
    const answer = await this.engine.request(
      (requestId) => ({ type: 'listPacks', requestId }),
      (event) => (event.type === 'packs' ? event : undefined),
      { timeoutMs: ENGINE_LIST_TIMEOUT_MS, timeoutMessage: 'the engine did not list its packs in time' },
    );
    return answer.packs;
  }

  /** Install a pack from a folder or .zip: verified, then renamed into the packs folder, or nothing changes. */
  installPack(source: string, replace = false): Promise<PackInfo> {
    return installPackVia(this.engine, source, replace);
  }

  /** Remove a user-installed pack (built-in ones are refused). */
  removePack(id: string): Promise<PackInfo> {
    return removePackVia(this.engine, id);
  }

  /** Stop a job within about a second: ask the engine, and kill it if it does not answer in time. */
  async cancelJob(jobId: string): Promise<void> {
    if (this.activeJob !== jobId) return;
    this.cancelling.add(jobId);
    const acknowledged = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.off('event', listener);
        resolve(false);
      }, CANCEL_GRACE_MS);
      const listener = (event: StudioEvent): void => {
        if (endsJobRun(event) && 'jobId' in event && event.jobId === jobId) {
          clearTimeout(timer);
          this.off('event', listener);
          resolve(true);
        }
      };
      this.on('event', listener);
    });
    let asked = true;
    try {
      this.engine.send({ type: 'cancel', jobId });
    } catch {
      asked = false; // the engine is down (e.g. restarting after a crash): nothing to ask, just record it
    }
    if (!asked || !(await acknowledged)) {
      const candidate = this.candidateRuns.get(jobId);
      if (candidate) {
        await this.killForCandidate(jobId, candidate);
      } else {
        this.engine.kill();
        await this.markCancelled(jobId);
        this.emit('event', { type: 'cancelled', jobId });
      }
    }
    this.cancelling.delete(jobId);
  }

  /**
   * Only a view candidate was being sampled and the engine did not stop in time: it is killed, and
   * once it is back its scratch folder is removed and the candidate reported cancelled, so a new seed
   * can be asked for at once. The job itself stays as it was (done).
   */
  private async killForCandidate(jobId: string, candidate: { view: number; seed: number }): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      const listener = (event: StudioEvent): void => {
        if (event.type !== 'engineExited') return;
        this.engine.off('event', listener);
        resolve();
      };
      this.engine.on('event', listener);
    });
    this.engine.kill();
    await exited;
    await this.engine.start().catch(() => undefined);
    const scratch = join(this.store.jobDir(jobId), candidateScratchPath(candidate.view, candidate.seed));
    await rm(scratch, { recursive: true, force: true }).catch(() => undefined);
    this.endJob(jobId);
    this.emit('event', { type: 'viewCandidate', jobId, ...candidate, state: 'cancelled' });
  }

  /** Resolves when the job ends, however it ends. */
  waitForJob(jobId: string): Promise<JobOutcome> {
    return new Promise((resolve) => {
      const listener = (event: StudioEvent): void => {
        if (!('jobId' in event) || event.jobId !== jobId) return;
        if (!endsJobRun(event)) return;
        this.off('event', listener);
        void this.store.get(jobId).then((job) => {
          if (event.type === 'estimatorSwitchFailed')
            resolve({ state: 'switchFailed', job, error: event.error });
          else if (event.type === 'error' && job.state === 'interrupted')
            resolve({ state: 'interrupted', job });
          else
            resolve({
              state: event.type === 'jobDone' ? 'done' : event.type === 'cancelled' ? 'cancelled' : 'failed',
              job,
            });
        });
      };
      this.on('event', listener);
    });
  }

  /** Absolute path of a file inside a job folder; refuses paths that leave it. */
  artifactPath(jobId: string, path: string): string {
    const dir = this.store.jobDir(jobId);
    const full = resolve(dir, path);
    if (relative(dir, full).startsWith('..') || !full.startsWith(dir + sep))
      throw new Error(`${path} is outside the job folder`);
    return full;
  }

  async readArtifact(jobId: string, path: string): Promise<Uint8Array> {
    return readFile(this.artifactPath(jobId, path));
  }

  /** A PNG of the 3D viewport into the job folder (`screenshots/viewport-<n>.png`); returns that path. */
  async saveScreenshot(jobId: string, png: Uint8Array): Promise<string> {
    await this.getJob(jobId); // the job must exist: no folder is made for an unknown id
    return saveViewportScreenshot(this.store.jobDir(jobId), png);
  }

  private async runJob(jobId: string, type: 'start' | 'resume'): Promise<void> {
    await this.runClaimed(jobId, () =>
      this.engine.send({ type, jobId, jobDir: join(this.options.jobsRoot, jobId) }),
    );
  }

  /** Claim the job, then start its run with `start`; if that throws, the claim is let go again. */
  private async runClaimed(jobId: string, start: () => void | Promise<void>): Promise<void> {
    await this.claimJob(jobId);
    try {
      await start();
    } catch (error) {
      this.endJob(jobId);
      throw error;
    }
  }

  /** Make the job this backend's active one and take its lock (JobLockedError if another process has it). */
  private async claimJob(jobId: string): Promise<void> {
    this.assertIdle(jobId);
    this.activeJob = jobId; // before the await: a second call in this process is refused at once
    try {
      await Promise.all([...this.releasing]); // a lock of this job we are still freeing is not another's
      if (!this.locks.has(jobId))
        this.locks.set(jobId, await acquireJobLock(this.store.jobDir(jobId), jobId));
    } catch (error) {
      this.activeJob = undefined;
      throw error;
    }
  }

  /** The job ended here (done, failed, cancelled, given up after crashes): no longer active, lock freed. */
  private endJob(jobId: string): void {
    if (this.activeJob === jobId) this.activeJob = undefined;
    this.unlockJob(jobId);
  }

  private unlockJob(jobId: string): void {
    const lock = this.locks.get(jobId);
    if (!lock) return;
    this.locks.delete(jobId);
    const released = lock.release().finally(() => this.releasing.delete(released));
    this.releasing.add(released);
  }

  private assertIdle(jobId: string): void {
    if (this.activeJob && this.activeJob !== jobId) {
      throw new Error(`job ${this.activeJob} is still running; cancel it or wait for it to finish`);
    }
  }

  private onEngineEvent(event: StudioEvent): void {
    if ('jobId' in event && event.jobId && event.jobId === this.activeJob && endsJobRun(event))
      this.endJob(event.jobId);
    if (event.type === 'engineHung') this.onEngineHung(event);
    if (event.type === 'engineExited') {
      this.lastExitOutOfMemory =
        event.cause === 'out-of-memory' ? (event.detail ?? 'out of memory') : undefined;
      void this.onEngineExited(event.willRestart);
    }
    if (event.type === 'jobDone') this.hungAt.delete(event.jobId);
    if (event.type === 'viewCandidate' || event.type === 'jobDone') this.candidateRuns.delete(event.jobId);
    this.emit('event', event);
  }

  /**
   * The watchdog is about to kill the engine. The active job is marked interrupted with the reason —
   * or failed, when it hung at this stage before — and is not resumed by itself: a hang tends to come
   * back (the same provider, pack, photo). Its run ends once the engine is back (or given up).
   */
  private onEngineHung(event: Extract<StudioEvent, { type: 'engineHung' }>): void {
    const jobId = this.activeJob;
    if (!jobId || this.cancelling.has(jobId)) return;
    const stage = event.stage;
    const seconds = Math.round(event.silentMs / 1000);
    const where = stage ? `during ${stage}` : 'between stages';
    const again = this.hungAt.has(jobId) && this.hungAt.get(jobId) === stage;
    const what = event.kind === 'heartbeat' ? 'stopped responding' : 'made no progress';
    const error: ErrorInfo = {
      code: ENGINE_HUNG,
      message: `the engine ${what} ${where} for ${seconds} s${again ? ', the second time at this stage' : ''}`,
      hint: again
        ? 'Resume the job to try once more, or change its settings (provider, pack) first; the log has the details.'
        : 'Resume the job to try again; if it hangs again at the same stage, it fails.',
    };
    this.hungAt.set(jobId, stage);
    // recorded once the engine is gone (nothing it still writes can overwrite it) and its fate known
    this.hang = { jobId, ...(stage ? { stage } : {}), state: again ? 'failed' : 'interrupted', error };
  }

  private async onEngineExited(willRestart: boolean): Promise<void> {
    const jobId = this.activeJob;
    if (!jobId || this.cancelling.has(jobId)) return;
    const hang = this.hang;
    if (hang?.jobId === jobId) {
      if (!willRestart) await this.endHungJob('it was not restarted (it stopped too often)');
      return;
    }
    await this.store.setState(jobId, 'interrupted').catch(() => undefined);
  }

  /** The run of the job the watchdog interrupted ends: its record written, its lock freed, then the event. */
  private async endHungJob(engineFate: string): Promise<void> {
    const hang = this.hang;
    if (!hang) return;
    this.hang = undefined;
    const error = { ...hang.error, message: `${hang.error.message}; ${engineFate}` };
    await this.store.setState(hang.jobId, hang.state, error).catch(() => undefined);
    this.endJob(hang.jobId);
    this.emit('event', {
      type: 'error',
      jobId: hang.jobId,
      ...(hang.stage ? { stage: hang.stage } : {}),
      error,
    });
  }

  /** The engine could not be started again: the job that was running ends here, saying so. */
  private async onEngineRestartFailed(reason: string): Promise<void> {
    if (this.hang && this.hang.jobId === this.activeJob) {
      await this.endHungJob(`it could not be restarted (${reason})`);
      return;
    }
    const jobId = this.activeJob;
    if (!jobId || this.cancelling.has(jobId)) return;
    const error = {
      code: 'engine-crashed',
      message: `the engine stopped and could not be restarted (${reason})`,
      hint: 'Resume the job to try again.',
    };
    await this.store.setState(jobId, 'interrupted', error).catch(() => undefined);
    this.endJob(jobId);
    this.emit('event', { type: 'error', jobId, error });
  }

  private async onEngineRestarted(): Promise<void> {
    if (this.hang && this.hang.jobId === this.activeJob) {
      await this.endHungJob('it was restarted');
      return;
    }
    const jobId = this.activeJob;
    if (!jobId || this.cancelling.has(jobId)) {
      if (jobId) this.endJob(jobId);
      return;
    }
    if (this.lastExitOutOfMemory) {
      await this.onOutOfMemory(jobId, this.lastExitOutOfMemory);
      return;
    }
    const used = this.resumes.get(jobId) ?? 0;
    if (used >= (this.options.autoResumeLimit ?? 2)) {
      const error = {
        code: 'engine-crashed',
        message: `the engine stopped ${used + 1} times while running this job`,
        hint: 'Resume the job to try again.',
      };
      await this.store.setState(jobId, 'failed', error).catch(() => undefined);
      this.endJob(jobId);
      this.emit('event', { type: 'error', jobId, error });
      return;
    }
    this.resumes.set(jobId, used + 1);
    this.engine.send({ type: 'resume', jobId, jobDir: this.store.jobDir(jobId) });
  }

  /**
   * The engine ran out of memory in a job: once, the job runs again from ingest with a smaller working
   * photo (every later stage's memory scales with it); if it still does not fit, it fails saying so.
   */
  private async onOutOfMemory(jobId: string, detail: string): Promise<void> {
    const dir = this.store.jobDir(jobId);
    const job = await this.store.get(jobId);
    const stage = runningStage(job);
    const fallback = outOfMemoryFallback(job.settings, this.outOfMemoryRetries.has(jobId));
    if (fallback) {
      this.outOfMemoryRetries.add(jobId);
      await updateJobRecord(dir, (r) => ({ ...r, settings: { ...r.settings, ...fallback.settings } }));
      this.emit('event', { type: 'log', level: 'warn', message: `job ${jobId}: ${fallback.note}` });
      this.engine.send({ type: 'rerun', jobId, jobDir: dir, fromStage: 'ingest', only: false });
      return;
    }
    const error = outOfMemoryError(stage, detail, this.outOfMemoryRetries.has(jobId));
    await this.store.setState(jobId, 'failed', error).catch(() => undefined);
    this.endJob(jobId);
    this.emit('event', { type: 'error', jobId, ...(stage ? { stage } : {}), error });
  }

  private async markCancelled(jobId: string): Promise<void> {
    this.activeJob = undefined; // at once: the lock is freed only after the record says cancelled
    try {
      await updateJobRecord(this.store.jobDir(jobId), (r) => {
        const stages = Object.fromEntries(
          Object.entries(r.stages).map(([id, s]) => [
            id,
            s.state === 'running' ? { ...s, state: 'cancelled' as const } : s,
          ]),
        );
        return { ...r, state: 'cancelled', stages };
      });
    } finally {
      this.unlockJob(jobId);
    }
  }
}
