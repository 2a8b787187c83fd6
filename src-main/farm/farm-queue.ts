/**
 * What submitters, workers and `farm status` share: the BullMQ queue's name and options, the job's
 * payload, how job ids are derived, and the few Redis keys the farm keeps beside BullMQ's own (the
 * batches' job lists and the workers' heartbeats).
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { ConnectionOptions, DefaultJobOptions, RedisClient } from 'bullmq';
import { z } from 'zod';
import { JobSettings } from '../shared/protocol';

export const QUEUE_NAME = 'gen3dface-heads';
/** Prefix of the farm's own keys (BullMQ's keys live under `bull:<queue>:`). */
const KEY = 'gen3dface:farm';

export const batchJobsKey = (batchId: string): string => `${KEY}:batch:${batchId}:jobs`;
export const batchMetaKey = (batchId: string): string => `${KEY}:batch:${batchId}`;
/** Each job's payload, so that `farm retry` can queue again a job that `farm cancel` removed. */
export const batchDataKey = (batchId: string): string => `${KEY}:batch:${batchId}:data`;
export const BATCHES_KEY = `${KEY}:batches`;
export const workerKey = (name: string): string => `${KEY}:worker:${name}`;
export const WORKERS_KEY = `${KEY}:workers`;
/** A worker whose heartbeat is older than this is shown as gone. */
export const WORKER_TTL_S = 15;

/**
 * Failures that are the farm's (a crash, a missing pack, a full disk) are retried, possibly on
 * another worker; a photo's own failures are thrown as UnrecoverableError and never retried.
 */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2000 },
  // Kept, so that a resubmitted batch finds its done photos by job id and skips them.
  removeOnComplete: false,
  removeOnFail: false,
};

/** An estimator pack the job was submitted with: a worker must hold exactly this version. */
export const PackRequirement = z.object({ id: z.string().min(1), version: z.string().min(1) }).strict();
export type PackRequirement = z.infer<typeof PackRequirement>;

export const FarmJobData = z
  .object({
    batchId: z.string().min(1),
    /** The shared folder: job folders in `<out>/.jobs/<jobId>`, exports in `<out>/<photo>/`. */
    out: z.string().min(1),
    /** The job folder's id (= the BullMQ job id). */
    jobId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
    sourceName: z.string().min(1),
    /** Where the photo's exports go, relative to `out`. */
    outName: z.string().min(1),
    settings: JobSettings,
    packs: z.array(PackRequirement),
  })
  .strict();
export type FarmJobData = z.infer<typeof FarmJobData>;

/** The progress a worker reports through job.updateProgress. */
export const FarmProgress = z
  .object({ percent: z.number().min(0).max(100), stage: z.string(), worker: z.string() })
  .strict();
export type FarmProgress = z.infer<typeof FarmProgress>;

export const WorkerHeartbeat = z
  .object({
    name: z.string(),
    host: z.string(),
    pid: z.number().int(),
    device: z.string(),
    concurrency: z.number().int().positive(),
    running: z.array(z.string()),
    done: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    refused: z.number().int().nonnegative(),
    startedAt: z.string(),
    seenAt: z.string(),
  })
  .strict();
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeat>;

/** Same photo bytes + same settings + same packs → same id: a resubmitted photo is the same job. */
export function farmJobId(photoBytes: Uint8Array, settings: JobSettings, packs: PackRequirement[]): string {
  const photo = createHash('sha256').update(photoBytes).digest('hex');
  const recipe = createHash('sha256')
    .update(canonicalJson({ settings, packs: [...packs].sort((a, b) => a.id.localeCompare(b.id)) }))
    .digest('hex');
  return `h${photo.slice(0, 24)}-s${recipe.slice(0, 16)}`;
}

/** JSON with object keys sorted, so equal settings always hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

interface RedisUrlParts {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
}

/** The parts of a redis:// or rediss:// URL (user, password, db, TLS); a clear error for anything else. */
export function parseRedisUrl(url: string): RedisUrlParts {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`--redis takes a URL like redis://host:6379, not "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new Error(`--redis takes a redis:// or rediss:// URL, not "${url}"`);
  const db = parsed.pathname.replace('/', '');
  return {
    host: parsed.hostname || '127.0.0.1',
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

export interface FarmConnection {
  /** For BullMQ's `connection` option. */
  connection: ConnectionOptions;
  close(): Promise<void>;
}

/**
 * A Redis connection for a BullMQ queue, worker or QueueEvents. Workers (and QueueEvents) get
 * maxRetriesPerRequest null, so that a Redis restart makes them wait instead of failing; every client
 * keeps reconnecting through a restart.
 */
export async function connectRedis(url: string, blocking = false): Promise<FarmConnection> {
  // BullMQ 6 ships no Redis client (ioredis is an optional peer its ESM build cannot require):
  // the farm makes the clients and hands them to BullMQ.
  const client = new Redis({
    ...parseRedisUrl(url),
    ...(blocking ? { maxRetriesPerRequest: null } : {}),
    retryStrategy: (times: number) => Math.min(times * 200, 2000),
  });
  client.on('error', () => undefined); // reconnects by itself; each command reports its own failure
  return {
    connection: client as unknown as ConnectionOptions,
    close: async () => {
      await client.quit().catch(() => client.disconnect());
    },
  };
}

/** The raw Redis client under a BullMQ queue or worker, for the farm's own keys. */
export function farmRedis(base: { getBackend(): { client: Promise<RedisClient> } }): Promise<RedisClient> {
  return base.getBackend().client;
}
