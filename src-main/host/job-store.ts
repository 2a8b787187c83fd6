/**
 * The job store: one folder per job under a root folder. A job appears in the list only once it is
 * complete on disk (it is assembled under a hidden name and renamed into place), and disappears at
 * once on delete (renamed away before removal), so a crash never leaves a half-made job visible.
 * Several processes may share a root: a job being worked on holds its lock (job-lock.ts), and open()
 * and delete() leave such a job alone.
 */
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';
import { acquireJobLock, liveJobLockOwner } from './job-lock';
import { inputFileName } from '../shared/input-file-name';
import { INPUT_DIR, readJobRecord, updateJobRecord, writeJobRecord } from '../shared/job-folder';
import {
  JobSettings,
  PROTOCOL_VERSION,
  type JobFolders,
  type JobRecord,
  type JobSettingsInput,
  type UnreadableJobFolder,
} from '../shared/protocol';

const CREATING = '.creating-';
const DELETING = '.deleting-';

export interface NewJob {
  /** A caller-chosen id (the farm derives it from the photo and settings); a fresh one otherwise. */
  id?: string;
  photoBytes: Uint8Array;
  sourceName: string;
  settings?: JobSettingsInput;
  versions?: Record<string, string>;
}

export class JobStore {
  constructor(readonly root: string) {}

  /**
   * Prepare the root: remove leftovers of interrupted creates/deletes, mark jobs that were running as
   * interrupted — except jobs another live process is working on (their temp files are being written).
   */
  async open(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    for (const name of await readdir(this.root)) {
      if (name.startsWith(CREATING) || name.startsWith(DELETING)) {
        await rm(join(this.root, name), { recursive: true, force: true });
      }
    }
    for (const job of await this.list()) {
      if (await liveJobLockOwner(this.jobDir(job.id))) continue;
      await removeStaleTempFiles(this.jobDir(job.id));
      if (job.state === 'running') await this.setState(job.id, 'interrupted');
    }
  }

  jobDir(jobId: string): string {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(jobId)) throw new Error(`invalid job id: ${jobId}`);
    return join(this.root, jobId);
  }

  async create(job: NewJob): Promise<JobRecord> {
    const id = job.id ?? newJobId();
    const staging = join(this.root, `${CREATING}${id}`);
    const now = new Date().toISOString();
    const record: JobRecord = {
      id,
      protocolVersion: PROTOCOL_VERSION,
      state: 'created',
      sourceName: basename(job.sourceName),
      createdAt: now,
      updatedAt: now,
      settings: JobSettings.parse(job.settings ?? {}),
      stages: {},
      versions: job.versions ?? {},
    };
    try {
      await mkdir(join(staging, INPUT_DIR), { recursive: true });
      await writeFile(join(staging, INPUT_DIR, inputFileName(job.sourceName)), job.photoBytes);
      const written = await writeJobRecord(staging, record);
      await rename(staging, this.jobDir(id));
      return written;
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
  }

  async list(): Promise<JobRecord[]> {
    return (await this.listFolders()).jobs;
  }

  /**
   * The jobs, and in the same pass the folders whose job.json cannot be read (damaged, or written by a
   * newer studio) with the reason: not shown as jobs, never deleted, but said so nobody thinks them lost.
   */
  async listFolders(): Promise<JobFolders> {
    const jobs: JobRecord[] = [];
    const unreadable: UnreadableJobFolder[] = [];
    for (const name of await readdir(this.root)) {
      if (name.startsWith('.')) continue;
      const dir = join(this.root, name);
      if (!(await stat(dir)).isDirectory()) continue;
      try {
        jobs.push(await readOwnJobRecord(dir, name));
      } catch (error) {
        unreadable.push({ folder: dir, reason: (error as Error).message });
      }
    }
    jobs.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    return { jobs, unreadable: unreadable.sort((a, b) => a.folder.localeCompare(b.folder)) };
  }

  async get(jobId: string): Promise<JobRecord> {
    return readOwnJobRecord(this.jobDir(jobId), jobId);
  }

  /** Refuses (JobLockedError) a job another process is working on. */
  async delete(jobId: string): Promise<void> {
    const dir = this.jobDir(jobId);
    await stat(dir); // a clear ENOENT for unknown jobs
    const lock = await acquireJobLock(dir, jobId);
    const doomed = join(this.root, `${DELETING}${jobId}-${randomBytes(3).toString('hex')}`);
    try {
      await rename(dir, doomed); // the lock goes with the folder: nobody can start the job now
    } finally {
      await lock.release();
    }
    await rm(doomed, { recursive: true, force: true });
  }

  async setState(jobId: string, state: JobRecord['state'], error?: JobRecord['error']): Promise<JobRecord> {
    return updateJobRecord(this.jobDir(jobId), (r) => ({ ...r, state, ...(error ? { error } : {}) }));
  }

  /** Path of the job's input photo. */
  async inputPath(jobId: string): Promise<string> {
    const dir = join(this.jobDir(jobId), INPUT_DIR);
    const [first] = await readdir(dir);
    if (!first) throw new Error(`job ${jobId} has no input photo`);
    return join(dir, first);
  }
}

/** A job folder's record, refused when it names another job (a copied or edited job.json). */
async function readOwnJobRecord(dir: string, folderName: string): Promise<JobRecord> {
  const record = await readJobRecord(dir);
  if (record.id !== folderName)
    throw new Error(`${join(dir, 'job.json')} belongs to job ${record.id}, not to its folder ${folderName}`);
  return record;
}

/** Temp files of writers that were killed mid-write (see atomic-file.ts); nobody writes this job now. */
async function removeStaleTempFiles(jobDir: string): Promise<void> {
  for (const name of await readdir(jobDir)) {
    if (name.startsWith('.') && name.endsWith('.tmp')) await rm(join(jobDir, name), { force: true });
  }
}

function newJobId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}
