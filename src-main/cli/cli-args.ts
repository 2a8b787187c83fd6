/** The CLI's arguments, parsed and checked into job settings. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EXPORT_PRESETS, EXPORT_PRESET_IDS, type ExportPresetId } from '../shared/export-presets';
import {
  DiffusionSettings,
  EstimatorId,
  GeneratorId,
  ExportFormat,
  ExpressionMode,
  FaceSelection,
  JobSettings,
  MetricsLevel,
  type JobSettingsInput,
} from '../shared/protocol';

export const USAGE = `gen3dface — one photo of a person to a textured 3D head

Usage:
  gen3dface generate <photo|folder>... --out <dir> [options]
  gen3dface jobs list|show <id>|delete <id>|resume <id> [--jobs <dir>]
  gen3dface diagnostics [--out <file>] [--log-lines <N>] [--packs <dir>]
  gen3dface packs list|install <folder|zip>|remove <id> [--packs <dir>]   (gen3dface packs --help)
  gen3dface farm worker|submit|status|retry|cancel ...   (gen3dface farm --help)
  gen3dface eval <photos-folder>... [--out <dir>] [--compare <dir>]   (gen3dface eval --help)

Options for generate:
  --out <dir>          where the GLB/OBJ/MTL/PNG and preview go (one sub-folder per photo in a batch)
  --jobs <dir>         job folders (default: <out>/.jobs); a failed or cancelled job can be resumed
  --face <largest|N>   with several faces: take the largest or the N-th (default: refuse and list them)
  --estimator <id>     builtin | ringnet | deca | mica (default builtin)
  --expression <mode>  neutral (identity only, for rigging) | photo (default: neutral for RingNet,
                       DECA and MICA, photo for builtin)
  --packs <dir>        model packs folder (default ~/.gen3dface/packs; env GEN3D_PACKS_DIR)
  --preset <id>        blender | unity | unreal | maya | web: units, up axis, texture for that tool
  --format <list>      glb,obj (default both)
  --texture <px>       512 | 1024 | 2048 | 4096 (default 1024)
  --topology <t>       studio (default: the studio's head, hair and ears) | flame (FLAME's own mesh and
                       UVs, textured; needs a FLAME estimator whose pack has FLAME's UV template)
  --views-out <dir>    also write renders of the head from --views azimuths around it (a turntable)
  --views <N>          how many azimuths for --views-out, 360/N apart from the front (default 8)
  --generator <g>      projection (default: the photo projected onto the fitted head) | diffusion
                       (a multi-view diffusion pack writes 16 views into the job's views/; the
                       reconstruct stage fits the exported head to them, the projected head as prior)
  --pack <dir|id>      the diffusion pack: a folder, or an id in --packs (default: the first there)
  --steps <N>          DDIM steps (default: the pack's)
  --guidance <w>       classifier-free guidance weight (default: the pack's; 1 = none)
  --seed <N>           noise seed (default 0): the same seed, pack and photo give the same views
  --reconstruct-mesh <m>  reconstructed (default: the mesh fitted to the views) | prior (the
                       generator's head and hair objects, studio topology, textured from it)
  --metrics <level>    quality figures in report.json: full (identity at 0/±45° against the photo,
                       Janus, flatness; adds 6–15 s) | flatness | off (default: full after diffusion,
                       flatness after projection)
  --albedo             divide the photo's lighting out of the head texture (for relighting)
  --json               one JSON event per line on stdout instead of progress bars
  --log-lines <N>      diagnostics: how many of the log's last lines (default 200)
  -h, --help           this text
  -v, --version        the version

Exit codes: 0 every photo done; 1 a photo failed (bad photo, no face…); 2 usage error or set-up
incomplete (run npm run setup); 3 internal error; 4 the job is being worked on by another process
(app, CLI or farm worker); 130 cancelled (Ctrl-C).`;

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  /** `farm …`: its own options (src-main/farm/farm-cli.ts). */
  | { kind: 'farm'; argv: string[] }
  /** `eval …`: both generators on a folder with quality figures (src-main/cli/eval/). */
  | { kind: 'eval'; argv: string[] }
  /** `packs …`: list, install or remove model packs (src-main/cli/packs-command.ts). */
  | { kind: 'packs'; argv: string[] }
  | {
      kind: 'generate';
      inputs: string[];
      out: string;
      jobsRoot: string;
      packsDir?: string;
      /** Where the turntable renders go (one sub-folder per photo in a batch). */
      viewsOut?: string;
      json: boolean;
      settings: JobSettingsInput;
    }
  | {
      /** One JSON file for a bug report: versions, providers, native addon, packs, log tail. */
      kind: 'diagnostics';
      out: string;
      logLines: number;
      packsDir?: string;
    }
  | {
      kind: 'jobs';
      action: 'list' | 'show' | 'delete' | 'resume';
      jobId?: string;
      jobsRoot: string;
      json: boolean;
    };

