/**
 * A farm worker: takes head jobs from the BullMQ queue and runs each through the same StudioBackend
 * (job store + engine child process) as the CLI, on the job folder the submitter made in the shared
 * folder. A job that another worker left half-done (killed, stalled) is resumed from its last finished
 * stage. A photo's own failure is an UnrecoverableError (failed once, never retried); the farm's
 * failures (a crash, a missing pack, a full disk) are plain errors, retried — maybe by another worker.
 */
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { nodeEngineLauncher } from '../host/engine-process';
import { StudioBackend } from '../host/studio-backend';
import type { StudioEvent } from '../shared/protocol';
import { copyExports, packageVersion } from '../cli/cli-backend';
import {
  batchMetaKey,
  FarmJobData,
  farmRedis,
  QUEUE_NAME,
  connectRedis,
  WORKER_TTL_S,
  workerKey,
  WORKERS_KEY,
  type FarmProgress,
  type WorkerHeartbeat,
} from './farm-queue';
import { defaultPacksDir, missingPacks } from './pack-requirements';

/** Error codes that belong to the photo (or its settings): the same photo would fail again anywhere. */
export const PHOTO_FAILURES = new Set([
  'empty-file',
  'not-an-image',
  'corrupt-image',
  'unsupported-format',
  'image-too-large',
  'no-face',
  'several-faces',
  'face-index-out-of-range',
  'missing-input',
]);

const STAGES = ['ingest', 'segment', 'estimate', 'generate', 'export'];

export type FarmDevice = 'cpu' | `gpu:${number}`;

export interface FarmWorkerOptions {
  redis: string;
  concurrency: number;
  device: FarmDevice;
  packsDir?: string;
  name?: string;
  /** BullMQ's lock on a running job; a worker silent this long is taken for dead (default 30 s). */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for (default 15 s). */
  stalledIntervalMs?: number;
  log?: (line: string) => void;
}

export interface FarmJobResult {
  jobId: string;
  worker: string;
  outDir: string;
  files: string[];
  /** Stages already done in the job folder when this worker took the job (a resumed job has some). */
  resumedAfter: string[];
}

interface Slot {
  backend?: StudioBackend;
  busy: boolean;
}

export interface RunningFarmWorker {
  readonly name: string;
  readonly worker: Worker;
  close(): Promise<void>;
}

