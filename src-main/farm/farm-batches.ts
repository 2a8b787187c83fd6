/**
 * The submitter's side of the farm: enqueue a batch (one BullMQ job per photo, its job folder made in
 * the shared folder first), read a batch's state, retry its failed jobs, cancel it.
 */
import { randomBytes } from 'node:crypto';
import { access, mkdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Queue, type Job, type JobState } from 'bullmq';
import { JobStore } from '../host/job-store';
import { MAX_INPUT_BYTES } from '../host/studio-backend';
import { photoBaseName, safeFileStem } from '../shared/file-names';
import { JobSettings, type JobSettingsInput } from '../shared/protocol';
import {
  BATCHES_KEY,
  batchDataKey,
  batchJobsKey,
  batchMetaKey,
  DEFAULT_JOB_OPTIONS,
  farmRedis,
  farmJobId,
  FarmProgress,
  QUEUE_NAME,
  connectRedis,
  WorkerHeartbeat,
  workerKey,
  WORKERS_KEY,
  FarmJobData,
} from './farm-queue';
import { defaultPacksDir, packsForEstimator } from './pack-requirements';

export interface FarmQueue {
  queue: Queue;
  close(): Promise<void>;
}

export async function openFarmQueue(redis: string): Promise<FarmQueue> {
  const redisConnection = await connectRedis(redis);
  const queue = new Queue(QUEUE_NAME, {
    connection: redisConnection.connection,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  queue.on('error', () => undefined); // reconnects by itself; callers see their own command's error
  return {
    queue,
    close: async () => {
      await queue.close();
      await redisConnection.close();
    },
  };
}

export interface SubmitOptions {
  photos: string[];
  /** The shared folder every worker mounts at the same path. */
  out: string;
  settings?: JobSettingsInput;
  packsDir?: string;
  versions?: Record<string, string>;
}

export interface SubmitResult {
  batchId: string;
  queued: string[];
  /** Photos whose job (same photo, same settings) the farm already has, with its state. */
  skipped: { jobId: string; photo: string; state: JobState | 'unknown' | 'removed' }[];
}

export async function submitBatch(queue: Queue, options: SubmitOptions): Promise<SubmitResult> {
  const settings = JobSettings.parse(options.settings ?? {});
  const packs = await packsForEstimator(options.packsDir ?? defaultPacksDir(), settings.estimator);
  const out = resolve(options.out);
  // Not store.open(): that would mark the running jobs of other batches as interrupted.
  const store = new JobStore(join(out, '.jobs'));
  await mkdir(store.root, { recursive: true });
  const batchId = `b${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  const versions = {
    ...options.versions,
    ...Object.fromEntries(packs.map((p) => [`pack:${p.id}`, p.version])),
  };
  const result: SubmitResult = { batchId, queued: [], skipped: [] };
  const jobIds: string[] = [];
  const payloads: Record<string, string> = {};
  for (const photo of options.photos) {
    const info = await stat(photo);
    if (info.size > MAX_INPUT_BYTES)
      throw new Error(`${photo} is larger than ${MAX_INPUT_BYTES / 2 ** 20} MB`);
    const bytes = await readFile(photo);
    const jobId = farmJobId(bytes, settings, packs);
    jobIds.push(jobId);
    const data: FarmJobData = {
      batchId,
      out,
      jobId,
      sourceName: basename(photo),
      outName: safeFileStem(photoBaseName(basename(photo))),
      settings,
      packs,
    };
    payloads[jobId] = JSON.stringify(data);
    const existing = await queue.getJob(jobId);
    if (existing) {
      result.skipped.push({ jobId, photo, state: await existing.getState() });
      continue;
    }
    const folderExists = await access(store.jobDir(jobId)).then(
      () => true,
      () => false,
    );
    if (!folderExists)
      await store.create({ id: jobId, photoBytes: bytes, sourceName: basename(photo), settings, versions });
    await queue.add('head', data, { jobId });
    result.queued.push(jobId);
  }
  const client = await farmRedis(queue);
  await client
    .multi()
    .runCommand('rpush', [batchJobsKey(batchId), ...jobIds])
    .hset(batchDataKey(batchId), payloads)
    .hset(batchMetaKey(batchId), { createdAt: new Date().toISOString(), out, total: jobIds.length })
    .runCommand('zadd', [BATCHES_KEY, Date.now(), batchId])
    .exec();
  return result;
}

export interface JobStatus {
  jobId: string;
  photo: string;
  state: JobState | 'unknown' | 'removed';
  progress?: FarmProgress;
  worker?: string;
  attempts: number;
  failedReason?: string;
}

export interface BatchStatus {
  batchId: string;
  createdAt: string;
  out: string;
  cancelled: boolean;
  counts: { queued: number; running: number; done: number; failed: number };
  jobs: JobStatus[];
}

export async function listBatchIds(queue: Queue, limit = 20): Promise<string[]> {
  const client = await farmRedis(queue);
  return client.zrevrange(BATCHES_KEY, 0, limit - 1);
}

export async function batchStatus(queue: Queue, batchId: string): Promise<BatchStatus> {
  const client = await farmRedis(queue);
  const meta = await client.hgetall(batchMetaKey(batchId));
  if (!meta.createdAt) throw new Error(`no batch ${batchId} on this farm`);
  const ids = await client.lrange(batchJobsKey(batchId), 0, -1);
  const jobs: JobStatus[] = [];
  const counts = { queued: 0, running: 0, done: 0, failed: 0 };
  for (const jobId of ids) {
    const job = await queue.getJob(jobId);
    const state = job ? await job.getState() : 'removed';
    const progress = job ? FarmProgress.safeParse(job.progress) : undefined;
    const data = job?.data as Partial<FarmJobData> | undefined;
    jobs.push({
      jobId,
      photo: data?.sourceName ?? '?',
      state,
      ...(progress?.success ? { progress: progress.data } : {}),
      ...(job?.processedBy
        ? { worker: job.processedBy }
        : progress?.success
          ? { worker: progress.data.worker }
          : {}),
      attempts: job?.attemptsMade ?? 0,
      ...(job?.failedReason ? { failedReason: job.failedReason } : {}),
    });
    if (state === 'completed') counts.done++;
    else if (state === 'failed' || state === 'removed' || state === 'unknown') counts.failed++;
    else if (state === 'active') counts.running++;
    else counts.queued++;
  }
  return {
    batchId,
    createdAt: meta.createdAt,
    out: meta.out ?? '',
    cancelled: meta.cancelled === '1',
    counts,
    jobs,
  };
}

export async function listWorkers(queue: Queue): Promise<WorkerHeartbeat[]> {
  const client = await farmRedis(queue);
  const names = await client.smembers(WORKERS_KEY);
  const beats: WorkerHeartbeat[] = [];
  for (const name of names.sort()) {
    const raw = await client.get(workerKey(name));
    if (!raw) {
      await client.runCommand('srem', [WORKERS_KEY, name]); // its heartbeat expired: gone
      continue;
    }
    const parsed = WorkerHeartbeat.safeParse(JSON.parse(raw));
    if (parsed.success) beats.push(parsed.data);
  }
  return beats;
}

/**
 * Put a batch's failed jobs, and those `farm cancel` removed, back in the queue (their job folders
 * resume where they stopped).
 */
export async function retryBatch(queue: Queue, batchId: string): Promise<string[]> {
  const client = await farmRedis(queue);
  await client.hdel(batchMetaKey(batchId), 'cancelled');
  const retried: string[] = [];
  for (const jobId of await client.lrange(batchJobsKey(batchId), 0, -1)) {
    const job: Job | undefined = await queue.getJob(jobId);
    if (job && (await job.getState()) === 'failed') {
      await job.retry('failed');
      retried.push(jobId);
    } else if (!job) {
      const payload = await client.hget(batchDataKey(batchId), jobId);
      if (!payload) continue;
      await queue.add('head', FarmJobData.parse(JSON.parse(payload)), { jobId });
      retried.push(jobId);
    }
  }
  return retried;
}

/**
 * Cancel a batch: its waiting jobs are removed; running ones are stopped by their workers (they
 * look at the batch's flag every second) and fail as cancelled; `farm retry` brings them back.
 */
export async function cancelBatch(
  queue: Queue,
  batchId: string,
): Promise<{ removed: string[]; running: string[] }> {
  const client = await farmRedis(queue);
  await client.hset(batchMetaKey(batchId), { cancelled: '1' });
  const removed: string[] = [];
  const running: string[] = [];
  for (const jobId of await client.lrange(batchJobsKey(batchId), 0, -1)) {
    const job = await queue.getJob(jobId);
    if (!job) continue;
    const state = await job.getState();
    if (
      state === 'waiting' ||
      state === 'delayed' ||
      state === 'prioritized' ||
      state === 'waiting-children'
    ) {
      await job.remove();
      removed.push(jobId);
    } else if (state === 'active') running.push(jobId);
  }
  return { removed, running };
}
