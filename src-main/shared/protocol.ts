/**
 * The one protocol of the studio: job settings, engine commands and engine events.
 * Imported by main, the engine, the CLI and the renderer; both ends of every channel validate
 * with these schemas, so a malformed message is refused where it arrives, never half-acted on.
 */
import { z } from 'zod';
import { EngineDiagnostics } from './diagnostics';

export const PROTOCOL_VERSION = 1;

/** Pipeline stages in run order (DESIGN.md). The pipeline runs the ones it implements, in this order. */
export const STAGE_IDS = ['ingest', 'segment', 'estimate', 'generate', 'reconstruct', 'export'] as const;
export const StageId = z.enum(STAGE_IDS);
export type StageId = z.infer<typeof StageId>;

export const EstimatorId = z.enum(['builtin', 'ringnet', 'deca', 'mica']);
export type EstimatorId = z.infer<typeof EstimatorId>;

/** The exported head's expression: identity only (rig-ready), or as in the photo. */
export const ExpressionMode = z.enum(['neutral', 'photo']);
export type ExpressionMode = z.infer<typeof ExpressionMode>;

export const ProviderId = z.enum(['auto', 'cuda', 'dml', 'webgpu', 'cpu']);
export type ProviderId = z.infer<typeof ProviderId>;

/** What to do when the photo holds several faces: refuse (and say so), take the largest, or a given index. */
export const FaceSelection = z.union([z.literal('refuse'), z.literal('largest'), z.number().int().min(0)]);
export type FaceSelection = z.infer<typeof FaceSelection>;

/** Smallest side of a crop box (original photo pixels): smaller leaves too little face to fit. */
export const MIN_CROP_SIDE = 64;
/** A crop of the upright original photo, in its pixels, applied by ingest before anything else. */
export const CropBox = z
  .object({
    x: z.number().int().min(0),
    y: z.number().int().min(0),
    width: z.number().int().min(MIN_CROP_SIDE),
    height: z.number().int().min(MIN_CROP_SIDE),
  })
  .strict();
export type CropBox = z.infer<typeof CropBox>;

export const ExportFormat = z.enum(['glb', 'obj']);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const ExportSettings = z
  .object({
    formats: z.array(ExportFormat).min(1).default(['glb', 'obj']),
    units: z.enum(['m', 'cm']).default('m'),
    upAxis: z.enum(['Y', 'Z']).default('Y'),
    origin: z.enum(['head-centre', 'neck-base']).default('head-centre'),
    textureSize: z.union([z.literal(512), z.literal(1024), z.literal(2048), z.literal(4096)]).default(1024),
    /** File name without extension; `{name}` is the photo's base name. */
    fileNameTemplate: z.string().min(1).max(120).default('{name}'),
    /** Simplify (meshoptimizer, UV seams kept) only when the mesh has more triangles than this. */
    triangleBudget: z.number().int().min(100).max(10_000_000).optional(),
    /** Encoding of the base-colour texture, embedded in the GLB and written beside the OBJ. */
    textureFormat: z.enum(['png', 'jpeg']).default('png'),
    /**
     * The head's mesh: the studio's own topology ('studio': UVs, ears, neck, hair fit), or FLAME's
     * ('flame': the estimator's mesh with FLAME's UV template from the user's download, textured by
     * transfer from the studio's head; needs a FLAME estimator and a pack converted with the template).
     */
    topology: z.enum(['studio', 'flame']).default('studio'),
    /** Add the mesh prior as a second object (same placement) to each model file. */
    includePrior: z.boolean().default(false),
    /** Write the generated views (`<file>_views/`) next to the model. */
    includeViews: z.boolean().default(false),
    /** Write the job report (`<file>_report.json`) next to the model. */
    includeReport: z.boolean().default(false),
    /** Render the result from this many azimuths around the head into the job (`export/turntable/`). */
    turntableViews: z.number().int().min(0).max(72).default(0),
    /** Also pack the OBJ, its MTL and texture(s) into `<file>.zip`. */
    zip: z.boolean().default(false),
    /** The preset these settings came from (engine/export/presets.ts); 'custom' once edited. */
    preset: z.enum(['custom', 'blender', 'unity', 'unreal', 'maya', 'web']).default('custom'),
  })
  .strict();