export async function startFarmWorker(options: FarmWorkerOptions): Promise<RunningFarmWorker> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const packsDir = resolve(options.packsDir ?? defaultPacksDir());
  const studioVersion = await packageVersion();
  const slots: Slot[] = Array.from({ length: options.concurrency }, () => ({ busy: false }));
  const stats = { done: 0, failed: 0, refused: 0, running: new Set<string>() };
  const startedAt = new Date().toISOString();

  const engineEnv: NodeJS.ProcessEnv = { GEN3D_PACKS_DIR: packsDir };
  if (options.device === 'cpu')
    Object.assign(engineEnv, { GEN3D_NATIVE_FORCE_CPU: '1', CUDA_VISIBLE_DEVICES: '' });
  else engineEnv.CUDA_VISIBLE_DEVICES = options.device.slice('gpu:'.length);

  /** A backend (one engine process) for the job folders under jobsRoot, kept warm between jobs. */
  async function acquire(jobsRoot: string): Promise<Slot> {
    const slot = slots.find((s) => !s.busy);
    if (!slot) throw new Error('no free slot (more jobs than --concurrency)');
    slot.busy = true;
    try {
      if (slot.backend && slot.backend.store.root !== jobsRoot) {
        await slot.backend.stop();
        slot.backend = undefined;
      }
      if (!slot.backend) {
        const backend = new StudioBackend({
          jobsRoot,
          launcher: nodeEngineLauncher({ env: engineEnv }),
          versions: { studio: studioVersion },
        });
        // Not backend.start(): its store.open() would mark other workers' running jobs interrupted.
        await backend.engine.start();
        const problems = backend.engine.setupProblems;
        if (problems.length > 0) {
          await backend.stop();
          throw new Error(`set-up incomplete on ${name}: ${problems.map((p) => p.message).join('; ')}`);
        }
        slot.backend = backend;
      }
      return slot;
    } catch (error) {
      slot.busy = false;
      throw error;
    }
  }

  async function processHead(job: Job, _token?: string, signal?: AbortSignal): Promise<FarmJobResult> {
    const parsed = FarmJobData.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`not a farm job: ${parsed.error.message}`);
    const data = parsed.data;
    const client = await farmRedis(worker);
    if ((await client.hget(batchMetaKey(data.batchId), 'cancelled')) === '1')
      throw new UnrecoverableError('cancelled: the batch was cancelled');
    const refusal = await missingPacks(packsDir, data.packs);
    if (refusal) {
      stats.refused++;
      log(`${name}: refused ${job.id}: ${refusal}`);
      throw new Error(`refused by ${name}: ${refusal}`);
    }
    const out = resolve(data.out);
    const slot = await acquire(join(out, '.jobs'));
    const backend = slot.backend!;
    stats.running.add(data.jobId);
    let cancelPoll: NodeJS.Timeout | undefined;
    const onEvent = (event: StudioEvent): void => {
      if (!('jobId' in event) || event.jobId !== data.jobId) return;
      if (event.type === 'stageStarted' || event.type === 'stageDone' || event.type === 'progress') {
        const index = Math.max(0, STAGES.indexOf(event.stage));
        const within =
          event.type === 'progress' ? event.step / event.total : event.type === 'stageDone' ? 1 : 0;
        const progress: FarmProgress = {
          percent: Math.min(100, Math.round(((index + within) / STAGES.length) * 100)),
          stage: event.stage,
          worker: name,
        };
        void job.updateProgress(progress).catch(() => undefined);
      }
    };
    try {
      const record = await backend.store.get(data.jobId).catch(() => {
        throw new Error(
          `no job folder ${data.jobId} in ${join(out, '.jobs')} on ${name}: is the shared folder mounted at ${out}?`,
        );
      });
      const resumedAfter = STAGES.filter(
        (s) => record.stages[s as keyof typeof record.stages]?.state === 'done',
      );
      if (record.state !== 'done') {
        log(
          `${name}: ${job.id} ${data.sourceName}${resumedAfter.length ? ` (resuming after ${resumedAfter.join(', ')})` : ''}`,
        );
        backend.on('event', onEvent);
        const outcome = backend.waitForJob(data.jobId);
        const cancel = (): void => void backend.cancelJob(data.jobId);
        signal?.addEventListener('abort', cancel, { once: true });
        cancelPoll = setInterval(() => {
          void client
            .hget(batchMetaKey(data.batchId), 'cancelled')
            .then((c: string | null) => (c === '1' ? cancel() : undefined))
            .catch(() => undefined);
        }, 1000);
        await backend.resumeJob(data.jobId);
        const ended = await outcome;
        if (ended.state === 'cancelled') throw new UnrecoverableError('cancelled');
        // 'interrupted': the engine hung (watchdog); BullMQ's retry resumes it, perhaps on another worker
        if (ended.state === 'failed' || ended.state === 'interrupted') {
          const error = ended.job.error;
          const reason = `${error?.code ?? 'failed'}: ${error?.message ?? 'the job failed'}`;
          if (error && PHOTO_FAILURES.has(error.code)) throw new UnrecoverableError(reason);
          throw new Error(reason);
        }
      }
      const done = await backend.store.get(data.jobId);
      const outDir = join(out, data.outName);
      const files = await copyExports(backend, done, outDir);
      stats.done++;
      return { jobId: data.jobId, worker: name, outDir, files, resumedAfter };
    } catch (error) {
      stats.failed++;
      throw error;
    } finally {
      clearInterval(cancelPoll);
      backend.off('event', onEvent);
      stats.running.delete(data.jobId);
      slot.busy = false;
    }
  }

  const redisConnection = await connectRedis(options.redis, true);
  const worker = new Worker(QUEUE_NAME, processHead, {
    connection: redisConnection.connection,
    concurrency: options.concurrency,
    name,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 15_000,
    // A job whose worker died is handed on (and resumed) this many times before it fails.
    maxStalledCount: 3,
    autorun: false,
  });
  worker.on('error', (error) => log(`${name}: redis: ${error.message}`));
  worker.on('failed', (job, error) => log(`${name}: ${job?.id ?? '?'} failed: ${error.message}`));
  worker.on('completed', (job) => log(`${name}: ${job.id} done`));
  // Another worker may own the job now (this one was taken for dead): stop, so that one job folder
  // never has two engines writing into it.
  worker.on('lockRenewalFailed', (jobIds) => {
    for (const id of jobIds) worker.cancelJob(id, 'lock lost');
  });

  const heartbeat = async (): Promise<void> => {
    const beat: WorkerHeartbeat = {
      name,
      host: hostname(),
      pid: process.pid,
      device: options.device,
      concurrency: options.concurrency,
      running: [...stats.running],
      done: stats.done,
      failed: stats.failed,
      refused: stats.refused,
      startedAt,
      seenAt: new Date().toISOString(),
    };
    const client = await farmRedis(worker);
    await client.set(workerKey(name), JSON.stringify(beat), { EX: WORKER_TTL_S });
    await client.runCommand('sadd', [WORKERS_KEY, name]);
  };
  const beating = setInterval(() => void heartbeat().catch(() => undefined), 3000);
  await worker.waitUntilReady();
  await heartbeat().catch(() => undefined);
  void worker.run();
  log(
    `${name}: waiting for jobs (concurrency ${options.concurrency}, device ${options.device}, packs ${packsDir})`,
  );

  return {
    name,
    worker,
    async close() {
      clearInterval(beating);
      const client = await farmRedis(worker).catch(() => undefined);
      await client?.del(workerKey(name)).catch(() => undefined);
      await worker.close();
      await redisConnection.close();
      await Promise.all(slots.map((s) => s.backend?.stop()));
    },
  };
}
