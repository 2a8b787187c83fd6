/**
 * "Export…" in the studio: re-run a job's export stage with the dialog's settings, then copy the files
 * it wrote into a folder the user chose through the OS dialog in this session. The copy is atomic per
 * file set (temp names in the destination, renamed once all are written) and never replaces a file
 * unless asked to.
 */
import { randomBytes } from 'node:crypto';
import { access, constants, copyFile, mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  endsJobRun,
  JOB_PATHS,
  STAGE_IDS,
  type ExportSettings,
  type JobRecord,
  type StageId,
  type StudioEvent,
} from '../shared/protocol';
import type { ExportJobResult } from '../shared/studio-api';

/** Folders the user picked with the "Choose…" dialog in this session; the only export destinations. */
export class ChosenFolders {
  private readonly folders = new Set<string>();

  add(folder: string): void {
    this.folders.add(resolve(folder));
  }

  /** The folder, resolved, if the user chose it; otherwise throws (the renderer cannot name its own). */
  confirm(folder: string): string {
    const full = resolve(folder);
    if (!this.folders.has(full))
      throw new Error(`${folder} was not chosen in the export dialog; choose the folder again`);
    return full;
  }

  /** Whether a file lies directly inside a chosen folder (or one level below: `<name>_views/`). */
  holds(file: string): boolean {
    const full = resolve(file);
    return this.folders.has(dirname(full)) || this.folders.has(dirname(dirname(full)));
  }
}

/** One file to copy: its absolute source and its name in the destination (`a.glb`, `a_views/00.png`). */
export interface FileToCopy {
  source: string;
  name: string;
}

/**
 * The files of the job's last export that go to the user's folder, as paths relative to the job
 * folder and names relative to its export folder. With `zip`, the zip stands for the loose OBJ, MTL
 * and texture files it holds (they stay in the job folder).
 */
export function exportedFiles(job: JobRecord): { path: string; name: string }[] {
  const prefix = `${JOB_PATHS.exportDir}/`;
  const zipped = job.settings.export.zip && job.settings.export.formats.includes('obj');
  const packed = new Set(['export-obj', 'export-mtl', 'export-texture']);
  return (job.stages.export?.artifacts ?? [])
    .filter((a) => a.kind.startsWith('export-') && a.path.startsWith(prefix))
    .filter((a) => !(zipped && packed.has(a.kind)))
    .map((a) => ({ path: a.path, name: posix.relative(JOB_PATHS.exportDir, a.path) }));
}

/** A file-system failure at the destination said so that the user can act on it. */
export function destinationError(error: unknown, folder: string): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new Error(`The folder ${folder} does not exist any more; choose another.`);
  if (code === 'ENOTDIR') return new Error(`${folder} is not a folder; choose another.`);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new Error(`Cannot write to ${folder} (${code}); choose a folder you can write to.`);
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG')
    return new Error(`Not enough space in ${folder} (${code}); free some space or choose another folder.`);
  return error instanceof Error ? error : new Error(String(error));
}