export type ExportSettings = z.infer<typeof ExportSettings>;

/**
 * How `generate` makes the views: 'projection' (the photo projected onto the prior, no network) or
 * 'diffusion' (a multi-view diffusion pack: 16 views into `views/`, from which the reconstruct stage
 * fits the exported head, the projected head as its prior).
 */
export const GeneratorId = z.enum(['projection', 'diffusion']);
export type GeneratorId = z.infer<typeof GeneratorId>;

export const DiffusionSettings = z
  .object({
    /** A pack folder, or a pack id in the packs folder; unset = the first diffusion pack there. */
    pack: z.string().min(1).optional(),
    /** DDIM steps; unset = the pack's sampler.steps. */
    steps: z.number().int().min(1).max(1000).optional(),
    /** Classifier-free guidance weight w; unset = the pack's. 1 = no unconditional half. */
    guidance: z.number().min(0).max(50).optional(),
    /** Seed of the noise: the same seed, pack and photo give the same views. */
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    /** Most UNet batch elements per run (whole groups); unset = all at once, halved on out-of-memory. */
    maxBatch: z.number().int().min(1).optional(),
    /** Decode and show every view's predicted image every this many steps (0 = never). */
    previewEvery: z.number().int().min(0).default(10),
    /** Save the sampling state every this many steps, for resuming a killed engine (0 = never). */
    checkpointEvery: z.number().int().min(0).default(5),
  })
  .strict();
export type DiffusionSettings = z.infer<typeof DiffusionSettings>;

export const MetricsLevel = z.enum(['off', 'flatness', 'full']);
export type MetricsLevel = z.infer<typeof MetricsLevel>;

export const JobSettings = z
  .object({
    generator: GeneratorId.default('projection'),
    diffusion: DiffusionSettings.default(DiffusionSettings.parse({})),
    estimator: EstimatorId.default('builtin'),
    faceSelection: FaceSelection.default('refuse'),
    /** Crop of the original photo (the studio's crop box); unset: the whole photo. */
    crop: CropBox.optional(),
    /** Unset: 'neutral' for the FLAME estimators (RingNet, DECA, MICA), 'photo' for the built-in. */
    expression: ExpressionMode.optional(),
    provider: ProviderId.default('auto'),
    /** Photos above this many pixels are refused before decoding (decompression-bomb guard). */
    maxInputPixels: z.number().int().positive().default(50_000_000),
    /** Longest side of the working copy of the photo; larger photos are downscaled. */
    workingMaxSide: z.number().int().min(256).max(8192).default(2048),
    /**
     * Head texture as albedo: the photo's fitted lighting (order-2 spherical harmonics) divided out,
     * for relighting. Off by default: the texture keeps the photo's shading, so the head looks like
     * the photo under any viewer's flat or default light, and a light estimated from one photo on
     * a fitted (not scanned) surface never paints its own errors into it.
     */
    albedoTexture: z.boolean().default(false),
    /**
     * After the diffusion generator: the exported head is the mesh reconstructed from the views
     * ('reconstructed': their shape, a new atlas each time) or the generator's own head and hair
     * objects textured from it ('prior': the studio topology and UVs, ready to rig).
     */
    reconstructMesh: z.enum(['reconstructed', 'prior']).default('reconstructed'),
    /**
     * Quality figures in report.json (engine/metrics): 'full' (identity at 0/±45°, cross-view
     * identity, Janus, flatness: renders plus the face descriptor, 6–15 s on 2 cores), 'flatness'
     * (unlit renders only, ~1.5 s) or 'off'. Unset: full after the diffusion generator (a long job
     * already), flatness after projection; `gen3dface eval` asks for full.
     */
    metrics: MetricsLevel.optional(),
    export: ExportSettings.default(ExportSettings.parse({})),
  })
  .strict();
