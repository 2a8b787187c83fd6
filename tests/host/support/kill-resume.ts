/**
 * Engine kills and app quits at seeded random moments of real jobs, for the fault test and its bench:
 * each job must resume (by itself after an engine kill, by Resume after the app is quit and opened
 * again), finish, and leave the same files as an uninterrupted run of the same photo — byte for byte,
 * apart from the records of timings. Between faults job.json must always be readable.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { nodeEngineLauncher } from '../../../src-main/host/engine-process';
import { StudioBackend } from '../../../src-main/host/studio-backend';
import { readJobRecord } from '../../../src-main/shared/job-folder';
import type { StageId, StudioEvent } from '../../../src-main/shared/protocol';
import { seededRandom } from '../../fuzz/support/seeded-random';
import { nextEvent } from '../../support/backend';

/** Files whose bytes hold timings (or the job's own id/state), compared by presence only. */
const TIMING_RECORDS = new Set(['job.json', 'report.json', 'mesh/hair/hair-report.json']);

export type Fault = 'engine-kill' | 'app-quit';

export interface FaultRecord {
  job: number;
  fault: Fault;
  /** ms after the job (or its last resume) started. */
  atMs: number;
  /** The stage running when the fault hit ('-' between stages or before the first). */
  stage: string;
}

export interface KillResumeResult {
  referenceMs: number;
  faults: FaultRecord[];
  jobs: {
    id: string;
    state: string;
    differences: string[];
    /** Stages that had finished (stageDone seen) and ran again after a fault: should be none. */
    rerunFinished: StageId[];
  }[];
  /** job.json read right after a fault that did not parse (should be none). */
  unreadableRecords: string[];
}

/** Every file under dir, relative to it, sorted. */
export async function listFiles(dir: string, root = dir): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path, root)));
    else files.push(relative(root, path));
  }
  return files.sort();
}

/** sha256 of every file of a finished job folder; timing records as a presence mark. */
export async function jobFingerprint(dir: string): Promise<Map<string, string>> {
  const prints = new Map<string, string>();
  for (const file of await listFiles(dir)) {
    if (file.endsWith('.lock') || file.includes('.tmp')) continue;
    prints.set(
      file,
      TIMING_RECORDS.has(file)
        ? 'present'
        : createHash('sha256')
            .update(await readFile(join(dir, file)))
            .digest('hex'),
    );
  }
  return prints;
}

export function fingerprintDifferences(expected: Map<string, string>, got: Map<string, string>): string[] {
  const differences: string[] = [];
  for (const [file, hash] of expected) {
    if (!got.has(file)) differences.push(`missing ${file}`);
    else if (got.get(file) !== hash) differences.push(`different ${file}`);
  }
  for (const file of got.keys()) if (!expected.has(file)) differences.push(`extra ${file}`);
  return differences;
}

