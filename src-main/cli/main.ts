/**
 * gen3dface: the headless face of the studio. It drives the same StudioBackend as the app (job store +
 * engine child process), prints progress, copies each finished job's exports to --out.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { nodeEngineLauncher } from '../host/engine-process';
import { JobLockedError, liveJobLockOwner } from '../host/job-lock';
import { StudioBackend } from '../host/studio-backend';
import { defaultLogPath } from '../host/studio-log';
import { JOB_LOCK_FILE } from '../shared/job-lock-file';
import type { JobRecord } from '../shared/protocol';
import { photoBaseName, safeFileStem } from '../shared/file-names';
import { turnedFaceNote } from '../shared/photo-pose';
import { hairFitNote } from '../shared/hair-fit';
import { parseCliArgs, UsageError, USAGE, type CliCommand } from './cli-args';
import { createProgressView } from './progress-view';
import { summarizeDiagnostics, writeDiagnostics } from './diagnostics-command';
import { copyArtifacts, copyExports, packageVersion, startBackend } from './cli-backend';
import { expandInputs } from './photo-inputs';

/**
 * 2 is also a set-up error (e.g. the native addon not built): fixed by a command, not a new photo.
 * 4: another process (app, CLI, farm worker) is working on the job; nothing was changed.
 */
export const EXIT = {
  ok: 0,
  jobFailed: 1,
  usage: 2,
  setup: 2,
  internal: 3,
  jobLocked: 4,
  cancelled: 130,
} as const;

export async function main(argv: string[]): Promise<number> {
  let command: CliCommand;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    process.stderr.write(`gen3dface: ${(error as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (command.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (command.kind === 'version') {
    process.stdout.write(`${await packageVersion()}\n`);
    return EXIT.ok;
  }
  if (command.kind === 'farm') return (await import('../farm/farm-cli')).farmMain(command.argv);
  if (command.kind === 'eval') return (await import('./eval/eval-command')).evalMain(command.argv);
  if (command.kind === 'packs') return (await import('./packs-command')).packsMain(command.argv);
  if (command.kind === 'diagnostics') return diagnostics(command);
  try {
    return command.kind === 'generate' ? await generate(command) : await jobs(command);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`gen3dface: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof JobLockedError) {
      const info = error.toInfo();
      process.stderr.write(`gen3dface: ${info.message}\n  ${info.hint}\n`);
      return EXIT.jobLocked;
    }
    process.stderr.write(`gen3dface: ${(error as Error).message}\n`);
    return EXIT.internal;
  }
}