export type JobSettings = z.infer<typeof JobSettings>;
export type JobSettingsInput = z.input<typeof JobSettings>;

/** The quality figures a job's report gets: its setting, or the generator's default. */
export function metricsLevelOf(settings: Pick<JobSettings, 'generator' | 'metrics'>): MetricsLevel {
  return settings.metrics ?? (settings.generator === 'diffusion' ? 'full' : 'flatness');
}

/** The expression a job's head gets: its setting, or the estimator's default. */
export function expressionModeOf(settings: Pick<JobSettings, 'estimator' | 'expression'>): ExpressionMode {
  return settings.expression ?? (settings.estimator === 'builtin' ? 'photo' : 'neutral');
}

// ---------------------------------------------------------------------------------------------
// Job folder state (job.json)
// ---------------------------------------------------------------------------------------------

export const StageState = z.enum(['pending', 'running', 'done', 'failed', 'cancelled']);
export type StageState = z.infer<typeof StageState>;

export const JobState = z.enum(['created', 'running', 'interrupted', 'cancelled', 'failed', 'done']);
export type JobState = z.infer<typeof JobState>;

export const ArtifactKind = z.enum([
  'photo',
  'mask',
  'cutout',
  'landmarks',
  'overlay',
  'prior-mesh',
  'camera',
  'view',
  /** A view's decoded x̂0 during sampling (`views/preview/NN.png`, rewritten every few steps). */
  'view-preview',
  'mesh',
  'texture',
  'export-glb',
  'export-obj',
  'export-mtl',
  'export-texture',
  'export-zip',
  'export-view',
  'export-report',
  'preview',
  'preview-view',
  'turntable-view',
  'report',
]);
export type ArtifactKind = z.infer<typeof ArtifactKind>;

/** An artifact path is always relative to its job folder, with forward slashes, never escaping it. */
export const RelativePath = z
  .string()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.includes('\\') && !p.split('/').includes('..'), {
    message: 'must be a relative path inside the job folder',
  });

export const Artifact = z.object({ kind: ArtifactKind, path: RelativePath }).strict();
export type Artifact = z.infer<typeof Artifact>;

export const ErrorInfo = z
  .object({
    code: z.string().min(1),
    message: z.string().min(1),
    hint: z.string().optional(),
  })
  .strict();
export type ErrorInfo = z.infer<typeof ErrorInfo>;

export const StageRecord = z
  .object({
    state: StageState,
    ms: z.number().nonnegative().optional(),
    artifacts: z.array(Artifact).default([]),
    error: ErrorInfo.optional(),
    /** Why a 'done' stage had nothing to do (e.g. reconstruct without generated views): shown as skipped. */
    skipped: z.string().min(1).optional(),
    /**
     * The estimator whose estimate this result was made from (estimate and the stages after it), so a
     * result made from another estimate than the chosen one is shown as out of date, never as done.
     */
    estimator: EstimatorId.optional(),
  })
  .strict();
export type StageRecord = z.infer<typeof StageRecord>;

export const JobRecord = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
    protocolVersion: z.literal(PROTOCOL_VERSION),
    state: JobState,
    /** The photo's original file name, for display and export names (file names are ≤ 255 bytes). */
    sourceName: z.string().min(1).max(1024),
    createdAt: z.string(),
    updatedAt: z.string(),
    settings: JobSettings,
    stages: z.partialRecord(StageId, StageRecord),
    error: ErrorInfo.optional(),
    versions: z.record(z.string(), z.string()).default({}),
  })
  .strict();
export type JobRecord = z.infer<typeof JobRecord>;

/** A folder in the jobs folder whose job.json cannot be read (damaged, or from a newer studio): shown, never deleted. */
export const UnreadableJobFolder = z.object({ folder: z.string(), reason: z.string() }).strict();
export type UnreadableJobFolder = z.infer<typeof UnreadableJobFolder>;

