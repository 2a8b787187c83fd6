/**
 * `gen3dface eval <photos-folder|photo>...`: both generators on every photo, through the same backend
 * and engine as `generate`, with the full quality figures (engine/metrics) in every job's report;
 * writes eval.md + eval.csv (per photo and generator: identity at 0/±45°, cross-view identity,
 * Janus, flatness, time), results.json (for a later --compare), contact/<photo>.png (the photo, the
 * turntable per generator and the diffusion's 16 views) and, with --compare <earlier out dir>, a
 * table of deltas.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { compareViewSets } from '../../engine/metrics/view-set-similarity';
import { listPacks } from '../../engine/pipeline/list-packs';
import { embeddedPacksDir, packsDir as defaultPacksDir } from '../../engine/pipeline/packs-dir';
import type { StudioBackend } from '../../host/studio-backend';
import { HeadMetrics, type JobRecord, type JobSettingsInput } from '../../shared/protocol';
import { photoBaseName, safeFileStem } from '../../shared/file-names';
import { UsageError } from '../cli-args';
import { startBackend } from '../cli-backend';
import { expandInputs } from '../photo-inputs';
import { contactSheetPng, type ContactRow } from './contact-sheet';
import {
  compareRows,
  csvDeltas,
  csvTable,
  evalRow,
  markdownDeltas,
  markdownTable,
  type EvalRow,
} from './eval-table';

export const EVAL_USAGE = `gen3dface eval — both generators on a folder of photos, with quality figures

Usage:
  gen3dface eval <photos-folder|photo>... [--out <dir>] [--compare <earlier out dir>]
                 [--diffusion-pack <dir|id>] [--packs <dir>] [--generators projection,diffusion]
                 [--synthetic <dir of held-out identities from training/data>]

Writes into --out (default eval-out/<date-time>): eval.md and eval.csv (per photo and generator:
descriptor distance to the photo at 0°, +45°, −45° — the person below 0.6 —, cross-view identity,
Janus faces at the back, flat-colour share, time), results.json, contact/<photo>.png, and with
--compare also compare.csv and a delta table in eval.md. Diffusion runs with --diffusion-pack, or
with a diffusion pack found in the packs folder or shipped in resources/packs/; else it is skipped.
--synthetic <dir>: held-out identities written by training/data/make-synthetic-heads.ts (a seed or
range the pack was not trained on) run beside the photos; their diffusion views get SSIM/PSNR
against the true views from the same rig cameras (projection makes no rig views: empty there).`;

const TURNTABLE_VIEWS = 8;
const RESULTS_FILE = 'results.json';

interface EvalOptions {
  inputs: string[];
  out: string;
  compare?: string;
  diffusionPack?: string;
  packsDir?: string;
  /** Held-out synthetic identities (training/data/ output) to run beside the photos. */
  synthetic?: string;
  generators: EvalRow['generator'][];
}

export function parseEvalArgs(argv: string[]): EvalOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      compare: { type: 'string' },
      'diffusion-pack': { type: 'string' },
      packs: { type: 'string' },
      generators: { type: 'string' },
      synthetic: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals.length === 0 && !values.synthetic)
    throw new UsageError('eval needs a folder of photos (or photos, or --synthetic <dir>)');
  const generators = (values.generators ?? 'projection,diffusion').split(',').map((g) => g.trim());
  for (const g of generators)
    if (g !== 'projection' && g !== 'diffusion')
      throw new UsageError(`--generators takes projection,diffusion, not "${g}"`);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return {
    inputs: positionals,
    out: resolve(values.out ?? join('eval-out', stamp)),
    ...(values.compare ? { compare: resolve(values.compare) } : {}),
    ...(values['diffusion-pack'] ? { diffusionPack: values['diffusion-pack'] } : {}),
    ...(values.packs ? { packsDir: resolve(values.packs) } : {}),
    ...(values.synthetic ? { synthetic: resolve(values.synthetic) } : {}),
    generators: generators as EvalRow['generator'][],
  };
}

export async function evalMain(argv: string[]): Promise<number> {
  let options: EvalOptions | 'help';
  try {
    options = parseEvalArgs(argv);
  } catch (error) {
    process.stderr.write(`gen3dface eval: ${(error as Error).message}\n\n${EVAL_USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${EVAL_USAGE}\n`);
    return 0;
  }
  try {
    return await runEval(options);
  } catch (error) {
    process.stderr.write(`gen3dface eval: ${(error as Error).message}\n`);
    return error instanceof UsageError ? 2 : 3;
  }
}