/** Throws a clear error unless `folder` is an existing folder this process may write into. */
export async function assertWritableFolder(folder: string): Promise<void> {
  try {
    const info = await stat(folder);
    if (!info.isDirectory()) throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
    await access(folder, constants.W_OK);
  } catch (error) {
    throw destinationError(error, folder);
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Copy the files into `folder`: each to a temporary name there (flushed), then all renamed, so a
 * failure part-way leaves no partial file under a final name and removes the temporaries. Existing
 * files are reported, not replaced, unless `overwrite`.
 */
export async function copyIntoFolder(
  files: readonly FileToCopy[],
  folder: string,
  overwrite: boolean,
): Promise<ExportJobResult> {
  await assertWritableFolder(folder);
  const targets = files.map((f) => ({ ...f, target: join(folder, ...f.name.split('/')) }));
  if (!overwrite) {
    const existing: string[] = [];
    for (const t of targets) if (await exists(t.target)) existing.push(t.target);
    if (existing.length > 0) return { state: 'exists', existing };
  }
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temps: { temp: string; target: string }[] = [];
  const madeFolders: string[] = [];
  try {
    for (const t of targets) {
      const made = await mkdir(dirname(t.target), { recursive: true });
      if (made) madeFolders.push(made);
      const temp = join(dirname(t.target), `.${t.name.split('/').pop()}.${tag}.tmp`);
      temps.push({ temp, target: t.target });
      await copyFile(t.source, temp);
      const handle = await open(temp, 'r+');
      try {
        await handle.sync(); // a delayed ENOSPC shows now, before any rename
      } finally {
        await handle.close();
      }
    }
    for (const { temp, target } of temps) await rename(temp, target);
  } catch (error) {
    for (const { temp } of temps) await rm(temp, { force: true }).catch(() => undefined);
    // Only ours (e.g. `<name>_views/`) and holding nothing but our temporaries.
    for (const made of madeFolders) await rm(made, { recursive: true, force: true }).catch(() => undefined);
    throw destinationError(error, folder);
  }
  return { state: 'written', written: targets.map((t) => t.target) };
}

/** The backend's parts an export needs (StudioBackend has them all). */
export interface ExportBackend {
  getJob(jobId: string): Promise<JobRecord>;
  rerunStage(
    jobId: string,
    fromStage: StageId,
    settings: { export: ExportSettings },
    only: boolean,
  ): Promise<JobRecord>;
  artifactPath(jobId: string, path: string): string;
  on(name: 'event', listener: (event: StudioEvent) => void): unknown;
  off(name: 'event', listener: (event: StudioEvent) => void): unknown;
}

/** Whether everything before the export stage is done, i.e. there is a head to export. */
export function canExport(job: JobRecord): boolean {
  return STAGE_IDS.filter((s) => s !== 'export').every((s) => job.stages[s]?.state === 'done');
}

/** Run the job's export stage alone with `settings`; resolves when it is done, throws if it is not. */
export async function rerunExportStage(
  backend: ExportBackend,
  jobId: string,
  settings: ExportSettings,
): Promise<void> {
  let listener: ((event: StudioEvent) => void) | undefined;
  // Listen before the run starts, so its end cannot be missed.
  const ended = new Promise<StudioEvent>((resolveEnd) => {
    listener = (event) => {
      if ('jobId' in event && event.jobId === jobId && endsJobRun(event)) resolveEnd(event);
    };
    backend.on('event', listener);
  });
  try {
    await backend.rerunStage(jobId, 'export', { export: settings }, true);
    const end = await ended;
    if (end.type === 'cancelled') throw new Error('The export was cancelled.');
    if (end.type === 'error') throw new Error(`The export failed: ${end.error.message}`);
    if (end.type !== 'jobDone') throw new Error(`The export did not finish (${end.type}).`);
  } finally {
    backend.off('event', listener!);
  }
}

/** Whether the job's last export ran with these settings and every file it wrote is still there. */
export async function exportStillThere(
  backend: Pick<ExportBackend, 'artifactPath'>,
  job: JobRecord,
  settings: ExportSettings,
): Promise<boolean> {
  if (job.stages.export?.state !== 'done' || !isDeepStrictEqual(job.settings.export, settings)) return false;
  const files = exportedFiles(job);
  if (files.length === 0) return false;
  for (const f of files) if (!(await exists(backend.artifactPath(job.id, f.path)))) return false;
  return true;
}

export interface ExportJobRequest {
  jobId: string;
  settings: ExportSettings;
  destination: string;
  overwrite: boolean;
}

/** The whole "Export…": check the folder, re-run the export stage, copy its files into the folder. */
export async function exportJobToFolder(
  backend: ExportBackend,
  folders: ChosenFolders,
  request: ExportJobRequest,
): Promise<ExportJobResult> {
  const folder = folders.confirm(request.destination);
  await assertWritableFolder(folder); // before the stage runs: no point exporting into nowhere
  const job = await backend.getJob(request.jobId);
  if (!canExport(job))
    throw new Error(`${job.sourceName} has no finished head to export yet; run or resume the job first.`);
  // "Replace" after "already there", or the same export to a second folder: the stage already wrote
  // these files with these settings (it ran 4–12 s again for nothing).
  if (!(await exportStillThere(backend, job, request.settings)))
    await rerunExportStage(backend, request.jobId, request.settings);
  const done = await backend.getJob(request.jobId);
  const files = exportedFiles(done).map((f) => ({
    source: backend.artifactPath(request.jobId, f.path),
    name: f.name,
  }));
  if (files.length === 0) throw new Error('The export stage wrote no files.');
  return copyIntoFolder(files, folder, request.overwrite);
}