async function generate(command: Extract<CliCommand, { kind: 'generate' }>): Promise<number> {
  const photos = await expandInputs(command.inputs);
  const backend = await startBackend(command.jobsRoot, command.packsDir);
  if (reportSetupProblems(backend)) {
    await backend.stop();
    return EXIT.setup;
  }
  const batch = photos.length > 1;
  let exit: number = EXIT.ok;
  let interrupted = false;
  let activeJob: string | undefined;
  const onSigint = (): void => {
    interrupted = true;
    if (activeJob) void backend.cancelJob(activeJob);
  };
  process.on('SIGINT', onSigint);
  try {
    for (const [i, photo] of photos.entries()) {
      if (interrupted) break;
      const label = batch ? `[${i + 1}/${photos.length}] ${basename(photo)}` : basename(photo);
      const view = createProgressView(process.stdout, { json: command.json, label });
      const listener = view.onEvent;
      backend.on('event', listener);
      try {
        const job = await backend.importPhoto(photo, command.settings);
        activeJob = job.id;
        view.info(`${label}: job ${job.id}`);
        const outcome = await backend.waitForJob(job.id);
        activeJob = undefined;
        if (outcome.state === 'done') {
          const outDir = batch
            ? join(command.out, safeFileStem(photoBaseName(outcome.job.sourceName)))
            : command.out;
          const files = await copyExports(backend, outcome.job, outDir);
          view.info(`${label}: wrote ${files.map((f) => join(outDir, f)).join(', ')}`);
          for (const note of await reportNotesOf(backend, outcome.job)) view.info(`${label}: note: ${note}`);
          if (command.viewsOut) {
            const viewsDir = batch
              ? join(command.viewsOut, safeFileStem(photoBaseName(outcome.job.sourceName)))
              : command.viewsOut;
            const views = await copyArtifacts(backend, outcome.job, viewsDir, new Set(['turntable-view']));
            view.info(`${label}: ${views.length} views in ${viewsDir}`);
          }
        } else if (outcome.state === 'cancelled') {
          exit = EXIT.cancelled;
        } else {
          exit = Math.max(
            exit,
            outcome.job.error?.code === 'internal-error' ? EXIT.internal : EXIT.jobFailed,
          );
        }
      } finally {
        backend.off('event', listener);
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
    await backend.stop();
  }
  return interrupted ? EXIT.cancelled : exit;
}

async function diagnostics(command: Extract<CliCommand, { kind: 'diagnostics' }>): Promise<number> {
  try {
    const report = await writeDiagnostics({
      out: command.out,
      logLines: command.logLines,
      appVersion: await packageVersion(),
      ...(command.packsDir ? { packsDir: command.packsDir } : {}),
    });
    process.stdout.write(`${summarizeDiagnostics(report, command.out)}\n`);
    return EXIT.ok;
  } catch (error) {
    process.stderr.write(`gen3dface: diagnostics failed: ${(error as Error).message}\n`);
    return EXIT.internal;
  }
}

async function jobs(command: Extract<CliCommand, { kind: 'jobs' }>): Promise<number> {
  const backend = new StudioBackend({
    jobsRoot: command.jobsRoot,
    launcher: nodeEngineLauncher(),
    logFile: defaultLogPath(),
  });
  await backend.store.open();
  const print = (value: unknown): void => {
    process.stdout.write(command.json ? `${JSON.stringify(value)}\n` : `${formatJobs(value)}\n`);
  };
  switch (command.action) {
    case 'list': {
      const { jobs, unreadable } = await backend.listJobFolders();
      print(jobs);
      // Not jobs, so not in the list (nor its JSON); said, so nobody takes them for lost.
      for (const u of unreadable)
        process.stderr.write(`gen3dface: not a readable job, left as it is: ${u.reason}\n`);
      return EXIT.ok;
    }
    case 'show':
      print(await backend.getJob(command.jobId!));
      return EXIT.ok;
    case 'delete':
      await backend.deleteJob(command.jobId!);
      return EXIT.ok;
    case 'resume': {
      // Refused before the engine starts, so the answer comes at once; resumeJob takes the lock itself.
      const jobDir = backend.store.jobDir(command.jobId!);
      const owner = await liveJobLockOwner(jobDir);
      if (owner) throw new JobLockedError(command.jobId!, owner, join(jobDir, JOB_LOCK_FILE));
      await backend.engine.start();
      try {
        if (reportSetupProblems(backend)) return EXIT.setup;
        const view = createProgressView(process.stdout, { json: command.json, label: command.jobId! });
        backend.on('event', view.onEvent);
        const outcome = backend.waitForJob(command.jobId!);
        // a job already done is not run again, so no end event would come
        if ((await backend.resumeJob(command.jobId!)).state === 'done') return EXIT.ok;
        const ended = await outcome;
        return ended.state === 'done'
          ? EXIT.ok
          : ended.state === 'cancelled'
            ? EXIT.cancelled
            : EXIT.jobFailed;
      } finally {
        await backend.stop(); // also when the job is locked: the engine child must not keep us alive
      }
    }
  }
}

function formatJobs(value: unknown): string {
  const list = (Array.isArray(value) ? value : [value]) as JobRecord[];
  if (list.length === 0) return 'no jobs';
  return list
    .map((j) => `${j.id}  ${j.state.padEnd(11)} ${j.sourceName}${j.error ? `  (${j.error.message})` : ''}`)
    .join('\n');
}

/** Prints what the installation lacks; true when a job cannot run. */
function reportSetupProblems(backend: StudioBackend): boolean {
  for (const problem of backend.engine.setupProblems) {
    process.stderr.write(`gen3dface: set-up incomplete: ${problem.message}\n`);
    if (problem.hint) process.stderr.write(`  ${problem.hint}\n`);
  }
  return backend.engine.setupProblems.length > 0;
}

/**
 * What a finished job's report asks the user to know: a face turned far from the camera, a hair
 * style that matched poorly. Notes only: an unreadable report (the files are written already) says
 * nothing rather than failing the run.
 */
async function reportNotesOf(backend: StudioBackend, job: JobRecord): Promise<string[]> {
  const report = (job.stages.export?.artifacts ?? []).find((a) => a.kind === 'report');
  if (!report) return [];
  try {
    const text = await readFile(backend.artifactPath(job.id, report.path), 'utf8');
    const r = JSON.parse(text) as {
      estimate?: { pose?: { yaw?: unknown } };
      hair?: { style?: unknown; iou?: unknown; inPhoto?: unknown; guessed?: unknown };
    };
    const yaw = r.estimate?.pose?.yaw;
    const { style, iou, inPhoto, guessed } = r.hair ?? {};
    return [
      typeof yaw === 'number' ? turnedFaceNote({ yaw }) : undefined,
      typeof style === 'string' && typeof iou === 'number'
        ? hairFitNote({
            style,
            iou,
            ...(typeof inPhoto === 'number' ? { inPhoto } : {}),
            guessed: guessed === true,
          })
        : undefined,
    ].filter((n): n is string => n !== undefined);
  } catch {
    return [];
  }
}
