/**
 * One lock per job folder, so that two studios, CLIs or farm workers on the same jobs folder never
 * work on the same job at once. The lock is a file created with O_EXCL ('wx'): exactly one creator
 * wins, on local disks and on network shares alike. It names its holder (pid, host, start time); a
 * lock whose holder is gone is taken over:
 * - same host: the holder's pid no longer exists;
 * - another host (a shared folder): we cannot see its processes, so the holder touches the file every
 *   HEARTBEAT_MS and a lock untouched for STALE_AFTER_MS is dead.
 * A takeover happens under a second, short-lived exclusive file, so two processes that both find the
 * same stale lock cannot both remove it (one of them would otherwise remove the other's new lock).
 */
import { open, readFile, rm, stat, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { JOB_LOCK_FILE, JobLockOwner } from '../shared/job-lock-file';
import type { ErrorInfo } from '../shared/protocol';

const HEARTBEAT_MS = 10_000;
const STALE_AFTER_MS = 60_000;
/** A lock file still empty after this long was left by a process killed between create and write. */
const TORN_AFTER_MS = 5_000;
const TAKEOVER_FILE = `${JOB_LOCK_FILE}.takeover`;
const ATTEMPTS = 8;

/** Tokens of the locks this process holds: a lock with our pid but another token is a dead namesake's. */
const heldTokens = new Set<string>();

export class JobLockedError extends Error {
  readonly code = 'job-locked';
  constructor(
    readonly jobId: string,
    readonly owner: JobLockOwner,
    readonly lockPath: string,
  ) {
    super(
      `job ${jobId} is being worked on by process ${owner.pid}` +
        `${owner.host === hostname() ? '' : ` on ${owner.host}`} (since ${owner.startedAt})`,
    );
    this.name = 'JobLockedError';
  }

  toInfo(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      hint: `Wait for it to finish or cancel it there. If no such process is running, delete ${this.lockPath}.`,
    };
  }
}

export interface JobLock {
  readonly owner: JobLockOwner;
  /** Removes the lock file if it is still ours; safe to call twice or after the folder is gone. */
  release(): Promise<void>;
}

/** Take the job's lock, taking over a stale one; throws JobLockedError while another process holds it. */
export async function acquireJobLock(jobDir: string, jobId: string): Promise<JobLock> {
  const lockPath = join(jobDir, JOB_LOCK_FILE);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const owner: JobLockOwner = {
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      token: randomBytes(8).toString('hex'),
    };
    if (await createExclusive(lockPath, `${JSON.stringify(owner)}\n`)) return holdLock(lockPath, owner);
    const found = await readLock(lockPath);
    if (!found) continue; // released in the meantime
    if (found.owner && !isStale(found)) throw new JobLockedError(jobId, found.owner, lockPath);
    if (!found.owner && !isStale(found)) {
      await sleep(20); // being written right now by its creator
      continue;
    }
    await removeStaleLock(jobDir, found);
  }
  throw new Error(`could not lock job ${jobId}: ${lockPath} kept changing; try again`);
}

/** The process working on the job now, if any (ourselves included); undefined when free or stale. */
export async function liveJobLockOwner(jobDir: string): Promise<JobLockOwner | undefined> {
  const found = await readLock(join(jobDir, JOB_LOCK_FILE));
  return found?.owner && !isStale(found) ? found.owner : undefined;
}

interface FoundLock {
  /** Undefined when the file is empty or torn. */
  owner: JobLockOwner | undefined;
  text: string;
  ageMs: number;
}

function isStale(lock: FoundLock): boolean {
  if (!lock.owner) return lock.ageMs > TORN_AFTER_MS;
  if (lock.owner.host !== hostname()) return lock.ageMs > STALE_AFTER_MS;
  if (lock.owner.pid === process.pid) return !heldTokens.has(lock.owner.token);
  return !processExists(lock.owner.pid);
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, but is another user's
  }
}

async function readLock(lockPath: string): Promise<FoundLock | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    let owner: JobLockOwner | undefined;
    try {
      const parsed = JobLockOwner.safeParse(JSON.parse(text));
      owner = parsed.success ? parsed.data : undefined;
    } catch {
      owner = undefined;
    }
    return { owner, text, ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** True when we created the file; false when it already existed. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  return true;
}

/** Remove the lock we judged stale, unless it changed since: only under the takeover file. */
async function removeStaleLock(jobDir: string, judged: FoundLock): Promise<void> {
  const takeoverPath = join(jobDir, TAKEOVER_FILE);
  if (!(await createExclusive(takeoverPath, `${process.pid}\n`))) {
    // Another process is taking over. A takeover lasts milliseconds; an old file is a dead taker's.
    const age = await stat(takeoverPath).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > TORN_AFTER_MS) await rm(takeoverPath, { force: true });
    await sleep(20);
    return;
  }
  try {
    const now = await readLock(join(jobDir, JOB_LOCK_FILE));
    if (now && now.text === judged.text) await rm(join(jobDir, JOB_LOCK_FILE), { force: true });
  } finally {
    await rm(takeoverPath, { force: true });
  }
}

function holdLock(lockPath: string, owner: JobLockOwner): JobLock {
  heldTokens.add(owner.token);
  const heartbeat = setInterval(() => {
    const now = new Date();
    void utimes(lockPath, now, now).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  return {
    owner,
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      const found = await readLock(lockPath).catch(() => undefined);
      if (found?.owner?.token === owner.token) await rm(lockPath, { force: true });
      heldTokens.delete(owner.token);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