export class UsageError extends Error {}

export function parseCliArgs(argv: string[]): CliCommand {
  if (argv[0] === 'farm') return { kind: 'farm', argv: argv.slice(1) };
  if (argv[0] === 'eval') return { kind: 'eval', argv: argv.slice(1) };
  if (argv[0] === 'packs') return { kind: 'packs', argv: argv.slice(1) };
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      jobs: { type: 'string' },
      face: { type: 'string' },
      estimator: { type: 'string' },
      expression: { type: 'string' },
      packs: { type: 'string' },
      format: { type: 'string' },
      preset: { type: 'string' },
      texture: { type: 'string' },
      topology: { type: 'string' },
      'views-out': { type: 'string' },
      views: { type: 'string' },
      generator: { type: 'string' },
      pack: { type: 'string' },
      steps: { type: 'string' },
      guidance: { type: 'string' },
      seed: { type: 'string' },
      'reconstruct-mesh': { type: 'string' },
      metrics: { type: 'string' },
      'log-lines': { type: 'string' },
      albedo: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
  });
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const [command, ...rest] = positionals;
  if (command === 'generate') {
    if (rest.length === 0) throw new UsageError('generate needs at least one photo or folder');
    if (!values.out) throw new UsageError('generate needs --out <dir>');
    const settings: JobSettingsInput = {};
    if (values.face !== undefined) settings.faceSelection = parseFace(values.face);
    if (values.estimator !== undefined)
      settings.estimator = parseWith(EstimatorId, values.estimator, '--estimator');
    if (values.expression !== undefined)
      settings.expression = parseWith(ExpressionMode, values.expression, '--expression');
    if (values.albedo) settings.albedoTexture = true;
    if (values['reconstruct-mesh'] !== undefined)
      settings.reconstructMesh = parseWith(
        JobSettings.shape.reconstructMesh.unwrap(),
        values['reconstruct-mesh'],
        '--reconstruct-mesh',
      );
    if (values.metrics !== undefined) settings.metrics = parseWith(MetricsLevel, values.metrics, '--metrics');
    Object.assign(settings, parseGeneratorOptions(values));
    const exportSettings: NonNullable<JobSettingsInput['export']> = {};
    if (values.preset !== undefined) {
      const preset = EXPORT_PRESETS[values.preset as ExportPresetId];
      if (!preset)
        throw new UsageError(`--preset takes ${EXPORT_PRESET_IDS.join(', ')}, not "${values.preset}"`);
      Object.assign(exportSettings, preset);
    }
    if (values.format !== undefined) {
      exportSettings.formats = values.format
        .split(',')
        .map((f) => parseWith(ExportFormat, f.trim(), '--format'));
    }
    if (values.texture !== undefined) {
      exportSettings.textureSize = parseWith(
        JobSettings.shape.export.unwrap().shape.textureSize,
        Number(values.texture),
        '--texture',
      );
    }
    if (values.topology !== undefined) {
      exportSettings.topology = parseWith(
        JobSettings.shape.export.unwrap().shape.topology.unwrap(),
        values.topology,
        '--topology',
      );
      // Known before any work: the built-in estimator has no FLAME mesh (the stage says so too).
      if (exportSettings.topology === 'flame' && (settings.estimator ?? 'builtin') === 'builtin')
        throw new UsageError(
          '--topology flame: the FLAME mesh can be exported only with a FLAME estimator (--estimator ringnet, deca or mica)',
        );
    }
    if (values.views !== undefined && values['views-out'] === undefined)
      throw new UsageError('--views needs --views-out <dir>');
    if (values['views-out'] !== undefined) {
      exportSettings.turntableViews = parseWith(
        JobSettings.shape.export.unwrap().shape.turntableViews.unwrap().min(1),
        Number(values.views ?? 8),
        '--views',
      );
    }
    if (Object.keys(exportSettings).length > 0) settings.export = exportSettings;
    return {
      kind: 'generate',
      inputs: rest,
      out: values.out,
      jobsRoot: values.jobs ?? `${values.out}/.jobs`,
      ...(values.packs ? { packsDir: values.packs } : {}),
      ...(values['views-out'] ? { viewsOut: values['views-out'] } : {}),
      json: values.json ?? false,
      settings,
    };
  }
  if (command === 'diagnostics') {
    if (rest.length > 0) throw new UsageError('diagnostics takes no arguments, only options');
    const logLines = Number(values['log-lines'] ?? 200);
    if (!Number.isInteger(logLines) || logLines < 0)
      throw new UsageError(`--log-lines does not take "${values['log-lines']}"`);
    return {
      kind: 'diagnostics',
      out: values.out ?? 'gen3dface-diagnostics.json',
      logLines,
      ...(values.packs ? { packsDir: values.packs } : {}),
    };
  }
  if (command === 'jobs') {
    const [action = 'list', jobId] = rest;
    if (!['list', 'show', 'delete', 'resume'].includes(action))
      throw new UsageError(`unknown jobs action "${action}"`);
    if (action !== 'list' && !jobId) throw new UsageError(`jobs ${action} needs a job id`);
    if (!values.jobs) throw new UsageError('jobs needs --jobs <dir>');
    return {
      kind: 'jobs',
      action: action as 'list' | 'show' | 'delete' | 'resume',
      ...(jobId ? { jobId } : {}),
      jobsRoot: values.jobs,
      json: values.json ?? false,
    };
  }
  throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
}