/** One look at the jobs folder: its jobs (newest first) and the folders that are not readable jobs. */
export const JobFolders = z
  .object({ jobs: z.array(JobRecord), unreadable: z.array(UnreadableJobFolder) })
  .strict();
export type JobFolders = z.infer<typeof JobFolders>;

// ---------------------------------------------------------------------------------------------
// Commands: host → engine
// ---------------------------------------------------------------------------------------------

const JobRef = { jobId: JobRecord.shape.id, jobDir: z.string().min(1) };
/** One view of a diffusion job and the seed of its candidate (the range is checked against the job). */
const ViewCandidateRef = {
  view: z.number().int().min(0).max(999),
  seed: z.number().int().min(0).max(0xffffffff),
};

export const EngineCommand = z.discriminatedUnion('type', [
  /** Run a job whose folder the host has created (job.json + input/). */
  z.object({ type: z.literal('start'), ...JobRef }).strict(),
  /** Run the stages of a job that are not done yet. */
  z.object({ type: z.literal('resume'), ...JobRef }).strict(),
  /** Re-run one stage and everything after it (e.g. after switching estimator). */
  z
    .object({
      type: z.literal('rerun'),
      ...JobRef,
      fromStage: StageId,
      /** Re-run just this stage (e.g. a new estimator for the overlay), keeping later results. */
      only: z.boolean().default(false),
    })
    .strict(),
  /**
   * Re-run estimate → export with another estimator. If the estimate stage fails (a missing or corrupt
   * pack), the job is put back as it was — previous estimate, settings and stage states — and the
   * engine answers `estimatorSwitchFailed` instead of failing the job.
   */
  z.object({ type: z.literal('switchEstimator'), ...JobRef, estimator: EstimatorId }).strict(),
  z.object({ type: z.literal('cancel'), jobId: JobRecord.shape.id }).strict(),
  /**
   * Sample a diffusion job's views again with `seed` and write only view `view` as the candidate
   * `views/candidates/NN-seed<seed>.png` (views/NN.png untouched). Answered by `viewCandidate`.
   */
  z.object({ type: z.literal('regenerateView'), ...JobRef, ...ViewCandidateRef }).strict(),
  /** Put the candidate in place of views/NN.png (the old one kept) and re-run reconstruct → export. */
  z.object({ type: z.literal('keepViewCandidate'), ...JobRef, ...ViewCandidateRef }).strict(),
  /** Delete the candidate. Answered by `viewCandidate` (discarded, or failed with why). */
  z.object({ type: z.literal('discardViewCandidate'), ...JobRef, ...ViewCandidateRef }).strict(),
  z.object({ type: z.literal('listPacks'), requestId: z.string().min(1) }).strict(),
  /**
   * Install a pack from a folder or a .zip (copied into a temp folder inside the packs folder,
   * verified, then renamed into place, or nothing changes). Answered by a `packResult` event.
   */
  z
    .object({
      type: z.literal('installPack'),
      requestId: z.string().min(1),
      source: z.string().min(1),
      /** Replace an installed pack of the same id (else that is refused). */
      replace: z.boolean().default(false),
    })
    .strict(),
  /** Remove a user-installed pack (never a built-in one). Answered by a `packResult` event. */
  z.object({ type: z.literal('removePack'), requestId: z.string().min(1), id: z.string().min(1) }).strict(),
  /** Which estimators this installation can run now (answered by an `estimators` event). */
  z.object({ type: z.literal('listEstimators'), requestId: z.string().min(1) }).strict(),
  /** Versions, providers, native addon, packs (verified): for `gen3dface diagnostics`. */
  z.object({ type: z.literal('diagnose'), requestId: z.string().min(1) }).strict(),
  z.object({ type: z.literal('shutdown') }).strict(),
]);
export type EngineCommand = z.infer<typeof EngineCommand>;

// ---------------------------------------------------------------------------------------------
// Events: engine → host (→ renderer / CLI)
// ---------------------------------------------------------------------------------------------