async function runEval(options: EvalOptions): Promise<number> {
  const photos: EvalSubject[] = [
    ...(await expandInputs(options.inputs)).map((file) => ({ file, name: basename(file) })),
    ...(options.synthetic ? await heldOutIdentities(options.synthetic) : []),
  ];
  const before = options.compare ? await readResults(options.compare) : undefined;
  const diffusionPack = options.generators.includes('diffusion')
    ? await chooseDiffusionPack(options.diffusionPack, options.packsDir)
    : undefined;
  const log = (line: string): void => void process.stdout.write(`${line}\n`);
  if (options.generators.includes('diffusion') && !diffusionPack)
    log('eval: no diffusion pack (give --diffusion-pack <dir|id>): diffusion skipped');
  await mkdir(join(options.out, 'contact'), { recursive: true });
  const backend = await startBackend(join(options.out, '.jobs'), options.packsDir);
  const rows: EvalRow[] = [];
  try {
    for (const problem of backend.engine.setupProblems)
      throw new UsageError(`set-up incomplete: ${problem.message}`);
    for (const { file: photo, name, truthViewsDir } of photos) {
      const sheet: ContactRow[] = [];
      for (const generator of options.generators) {
        if (generator === 'diffusion' && !diffusionPack) continue;
        const settings: JobSettingsInput = {
          generator,
          metrics: 'full',
          faceSelection: 'largest',
          export: { formats: ['glb'], turntableViews: TURNTABLE_VIEWS },
          ...(generator === 'diffusion' ? { diffusion: { pack: diffusionPack } } : {}),
        };
        log(`eval: ${name} · ${generator}`);
        const started = performance.now();
        const job = await backend.importPhoto(photo, settings);
        const outcome = await backend.waitForJob(job.id);
        const seconds = (performance.now() - started) / 1000;
        const status =
          outcome.state === 'done' ? 'done' : `${outcome.state}: ${outcome.job.error?.message ?? ''}`;
        const metrics = outcome.state === 'done' ? await jobMetrics(backend, outcome.job) : undefined;
        const truth =
          truthViewsDir && outcome.state === 'done'
            ? await compareViewSets(
                await generatedViews(backend, outcome.job),
                await readViews(truthViewsDir),
              )
            : undefined;
        const row = evalRow(name, generator, status, seconds, metrics, truth);
        rows.push(row);
        log(`eval: ${name} · ${generator}: ${status}, ${row.seconds} s`);
        sheet.push({
          label: `${name} · ${generator}${diffusionLabel(generator, diffusionPack)}`,
          views: outcome.state === 'done' ? await turntableViews(backend, outcome.job) : [],
        });
        const generated = outcome.state === 'done' ? await generatedViews(backend, outcome.job) : [];
        if (generated.length)
          sheet.push({
            label: `${name} · the diffusion's ${generated.length} views`,
            views: generated.map((v) => v.png),
          });
      }
      if (truthViewsDir)
        sheet.push({
          label: `${name} · ground truth (the rig's views)`,
          views: (await readViews(truthViewsDir)).map((v) => v.png),
        });
      const sheetFile = join(options.out, 'contact', `${safeFileStem(photoBaseName(name))}.png`);
      await writeFile(sheetFile, await contactSheetPng(await readFile(photo), sheet));
    }
  } finally {
    await backend.stop();
  }
  await writeFile(join(options.out, RESULTS_FILE), `${JSON.stringify({ rows, diffusionPack }, null, 2)}\n`);
  await writeFile(join(options.out, 'eval.csv'), csvTable(rows));
  const md = [
    `# Eval: ${photos.length} photo(s), ${new Date().toISOString()}`,
    '',
    `Generators: ${options.generators.join(', ')}; diffusion pack: ${diffusionPack ?? 'none (diffusion not run)'}.`,
    'Identity: face-api 128-D descriptor distance of the render to the photo (the person below 0.6);',
    'cross-view: mean pairwise distance of the renders where a face is found; Janus: a face found at',
    '135–225°; flat: share of flat-colour pixels in unlit renders (max and mean over 8 azimuths);',
    "SSIM/PSNR: held-out synthetic identities only (--synthetic), the diffusion's views against the true views.",
    '',
    markdownTable(rows),
    '',
  ];
  if (before) {
    const deltas = compareRows(rows, before);
    await writeFile(join(options.out, 'compare.csv'), csvDeltas(deltas));
    md.push(`## Compared with ${options.compare} (now − before)`, '', markdownDeltas(deltas), '');
  }
  await writeFile(join(options.out, 'eval.md'), md.join('\n'));
  log(`eval: wrote ${join(options.out, 'eval.md')}, eval.csv, ${RESULTS_FILE}, contact/`);
  return rows.every((r) => r.status === 'done') ? 0 : 1;
}