function parseGeneratorOptions(values: {
  generator?: string | undefined;
  pack?: string | undefined;
  steps?: string | undefined;
  guidance?: string | undefined;
  seed?: string | undefined;
}): Pick<JobSettingsInput, 'generator' | 'diffusion'> {
  const out: Pick<JobSettingsInput, 'generator' | 'diffusion'> = {};
  if (values.generator !== undefined) out.generator = parseWith(GeneratorId, values.generator, '--generator');
  const d: NonNullable<JobSettingsInput['diffusion']> = {};
  const shape = DiffusionSettings.shape;
  const num = (v: string): number => (/^\s*$/.test(v) ? NaN : Number(v));
  if (values.pack !== undefined) {
    // a folder is passed on as an absolute path (the engine process may run elsewhere); else an id
    const pack = existsSync(join(values.pack, 'manifest.json')) ? resolve(values.pack) : values.pack;
    d.pack = parseWith(shape.pack.unwrap(), pack, '--pack');
  }
  if (values.steps !== undefined) d.steps = parseWith(shape.steps.unwrap(), num(values.steps), '--steps');
  if (values.guidance !== undefined)
    d.guidance = parseWith(shape.guidance.unwrap(), num(values.guidance), '--guidance');
  if (values.seed !== undefined) d.seed = parseWith(shape.seed.unwrap(), num(values.seed), '--seed');
  if (Object.keys(d).length > 0) {
    if ((out.generator ?? 'projection') !== 'diffusion')
      throw new UsageError('--pack, --steps, --guidance and --seed need --generator diffusion');
    out.diffusion = d;
  }
  return out;
}

function parseFace(value: string): FaceSelection {
  if (value === 'largest') return 'largest';
  if (/^\d+$/.test(value)) return FaceSelection.parse(Number(value));
  throw new UsageError(`--face takes "largest" or a face number, not "${value}"`);
}

function parseWith<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
  value: unknown,
  flag: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`${flag} does not take "${String(value)}"`);
  return result.data;
}
