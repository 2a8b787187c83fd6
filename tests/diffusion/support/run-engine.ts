/** Runs the real engine (ONNX Runtime, CPU) on a pack with simple inputs, into a views folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArtifactKind } from '../../../src-main/shared/protocol';
import { loadHeadModel } from '../../../src-main/engine/geometry/head-model';
import {
  loadDiffusionPack,
  type DiffusionPack,
} from '../../../src-main/engine/generate/multiview-diffusion/diffusion-pack';
import { DiffusionRuntime } from '../../../src-main/engine/generate/multiview-diffusion/diffusion-runtime';
import {
  generateViews,
  type DiffusionReport,
  type DiffusionInputs,
} from '../../../src-main/engine/generate/multiview-diffusion/generate-views';
import {
  headFrameOrigin,
  toVolumeFrame,
} from '../../../src-main/engine/generate/multiview-diffusion/mesh-inputs';
import { seededNoise } from '../../../src-main/engine/generate/multiview-diffusion/noise-source';

export interface EngineEvent {
  kind: ArtifactKind;
  path: string;
}

/** A gradient input view, the built-in head's mean shape as the prior, a colour per vertex. */
export async function simpleInputs(dp: DiffusionPack): Promise<DiffusionInputs> {
  const image = (size: number): Float32Array => {
    const out = new Float32Array(3 * size * size);
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < size * size; p++) out[c * size * size + p] = Math.sin(p * 0.01 + c) * 0.8;
    return out;
  };
  const model = await loadHeadModel();
  const origin = headFrameOrigin(model.positions);
  const n = model.positions.length / 3;
  const colour = new Float32Array(n * 4);
  for (let v = 0; v < n; v++) colour.set([0.8, 0.6, 0.5, model.positions[v * 3 + 2]! > 0 ? 0.9 : 0], v * 4);
  return {
    viewS: image(dp.resolution),
    viewR: image(dp.spec.conditionResolution),
    meshVertices: toVolumeFrame(model.positions, origin, dp.rig.headScale),
    meshColour: colour,
    inputElevationDeg: 5,
    headFrameOrigin: origin,
  };
}

export async function runEngine(args: {
  packDir: string;
  viewsDir: string;
  steps: number;
  seed?: number;
  guidance?: number;
  previewEvery?: number;
  checkpointEvery?: number;
  maxBatch?: number;
  signal?: AbortSignal;
  onProgress?: (step: number, message?: string) => void;
}): Promise<{ report: DiffusionReport; events: EngineEvent[] }> {
  const dp = await loadDiffusionPack(args.packDir);
  const runtime = await DiffusionRuntime.open(dp.pack, 'cpu');
  const events: EngineEvent[] = [];
  try {
    const report = await generateViews(
      dp,
      runtime,
      await simpleInputs(dp),
      {
        steps: args.steps,
        guidance: args.guidance ?? dp.spec.sampler.guidance,
        eta: dp.spec.sampler.eta,
        noise: seededNoise(args.seed ?? 0),
        previewEvery: args.previewEvery ?? 0,
        checkpointEvery: args.checkpointEvery ?? 0,
        ...(args.maxBatch ? { maxBatch: args.maxBatch } : {}),
      },
      {
        dir: args.viewsDir,
        rel: 'views',
        async writeArtifact(kind, rel, data) {
          const file = path.join(path.dirname(args.viewsDir), rel);
          await mkdir(path.dirname(file), { recursive: true });
          await writeFile(file, data);
          events.push({ kind, path: rel });
        },
        progress: (step, _total, message) => args.onProgress?.(step, message),
      },
      args.signal,
    );
    return { report, events };
  } finally {
    await runtime.release();
  }
}
