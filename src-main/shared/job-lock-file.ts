/**
 * The lock file inside a job folder: who is working on the job. Its name starts with a dot so it is
 * never taken for an artifact, and it is read by every process that opens the same jobs folder.
 */
import { z } from 'zod';

export const JOB_LOCK_FILE = '.lock';

export const JobLockOwner = z
  .object({
    pid: z.number().int().positive(),
    host: z.string().min(1),
    /** ISO time the lock was taken; the file's mtime is the holder's last heartbeat. */
    startedAt: z.string().min(1),
    /** Tells two locks of the same pid apart (a pid reused after a restart, a container's pid 1). */
    token: z.string().min(1),
  })
  .strict();
export type JobLockOwner = z.infer<typeof JobLockOwner>;