/**
 * The diffusion pack to run: the one given, else (as the runtime looks) the first diffusion pack in
 * the packs folder, then one shipped in resources/packs/; undefined when there is none.
 */
async function chooseDiffusionPack(
  given: string | undefined,
  packsDir: string | undefined,
): Promise<string | undefined> {
  // a folder is passed on as an absolute path (the engine may run elsewhere); else it is a pack id
  if (given) return existsSync(join(given, 'manifest.json')) ? resolve(given) : given;
  const packs = await listPacks(packsDir ?? defaultPacksDir(), embeddedPacksDir());
  const user = packs.filter((p) => !p.builtIn);
  const pack = [...user, ...packs.filter((p) => p.builtIn)].find(
    (p) => p.ok && p.role === 'multiview-diffusion',
  );
  return pack?.id;
}

function diffusionLabel(generator: EvalRow['generator'], pack: string | undefined): string {
  return generator === 'diffusion' && pack ? ` (${basename(pack)})` : '';
}

async function jobMetrics(backend: StudioBackend, job: JobRecord): Promise<HeadMetrics | undefined> {
  const report = (job.stages.export?.artifacts ?? []).find((a) => a.kind === 'report');
  if (!report) return undefined;
  const json = JSON.parse(await readFile(backend.artifactPath(job.id, report.path), 'utf8')) as {
    metrics?: unknown;
  };
  return json.metrics === undefined ? undefined : HeadMetrics.parse(json.metrics);
}

async function turntableViews(backend: StudioBackend, job: JobRecord): Promise<Buffer[]> {
  const files = (job.stages.export?.artifacts ?? [])
    .filter((a) => a.kind === 'turntable-view')
    .map((a) => a.path)
    .sort();
  return Promise.all(files.map((f) => readFile(backend.artifactPath(job.id, f))));
}

/** The diffusion's views (`views/NN.png`), in rig order; none after the projection generator. */
async function generatedViews(
  backend: StudioBackend,
  job: JobRecord,
): Promise<{ name: string; png: Buffer }[]> {
  const files = (job.stages.generate?.artifacts ?? [])
    .filter((a) => a.kind === 'view' && /^views\/\d+\.png$/.test(a.path))
    .map((a) => a.path);
  return Promise.all(
    [...new Set(files)].sort().map(async (f) => ({
      name: basename(f),
      png: await readFile(backend.artifactPath(job.id, f)),
    })),
  );
}

interface EvalSubject {
  file: string;
  name: string;
  /** A held-out synthetic identity's true views from the pack's rig (`views/NN.png`). */
  truthViewsDir?: string;
}

/**
 * Held-out synthetic identities written by training/data/make-synthetic-heads.ts (`id-NNNNNN/`:
 * `photo.png`, `views/NN.png` + `cameras.json` from the pack's rig). Use a seed or index range the
 * pack was not trained on. Their diffusion views are compared with the true views by SSIM/PSNR;
 * the projection generator makes no views in the rig, so its SSIM/PSNR stay empty.
 */
async function heldOutIdentities(dir: string): Promise<EvalSubject[]> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /^id-\d+$/.test(n)).sort();
  const subjects = names
    .map((n) => ({
      file: join(dir, n, 'photo.png'),
      name: `synthetic/${n}`,
      truthViewsDir: join(dir, n, 'views'),
    }))
    .filter((s) => existsSync(s.file) && existsSync(join(s.truthViewsDir, 'cameras.json')));
  if (subjects.length === 0)
    throw new UsageError(`--synthetic: no id-NNNNNN/ identities with photo.png and views/ in ${dir}`);
  return subjects;
}

async function readViews(dir: string): Promise<{ name: string; png: Buffer }[]> {
  const names = (await readdir(dir)).filter((n) => /^\d+\.png$/.test(n)).sort();
  return Promise.all(names.map(async (name) => ({ name, png: await readFile(join(dir, name)) })));
}

async function readResults(dir: string): Promise<EvalRow[]> {
  const text = await readFile(join(dir, RESULTS_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) throw new UsageError(`--compare: no ${RESULTS_FILE} in ${dir}`);
  return (JSON.parse(text) as { rows: EvalRow[] }).rows;
}
