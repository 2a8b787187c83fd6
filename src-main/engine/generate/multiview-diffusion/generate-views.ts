/**
 * One job's multi-view diffusion, from prepared inputs to `views/`: condition and encode the input
 * view, sample (resuming from a saved state when there is one for the same run), preview x̂0 of every
 * view every few steps, save the latents at intervals, decode the 16 views, write `cameras.json` and
 * return the report section. Knows the job folder only through `out`.
 */
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import type { ArtifactKind } from '../../../shared/protocol';
import { ddimSchedule } from './ddim-schedule';
import type { DiffusionPack } from './diffusion-pack';
import type { DiffusionRuntime } from './diffusion-runtime';
import { batchSizing, unitsPerBatchFor } from './batch-size';
import { decodeLatents, encodeConditioning } from './encode-decode';
import { needsUnconditional } from './guidance';
import { signedNchwToRgb } from './input-view';
import type { NoiseSource } from './noise-source';
import { camerasFile, conditionViewEmbeddings, viewEmbeddings } from './rig-cameras';
import { sampleViews } from './sampler';
import { unitLayout } from './unet-batches';
import {
  clearSamplingState,
  loadSamplingState,
  samplingFingerprint,
  saveSamplingState,
} from './sampling-state';
import { samplingFingerprintOfArrays } from './fingerprint';

export interface DiffusionInputs {
  /** Input view [1, 3, S, S] in [−1, 1]. */
  viewS: Float32Array;
  /** Input view [1, 3, R, R] in [−1, 1] (R = conditionResolution). */
  viewR: Float32Array;
  /** Prior vertices in the volume frame, N×3. */
  meshVertices: Float32Array;
  /** N×4, when the pack has meshPhotoFeatures. */
  meshColour?: Float32Array;
  /** Elevation of the photo's camera over the head (degrees). */
  inputElevationDeg: number;
  /** The head frame's origin in the prior's coordinates (for cameras.json). */
  headFrameOrigin: readonly number[];
}

export interface DiffusionRunSettings {
  steps: number;
  guidance: number;
  eta: number;
  noise: NoiseSource;
  /** Most UNet elements per batch (rounded down to whole units); undefined = every unit at once. */
  maxBatch?: number;
  /** Decode and announce x̂0 of every view every this many steps (0 = never). */
  previewEvery: number;
  /** Save the sampling state every this many steps (0 = never). */
  checkpointEvery: number;
  /** Views per VAE-decoder run. */
  decodeChunk?: number;
}

export interface DiffusionOutputs {
  /** Absolute folder of the views (the job's `views/`). */
  dir: string;
  /** The same folder relative to the job, for artifact paths. */
  rel: string;
  writeArtifact(kind: ArtifactKind, relPath: string, data: Uint8Array | string): Promise<void>;
  progress(step: number, total: number, message?: string): void;
}

export interface DiffusionReport {
  generator: 'diffusion';
  pack: { id: string; version: string; config: string; dtype: string };
  provider: string;
  fallbacks: { provider: string; reason: string }[];
  notes: string[];
  batch: { elements: number; units: number; elementsPerUnit: number };
  steps: number;
  guidance: number;
  eta: number;
  noise: string;
  resumedFromStep: number;
  msPerStep: { mean: number; median: number; steps: number };
  totalMs: number;
  views: number;
  resolution: number;
}

export const viewFileName = (v: number): string => `${String(v).padStart(2, '0')}.png`;