export const PackInfo = z
  .object({
    id: z.string(),
    kind: z.enum(['segment', 'estimate', 'generate', 'reconstruct']),
    /** The manifest's role, e.g. 'multiview-diffusion' (a pack the diffusion generator runs). */
    role: z.string().optional(),
    version: z.string(),
    license: z.string(),
    builtIn: z.boolean(),
    ok: z.boolean(),
    problem: z.string().optional(),
    /** Total bytes of the files the manifest lists (packs with a folder). */
    sizeBytes: z.number().int().nonnegative().optional(),
    /** Every listed file's sha256 was checked against the manifest (by this engine, files unchanged since). */
    sha256Verified: z.boolean().optional(),
    /** The pack's folder (packs with a folder). */
    dir: z.string().optional(),
  })
  .strict();
export type PackInfo = z.infer<typeof PackInfo>;

/**
 * Whether an estimator can run here. Unavailable ones name the pack they lack (or the pack at fault)
 * and how to add it, so the studio can offer them disabled instead of starting a run that fails.
 */
export const EstimatorAvailability = z
  .object({
    id: EstimatorId,
    available: z.boolean(),
    /** The pack it needs: its id (a folder of that name in the packs folder) or the pack found. */
    packId: z.string().min(1),
    /** Where the pack is, or where it should go. */
    packDir: z.string().min(1).optional(),
    /** Why it cannot run (unavailable only). */
    problem: z.string().min(1).optional(),
    /** How to add or repair the pack (unavailable only). */
    hint: z.string().min(1).optional(),
  })
  .strict();
export type EstimatorAvailability = z.infer<typeof EstimatorAvailability>;

const JobId = { jobId: JobRecord.shape.id };

export const EngineEvent = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('ready'),
      protocolVersion: z.literal(PROTOCOL_VERSION),
      pid: z.number().int(),
      /** What the installation lacks (e.g. the native addon): jobs fail before their first stage. */
      setupProblems: z.array(ErrorInfo).optional(),
    })
    .strict(),
  z.object({ type: z.literal('stageStarted'), ...JobId, stage: StageId }).strict(),
  z
    .object({
      type: z.literal('progress'),
      ...JobId,
      stage: StageId,
      step: z.number().int().nonnegative(),
      total: z.number().int().positive(),
      message: z.string().optional(),
    })
    .strict(),
  z.object({ type: z.literal('artifact'), ...JobId, stage: StageId, artifact: Artifact }).strict(),
  z
    .object({
      type: z.literal('stageDone'),
      ...JobId,
      stage: StageId,
      ms: z.number().nonnegative(),
      /** Set when the stage had nothing to do, and why. */
      skipped: z.string().min(1).optional(),
    })
    .strict(),
  z.object({ type: z.literal('jobDone'), ...JobId, outputs: z.array(Artifact) }).strict(),
  z.object({ type: z.literal('cancelled'), ...JobId }).strict(),
  z
    .object({
      type: z.literal('error'),
      jobId: JobRecord.shape.id.optional(),
      stage: StageId.optional(),
      error: ErrorInfo,
    })
    .strict(),
  z.object({ type: z.literal('packs'), requestId: z.string(), packs: z.array(PackInfo) }).strict(),
  /** The answer to `installPack` / `removePack`: the pack installed or removed, or why nothing changed. */
  z
    .object({
      type: z.literal('packResult'),
      requestId: z.string(),
      action: z.enum(['install', 'remove']),
      pack: PackInfo.optional(),
      error: ErrorInfo.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('estimators'),
      requestId: z.string(),
      estimators: z.array(EstimatorAvailability),
    })
    .strict(),
  /**
   * A `switchEstimator` whose estimate failed: the job is back as it was (`kept`'s estimate and the
   * results made from it); `error` says why the switch to `estimator` failed. Ends the run.
   */
  z
    .object({
      type: z.literal('estimatorSwitchFailed'),
      ...JobId,
      estimator: EstimatorId,
      kept: EstimatorId,
      error: ErrorInfo,
    })
    .strict(),
  /** A `regenerateView`'s sampling step (not a stage's: the job's stages stay as they are). */
  z
    .object({
      type: z.literal('viewCandidateProgress'),
      ...JobId,
      ...ViewCandidateRef,
      step: z.number().int().nonnegative(),
      total: z.number().int().positive(),
      message: z.string().optional(),
    })
    .strict(),
  /**
   * What became of a view candidate: 'ready' (written at `path`), 'kept' (now views/NN.png; the
   * reconstruct → export run follows), 'discarded', 'cancelled', or 'failed' (`error` says why, e.g.
   * a refusal). Every state but 'kept' ends the command's run.
   */
  z
    .object({
      type: z.literal('viewCandidate'),
      ...JobId,
      ...ViewCandidateRef,
      state: z.enum(['ready', 'kept', 'discarded', 'cancelled', 'failed']),
      path: z.string().optional(),
      error: ErrorInfo.optional(),
    })
    .strict(),
  z
    .object({ type: z.literal('diagnostics'), requestId: z.string(), diagnostics: EngineDiagnostics })
    .strict(),
  z
    .object({ type: z.literal('log'), level: z.enum(['debug', 'info', 'warn']), message: z.string() })
    .strict(),
  /**
   * Sign of life, sent every few seconds by a timer of the engine's event loop: a synchronous call
   * that never returns (a native kernel that spins, an ONNX Runtime provider stuck after running out
   * of memory) stops it, and the host's watchdog restarts the engine (host/engine-watchdog.ts).
   */
  z.object({ type: z.literal('heartbeat'), seq: z.number().int().nonnegative() }).strict(),
  /**
   * The engine is about to make a call that may block its event loop (no heartbeat) or run without
   * progress for up to `ms` (e.g. creating the session of a large ONNX pack): the watchdog waits that
   * long before it calls the engine hung. 0 ends an earlier allowance. Ends with the stage anyway.
   */
  z
    .object({
      type: z.literal('expectSilence'),
      ms: z
        .number()
        .int()
        .min(0)
        .max(6 * 3600_000),
      reason: z.string().max(300),
    })
    .strict(),
]);
export type EngineEvent = z.infer<typeof EngineEvent>;

