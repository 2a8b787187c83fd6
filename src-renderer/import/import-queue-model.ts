/**
 * The import queue as pure data: several photos (a drop, a multi-selection, a paste, a recent photo)
 * become jobs one after another, since the backend runs one job at a time. Each function takes the
 * queue and returns the next one; the store (import-queue.ts) does the calls and feeds the results back.
 */

/** Where a queued photo's bytes come from: a path main reads, or bytes the renderer already has. */
export type QueuedSource = { kind: 'path'; path: string } | { kind: 'bytes'; bytes: Uint8Array };

export type QueueState = 'waiting' | 'starting' | 'running' | 'done' | 'failed';

export interface QueueItem {
  id: number;
  name: string;
  source: QueuedSource;
  state: QueueState;
  /** The job made from it, once started. */
  jobId?: string;
  /** Why it failed (the import refused, or the job's own error). */
  error?: string;
}

export interface ImportQueue {
  items: QueueItem[];
  nextId: number;
}

export const emptyQueue = (): ImportQueue => ({ items: [], nextId: 1 });

/** Adds photos at the end, all waiting. */
export function enqueue(queue: ImportQueue, photos: { name: string; source: QueuedSource }[]): ImportQueue {
  const added = photos.map((p, i) => ({ id: queue.nextId + i, ...p, state: 'waiting' as const }));
  return { items: [...queue.items, ...added], nextId: queue.nextId + added.length };
}

/**
 * The item to start now: the first waiting one, when no queued item is starting or running and the
 * backend is idle (`backendBusy`: another job — a re-generate, a resume — is running).
 */
export function nextToStart(queue: ImportQueue, backendBusy: boolean): QueueItem | undefined {
  if (backendBusy) return undefined;
  if (queue.items.some((i) => i.state === 'starting' || i.state === 'running')) return undefined;
  return queue.items.find((i) => i.state === 'waiting');
}

function update(queue: ImportQueue, id: number, change: Partial<QueueItem>): ImportQueue {
  return { ...queue, items: queue.items.map((i) => (i.id === id ? { ...i, ...change } : i)) };
}

/** The import call for this item is on its way (so that it is not started twice). */
export const markStarting = (queue: ImportQueue, id: number): ImportQueue =>
  update(queue, id, { state: 'starting' });

/** The backend made its job and started it. */
export const markRunning = (queue: ImportQueue, id: number, jobId: string): ImportQueue =>
  update(queue, id, { state: 'running', jobId });

/** The import was refused before any job ran (too large, not a file…). */
export const markRefused = (queue: ImportQueue, id: number, error: string): ImportQueue =>
  update(queue, id, { state: 'failed', error });

/** The job of a running item ended; other jobs' ends leave the queue as it is. */
export function markJobEnded(
  queue: ImportQueue,
  jobId: string,
  outcome: { ok: true } | { ok: false; error: string },
): ImportQueue {
  const item = queue.items.find((i) => i.jobId === jobId && i.state === 'running');
  if (!item) return queue;
  return update(queue, item.id, outcome.ok ? { state: 'done' } : { state: 'failed', error: outcome.error });
}

/** Only waiting items can be removed; a started one is a job (delete it from the job list). */
export function removeWaiting(queue: ImportQueue, id: number): ImportQueue {
  return { ...queue, items: queue.items.filter((i) => i.id !== id || i.state !== 'waiting') };
}

/** Finished items whose job was deleted leave the queue with it. */
export function forgetDeletedJobs(queue: ImportQueue, existingJobIds: ReadonlySet<string>): ImportQueue {
  const kept = queue.items.filter(
    (i) => !i.jobId || existingJobIds.has(i.jobId) || (i.state !== 'done' && i.state !== 'failed'),
  );
  return kept.length === queue.items.length ? queue : { ...queue, items: kept };
}

/** Drops the finished items (done and failed), keeping what is still to come. */
export function clearFinished(queue: ImportQueue): ImportQueue {
  return { ...queue, items: queue.items.filter((i) => i.state !== 'done' && i.state !== 'failed') };
}