export async function generateViews(
  dp: DiffusionPack,
  runtime: DiffusionRuntime,
  inputs: DiffusionInputs,
  settings: DiffusionRunSettings,
  out: DiffusionOutputs,
  signal?: AbortSignal,
): Promise<DiffusionReport> {
  const started = performance.now();
  const { spec, rig } = dp;
  const V = spec.views;
  const hw = spec.latent.size;
  const ch = spec.latent.channels;
  const notes: string[] = [];
  const note = (text: string): void => {
    notes.push(text);
    out.progress(0, settings.steps, text);
  };
  const schedule = ddimSchedule(spec.schedule, settings.steps);
  const viewRows = viewEmbeddings(rig, inputs.inputElevationDeg);
  const cond = await encodeConditioning(runtime, {
    imageS: inputs.viewS,
    S: dp.resolution,
    imageR: inputs.viewR,
    R: spec.conditionResolution,
    conditionEmbed: conditionViewEmbeddings(viewRows),
  });
  const layout = unitLayout(dp.groups, spec.inputElement, needsUnconditional(settings.guidance));
  const { elementsPerUnit } = layout;
  const totalUnits = layout.units.length;
  const memoryUnits = unitsPerBatchFor(batchSizing(dp, elementsPerUnit), runtime.provider, totalUnits);
  const unitsPerBatch = Math.max(
    1,
    Math.min(
      totalUnits,
      memoryUnits,
      settings.maxBatch ? Math.floor(settings.maxBatch / elementsPerUnit) : totalUnits,
    ),
  );
  if (unitsPerBatch < totalUnits)
    note(
      `UNet batches of ${unitsPerBatch * elementsPerUnit} elements (${totalUnits * elementsPerUnit} per step)`,
    );
  const fingerprint = samplingFingerprint({
    pack: [dp.pack.manifest.id, dp.pack.manifest.version, dp.pack.manifest.files.map((f) => f.sha256)],
    steps: settings.steps,
    guidance: settings.guidance,
    eta: settings.eta,
    noise: settings.noise.state,
    inputs: samplingFingerprintOfArrays([
      cond.inputLatent,
      cond.context,
      inputs.meshVertices,
      inputs.meshColour,
    ]),
  });
  const saved = await loadSamplingState(out.dir, fingerprint);
  let startStep = 0;
  let startLatents: Float32Array | undefined;
  if (saved && 'stale' in saved)
    note(`starting the sampling afresh: the saved state is not usable (${saved.stale})`);
  else if (saved) {
    startStep = saved.nextStep;
    startLatents = saved.latents;
    note(`resuming the sampling at step ${startStep + 1} of ${settings.steps} from the saved latents`);
  }
  const decodeChunk = settings.decodeChunk ?? 4;
  const writeViews = async (latents: Float32Array, kind: ArtifactKind, sub: string): Promise<void> => {
    const { images, size } = await decodeLatents(runtime, latents, V, ch, hw, decodeChunk, signal);
    for (let v = 0; v < V; v++) {
      const png = await sharp(signedNchwToRgb(images, v, size), {
        raw: { width: size, height: size, channels: 3 },
      })
        .png()
        .toBuffer();
      await out.writeArtifact(kind, `${out.rel}/${sub}${viewFileName(v)}`, png);
    }
  };

  const result = await sampleViews(
    runtime,
    {
      inputLatent: cond.inputLatent,
      context: cond.context,
      contextSize: cond.contextSize,
      viewEmbed: viewRows,
      meshVertices: inputs.meshVertices,
      ...(spec.meshPhotoFeatures && inputs.meshColour ? { meshColour: inputs.meshColour } : {}),
    },
    {
      views: V,
      latentChannels: ch,
      latentSize: hw,
      groups: dp.groups,
      inputElement: spec.inputElement,
      schedule,
      eta: settings.eta,
      guidance: settings.guidance,
      noise: settings.noise,
      unitsPerBatch,
    },
    { step: startStep, ...(startLatents ? { latents: startLatents } : {}) },
    {
      ...(signal ? { signal } : {}),
      onNote: note,
      onStep: async (r) => {
        const done = r.step + 1;
        out.progress(
          done,
          settings.steps,
          `diffusion step ${done}/${settings.steps} on ${runtime.provider} (${Math.round(r.ms)} ms)`,
        );
        const last = done === settings.steps;
        if (!last && settings.previewEvery > 0 && done % settings.previewEvery === 0) {
          await writeViews(r.predictedX0, 'view-preview', 'preview/');
        }
        if (!last && settings.checkpointEvery > 0 && done % settings.checkpointEvery === 0) {
          await saveSamplingState(out.dir, {
            fingerprint,
            nextStep: done,
            latents: r.latents,
            noise: settings.noise.state,
          });
        }
      },
    },
  );
  await writeViews(result.latents, 'view', '');
  await out.writeArtifact(
    'camera',
    `${out.rel}/cameras.json`,
    `${JSON.stringify(camerasFile(rig, dp.resolution, inputs.headFrameOrigin, viewFileName), null, 2)}\n`,
  );
  await clearSamplingState(out.dir);
  const sorted = [...result.stepMs].sort((a, b) => a - b);
  const mean = result.stepMs.reduce((a, b) => a + b, 0) / Math.max(1, result.stepMs.length);
  const m = dp.pack.manifest;
  return {
    generator: 'diffusion',
    pack: { id: m.id, version: m.version, config: spec.config, dtype: spec.dtype },
    provider: runtime.provider,
    fallbacks: runtime.fallbacks.map((f) => ({ ...f })),
    notes,
    batch: { elements: result.unitsPerBatch * elementsPerUnit, units: result.unitsPerBatch, elementsPerUnit },
    steps: settings.steps,
    guidance: settings.guidance,
    eta: settings.eta,
    noise: settings.noise.description,
    resumedFromStep: startStep,
    msPerStep: {
      mean: Math.round(mean),
      median: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0),
      steps: result.stepMs.length,
    },
    totalMs: Math.round(performance.now() - started),
    views: V,
    resolution: dp.resolution,
  };
}