/** Host-side events that the engine cannot send itself (it is gone when they happen). */
export const HostEvent = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('engineExited'),
      code: z.number().int().nullable(),
      signal: z.string().nullable(),
      willRestart: z.boolean(),
      /** Set when its stderr showed why: it ran out of memory (with the line that said so). */
      cause: z.enum(['out-of-memory']).optional(),
      detail: z.string().max(200).optional(),
    })
    .strict(),
  z.object({ type: z.literal('engineRestarted'), pid: z.number().int() }).strict(),
  /**
   * The watchdog found the engine unresponsive: no heartbeat (`kind` 'heartbeat': its event loop is
   * blocked) or no progress of the running job (`kind` 'progress') for `silentMs`, more than its
   * limit. The engine is killed next (engineExited follows); `stage` is the stage it was in, if any.
   */
  z
    .object({
      type: z.literal('engineHung'),
      kind: z.enum(['heartbeat', 'progress']),
      jobId: JobRecord.shape.id.optional(),
      stage: StageId.optional(),
      silentMs: z.number().int().nonnegative(),
      limitMs: z.number().int().nonnegative(),
    })
    .strict(),
]);
export type HostEvent = z.infer<typeof HostEvent>;

export const StudioEvent = z.union([EngineEvent, HostEvent]);
export type StudioEvent = z.infer<typeof StudioEvent>;

/** Whether a job's run is over with this event (the engine takes the next command). */
export function endsJobRun(event: StudioEvent): boolean {
  return (
    event.type === 'jobDone' ||
    event.type === 'cancelled' ||
    event.type === 'estimatorSwitchFailed' ||
    (event.type === 'viewCandidate' && event.state !== 'kept') ||
    (event.type === 'error' && event.jobId !== undefined)
  );
}