function newBackend(jobsRoot: string): StudioBackend {
  // Deliberate faults must not trip the crash-loop guards meant for a broken installation.
  return new StudioBackend({
    jobsRoot,
    launcher: nodeEngineLauncher(),
    autoResumeLimit: 1000,
    engineRestarts: { maxRestarts: 1000, crashWindowMs: 1 },
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Follows one job's stages on a backend: the one running now, and finished ones that start again. */
class StageTracker {
  stage = '-';
  readonly finished = new Set<StageId>();
  readonly rerunFinished: StageId[] = [];
  private detach = (): void => undefined;

  constructor(private readonly jobId: string) {}

  attach(backend: StudioBackend): void {
    this.detach();
    const follow = (event: StudioEvent): void => {
      if (!('jobId' in event) || event.jobId !== this.jobId) return;
      if (event.type === 'stageStarted') {
        this.stage = event.stage;
        if (this.finished.has(event.stage)) this.rerunFinished.push(event.stage);
      } else if (event.type === 'stageDone') {
        this.stage = '-';
        this.finished.add(event.stage);
      }
    };
    backend.on('event', follow);
    this.detach = () => backend.off('event', follow);
  }

  stop(): void {
    this.detach();
  }
}

/** The next event of the job's run (a resumed run has reached the engine). */
const firstEventOf = (backend: StudioBackend, jobId: string) =>
  nextEvent(
    backend,
    (event) =>
      'jobId' in event &&
      event.jobId === jobId &&
      ['stageStarted', 'progress', 'jobDone', 'error', 'cancelled'].includes(event.type),
  );

/** The job's state once its run has ended (race-free: listens before it looks). */
async function settled(backend: StudioBackend, jobId: string): Promise<string> {
  const outcome = backend.waitForJob(jobId);
  const now = await backend.getJob(jobId);
  if (now.state !== 'running' && now.state !== 'created') return now.state;
  return (await outcome).state;
}

/**
 * Runs one uninterrupted reference job, then jobs of the same photo with `faults` faults spread over
 * them at random moments (every `appQuitEvery`-th an app quit, the others engine kills).
 */
export async function runKillResume(options: {
  jobsRoot: string;
  photo: string;
  faults: number;
  seed: number;
  appQuitEvery?: number;
  /** At most this many faults per job before the next job starts. */
  faultsPerJob?: number;
  log?: (line: string) => void;
}): Promise<KillResumeResult> {
  const random = seededRandom(options.seed).next;
  const log = options.log ?? (() => undefined);
  let backend = newBackend(options.jobsRoot);
  await backend.start();
  const result: KillResumeResult = { referenceMs: 0, faults: [], jobs: [], unreadableRecords: [] };
  try {
    const started = Date.now();
    const reference = await backend.importPhoto(options.photo);
    const referenceState = await settled(backend, reference.id);
    if (referenceState !== 'done') throw new Error(`the reference job ended ${referenceState}`);
    result.referenceMs = Date.now() - started;
    const expected = await jobFingerprint(backend.store.jobDir(reference.id));
    log(`reference job ${result.referenceMs} ms, ${expected.size} files`);

    let faultsLeft = options.faults;
    let typicalMs = result.referenceMs;
    for (let jobIndex = 0; faultsLeft > 0; jobIndex++) {
      const job = await backend.importPhoto(options.photo);
      const dir = backend.store.jobDir(job.id);
      const tracker = new StageTracker(job.id);
      tracker.attach(backend);
      let faultsHere = Math.min(faultsLeft, options.faultsPerJob ?? 5);
      while (faultsHere > 0) {
        const atMs = Math.round(random() * typicalMs * 0.9);
        const runStarted = Date.now();
        const ended = await Promise.race([
          settled(backend, job.id).then(() => true),
          sleep(atMs).then(() => false),
        ]);
        if (ended) {
          // Finished before the fault: the rest go to the next job. A whole run's length becomes
          // the span faults are drawn over (the machine's load changes how long a job takes).
          if (!result.faults.some((f) => f.job === jobIndex)) typicalMs = Date.now() - runStarted;
          break;
        }
        // Every `appQuitEvery`-th fault quits the app; the others kill the engine.
        const fault: Fault =
          (result.faults.length + 1) % (options.appQuitEvery ?? 3) === 0 ? 'app-quit' : 'engine-kill';
        const stage = tracker.stage;
        if (fault === 'engine-kill') {
          const resumed = firstEventOf(backend, job.id);
          backend.engine.kill('SIGKILL');
          await resumed; // the studio restarts the engine and resumes the job by itself
        } else {
          await backend.stop();
          backend = newBackend(options.jobsRoot);
          await backend.start();
          tracker.attach(backend);
        }
        const between = await readJobRecord(dir).catch((error: Error) => {
          result.unreadableRecords.push(`${job.id}: ${error.message}`);
          return undefined;
        });
        result.faults.push({ job: jobIndex, fault, atMs, stage });
        log(`fault ${result.faults.length}: ${fault} at ${atMs} ms during ${stage} (job ${between?.state})`);
        faultsHere--;
        faultsLeft--;
        // After an app quit the user resumes the job (Resume in the job list).
        if (fault === 'app-quit' && between?.state !== 'done') {
          const running = firstEventOf(backend, job.id);
          await backend.resumeJob(job.id);
          await running; // the record says running from here on
        }
      }
      const state = await settled(backend, job.id);
      tracker.stop();
      result.jobs.push({
        id: job.id,
        state,
        differences: fingerprintDifferences(expected, await jobFingerprint(dir)),
        rerunFinished: tracker.rerunFinished,
      });
      log(`job ${jobIndex} ${state}: ${result.jobs.at(-1)!.differences.length} differing files`);
    }
  } finally {
    await backend.stop();
  }
  return result;
}
