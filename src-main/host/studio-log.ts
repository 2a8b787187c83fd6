/**
 * The studio's log: one line per event worth keeping after the window or terminal is gone (engine
 * warnings, errors, crashes, job ends, stage times). One file per user, shared by the app and the CLI,
 * so `gen3dface diagnostics` finds it. Lines name jobs by id only: no photo names, no image data.
 */
import { appendFile, mkdir, open, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StudioEvent } from '../shared/protocol';

export const LOG_FILE = 'gen3dface.log';
/** Past this the log is moved to `<name>.1` (replacing the older one): at most twice this on disk. */
const MAX_LOG_BYTES = 1024 * 1024;
/** The tail read for the last lines: lines are short, this holds hundreds of them. */
const TAIL_BYTES = 256 * 1024;

/** ~/.gen3dface/gen3dface.log, beside the packs folder; GEN3D_LOG_FILE moves it (tests, portable installs). */
export function defaultLogPath(): string {
  return process.env.GEN3D_LOG_FILE ?? join(homedir(), '.gen3dface', LOG_FILE);
}

/** The log line for an event, or undefined for the many that are not logged (progress, artifacts…). */
export function logLineFor(event: StudioEvent, now = new Date()): string | undefined {
  const text = describeEvent(event);
  if (!text) return undefined;
  return `${now.toISOString()} ${text.level.padEnd(5)} ${text.message.replace(/\s*\n\s*/g, ' | ')}`;
}

function describeEvent(event: StudioEvent): { level: string; message: string } | undefined {
  switch (event.type) {
    case 'log':
      return { level: event.level, message: event.message };
    case 'error': {
      const where = [event.jobId && `job ${event.jobId}`, event.stage].filter(Boolean).join(' ');
      return {
        level: 'error',
        message: `${where ? `${where}: ` : ''}${event.error.code}: ${event.error.message}`,
      };
    }
    case 'stageDone':
      return { level: 'info', message: `job ${event.jobId} ${event.stage} done in ${event.ms} ms` };
    case 'jobDone':
      return { level: 'info', message: `job ${event.jobId} done` };
    case 'cancelled':
      return { level: 'info', message: `job ${event.jobId} cancelled` };
    case 'engineExited':
      if (event.code === 0 && !event.willRestart) return { level: 'info', message: 'engine stopped' };
      return {
        level: 'warn',
        message: `engine exited (code ${event.code}, signal ${event.signal})${event.willRestart ? '; restarting' : ''}`,
      };
    case 'engineHung':
      return {
        level: 'error',
        message: `engine hung: no ${event.kind} for ${event.silentMs} ms (limit ${event.limitMs} ms)${event.jobId ? ` in job ${event.jobId}` : ''}${event.stage ? ` ${event.stage}` : ''}; killing it`,
      };
    case 'engineRestarted':
      return { level: 'info', message: `engine restarted (pid ${event.pid})` };
    default:
      return undefined;
  }
}

export interface LogWriter {
  /** Queues a line; lines are appended in order. A log that cannot be written never stops a job. */
  write(line: string): void;
  /** Resolves once every line queued so far is on disk (or given up). */
  flushed(): Promise<void>;
}

export function createLogWriter(path: string): LogWriter {
  let queue = Promise.resolve();
  return {
    write: (line) => {
      queue = queue.then(() => appendLine(path, line)).catch(() => undefined);
    },
    flushed: () => queue,
  };
}

async function appendLine(path: string, line: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const size = (await stat(path).catch(() => undefined))?.size ?? 0;
  if (size > MAX_LOG_BYTES) await rename(path, `${path}.1`);
  await appendFile(path, `${line}\n`);
}

/** The last `count` lines of the log, oldest first; none when there is no log yet. */
export async function readLogTail(path: string, count: number): Promise<string[]> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n').filter(Boolean);
    if (length < size) lines.shift(); // the first one is cut
    return count > 0 ? lines.slice(-count) : [];
  } finally {
    await handle.close();
  }
}