/** Parse a message or say exactly what is wrong with it (first issue, with its path). */
export function parseMessage<T>(
  schema: z.ZodType<T>,
  raw: unknown,
): { ok: true; value: T } | { ok: false; error: string } {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${clip(issue.path.map(String).join('.'), 200)}` : '';
  // zod quotes offending keys back (a hostile message's 100 kB key): the error stays short enough to read
  return { ok: false, error: `${clip(issue?.message ?? 'invalid message', 300)}${where}` };
}

/** The text, cut to at most `max` characters with the cut marked. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------------------------
// Artifact formats the renderer reads
// ---------------------------------------------------------------------------------------------

/** `prior/overlay.json`: the estimated mesh prior drawn over the photo, all in photo pixels. */
/**
 * The head pose the built-in fit found in the photo, degrees (fit-head-model.ts's convention: yaw > 0
 * turns the face to the image's right, pitch > 0 looks down, roll > 0 tilts counter-clockwise).
 * Kept in prior/head-fit.json, overlay.json and report.json; photo-pose.ts says what it means to the user.
 */
export const PhotoPose = z.object({ yaw: z.number(), pitch: z.number(), roll: z.number() });
export type PhotoPose = z.infer<typeof PhotoPose>;

export const PriorOverlay = z
  .object({
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
    /** x, y pairs of the landmarks. */
    landmarks: z.array(z.number()),
    /** x, y pairs of the projected mesh vertices the wireframe uses. */
    vertices: z.array(z.number()),
    /** Vertex-index pairs, one line each. */
    edges: z.array(z.number().int().nonnegative()),
    /** Closed outline(s) of the projected mesh, x, y pairs each. */
    silhouette: z.array(z.array(z.number())).default([]),
    confidence: z.number().min(0).max(1),
    estimator: EstimatorId,
    /** The head pose the built-in fit found (degrees; photo-pose.ts), so a turned face can be flagged. */
    pose: PhotoPose.strict().optional(),
  })
  .strict();
export type PriorOverlay = z.infer<typeof PriorOverlay>;

/**
 * Where the studio runs its queue: on this machine (farm unset), or on a farm — `gen3dface farm worker`
 * processes taking jobs from Redis, writing into a folder every machine mounts at the same path.
 */
export const FarmSetting = z
  .object({
    /** redis://[user:password@]host:6379[/db], or rediss:// for TLS. */
    redisUrl: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL'),
    /** The shared folder (NFS/SMB), the same path on every worker: job folders and heads go there. */
    sharedDir: z.string().min(1),
  })
  .strict();
export type FarmSetting = z.infer<typeof FarmSetting>;

export const StudioSettings = z.object({ farm: FarmSetting.optional() }).strict();
export type StudioSettings = z.infer<typeof StudioSettings>;

// ---------------------------------------------------------------------------------------------
// report.json's quality section (engine/metrics)
// ---------------------------------------------------------------------------------------------

/** One view's face: its detector score, and its descriptor's distance to the photo's (paper: < 0.6 is the person). */
export const ViewFace = z
  .object({
    score: z.number(),
    /** Absent when the photo itself has no face the descriptor finds. */
    distanceToPhoto: z.number().nonnegative().optional(),
    match: z.boolean().optional(),
  })
  .strict();
export type ViewFace = z.infer<typeof ViewFace>;

export const ViewMetrics = z
  .object({
    /** 'render': the exported head rendered by the engine; 'generated': a diffusion view (`views/NN.png`). */
    source: z.enum(['render', 'generated']),
    /** 0 = the face, 90 = the head's left side, 180 = the back. */
    azimuthDeg: z.number(),
    /** Shows the back of the head (azimuth 135–225°): a face found here is a Janus face. */
    back: z.boolean(),
    /** The largest face found, or null when none is (undefined: the descriptor did not run). */
    face: ViewFace.nullable().optional(),
    /** Flatness (generate/prior-projection/flatness.ts) of an unlit render: share of flat-colour pixels. */
    flatShare: z.number().min(0).max(1).optional(),
  })
  .strict();
export type ViewMetrics = z.infer<typeof ViewMetrics>;

/** Identity at one azimuth: the descriptor distance to the photo (null: no face found there) and the match. */
export const IdentityAt = z.object({ distance: z.number().nullable(), match: z.boolean() }).strict();
export type IdentityAt = z.infer<typeof IdentityAt>;

/** Output-to-output identity: mean pairwise descriptor distance of the views where a face is found. */
export const CrossViewIdentity = z
  .object({ facesFound: z.number().int(), views: z.number().int(), meanDistance: z.number().nullable() })
  .strict();
export type CrossViewIdentity = z.infer<typeof CrossViewIdentity>;

export const HeadMetrics = z
  .object({
    version: z.literal(1),
    /** Time the metrics took in the job (descriptor load included). */
    ms: z.number().nonnegative(),
    /** Side of the renders (px) and the threshold used for a match. */
    renderSize: z.number().int().positive(),
    sameIdentityBelow: z.number(),
    /** Why no identity or Janus figures (e.g. the face descriptor is not installed). */
    descriptorProblem: z.string().optional(),
    /** The photo's own face found by the descriptor (false: no identity figures can be made). */
    photoFace: z.boolean().optional(),
    views: z.array(ViewMetrics),
    /** Input-to-output identity on the renders at 0°, +45° and −45° (315°). */
    identity: z.object({ at0: IdentityAt, at45: IdentityAt, atMinus45: IdentityAt }).strict().optional(),
    /** Input-to-output identity over the generated views where a face is found (diffusion only). */
    generatedIdentity: z
      .object({
        facesFound: z.number().int(),
        meanDistance: z.number().nullable(),
        matches: z.number().int(),
      })
      .strict()
      .optional(),
    crossView: z
      .object({ renders: CrossViewIdentity, generated: CrossViewIdentity.optional() })
      .strict()
      .optional(),
    janus: z
      .object({
        /** Azimuths (and their source) of back views where a face was found. */
        facesAtBack: z.array(z.object({ source: z.enum(['render', 'generated']), azimuthDeg: z.number() })),
        flagged: z.boolean(),
      })
      .strict()
      .optional(),
    flatness: z.object({ maxShare: z.number(), meanShare: z.number() }).strict().optional(),
    /** Against a ground truth (a held-out synthetic identity's renders), per azimuth and mean. */
    groundTruth: z
      .object({
        views: z.array(z.object({ azimuthDeg: z.number(), ssim: z.number(), psnrDb: z.number() }).strict()),
        ssim: z.number(),
        /** Capped at 100 dB (identical images). */
        psnrDb: z.number(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type HeadMetrics = z.infer<typeof HeadMetrics>;

/** Where each artifact lives inside a job folder (relative paths). */
export const JOB_PATHS = {
  photo: 'photo.png',
  /** Ingest's report: the original's size and format, the crop applied, the working copy's size. */
  ingestReport: 'ingest.json',
  /** Every face the estimate stage found (boxes in photo.png pixels), written before one is chosen. */
  faces: 'prior/faces.json',
  mask: 'mask.png',
  cutout: 'cutout.png',
  landmarks: 'prior/landmarks.json',
  overlay: 'prior/overlay.json',
  camera: 'prior/camera.json',
  priorMesh: 'prior/mesh.glb',
  priorMeshDir: 'prior/mesh',
  estimate: 'prior/estimate.json',
  headFit: 'prior/head-fit.json',
  headFitPositions: 'prior/head-fit.bin',
  /** FLAME's mesh with its UV template, in the head's frame (when the pack has the template). */
  flameHeadDir: 'prior/flame-head',
  viewsDir: 'views',
  /** The diffusion's report section (provider, fallbacks, batch, steps, time per step). */
  diffusionReport: 'views/diffusion.json',
  meshDir: 'mesh',
  exportDir: 'export',
  preview: 'export/preview.png',
  /** front.png, three-quarter.png, profile.png, back.png */
  previewViewsDir: 'export/preview',
  turntableDir: 'export/turntable',
  report: 'report.json',
} as const;
