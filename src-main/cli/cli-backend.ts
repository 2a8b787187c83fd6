/**
 * What the headless commands (generate, eval, the farm worker) share: a StudioBackend started on a
 * jobs folder, the app's version, and a finished job's files copied out of its folder.
 */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { nodeEngineLauncher, projectRoot } from '../host/engine-process';
import { StudioBackend } from '../host/studio-backend';
import { defaultLogPath } from '../host/studio-log';
import type { ArtifactKind, JobRecord } from '../shared/protocol';

export async function startBackend(jobsRoot: string, packsDir?: string): Promise<StudioBackend> {
  const backend = new StudioBackend({
    jobsRoot: resolve(jobsRoot),
    launcher: nodeEngineLauncher(packsDir ? { env: { GEN3D_PACKS_DIR: resolve(packsDir) } } : {}),
    versions: { studio: await packageVersion() },
    logFile: defaultLogPath(),
  });
  await backend.start();
  return backend;
}

/** Copy the export stage's files (and the preview) out of the job folder. */
export async function copyExports(backend: StudioBackend, job: JobRecord, outDir: string): Promise<string[]> {
  const wanted = new Set<ArtifactKind>([
    'export-glb',
    'export-obj',
    'export-mtl',
    'export-texture',
    'export-zip',
    'export-report',
    'preview',
    'report',
  ]);
  return copyArtifacts(backend, job, outDir, wanted);
}

/** Copy the export stage's artifacts of the wanted kinds into outDir (flat, by file name). */
export async function copyArtifacts(
  backend: StudioBackend,
  job: JobRecord,
  outDir: string,
  wanted: ReadonlySet<ArtifactKind>,
): Promise<string[]> {
  await mkdir(outDir, { recursive: true });
  const artifacts = (job.stages.export?.artifacts ?? []).filter((a) => wanted.has(a.kind));
  const names: string[] = [];
  for (const artifact of artifacts) {
    const name = basename(artifact.path);
    await copyFile(backend.artifactPath(job.id, artifact.path), join(outDir, name));
    names.push(name);
  }
  return names;
}

export async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(join(projectRoot(), 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}
