/**
 * The multi-view DDIM sampler over ONNX Runtime: per step, the volume net once for the V views, then
 * the UNet over batches of units (groups + input element, both guidance halves), guidance, and the
 * DDIM update. Cancel is checked before every network run, so it is honoured within one step. Out of
 * memory → half the batch, down to one unit, then the CPU provider; every such change is reported.
 */
import * as ort from 'onnxruntime-node';
import { CancelledError } from '../../stage-error';
import { ddimStep, type DdimSchedule } from './ddim-schedule';
import { guideEps, needsUnconditional } from './guidance';
import type { NoiseSource } from './noise-source';
import { describeError, isOutOfMemory } from './providers';
import type { DiffusionRuntime } from './diffusion-runtime';
import { assemblyIndex } from './frustum-assembly';
import { assembleUnetFeeds, batchesOf, scatterEps, unitLayout, type StepTensors } from './unet-batches';

export interface SamplerConditioning {
  /** Input view latent [4, h, w] (posterior mean × scale). */
  inputLatent: Float32Array;
  /** Condition rows [(V+1), C]; row V = the input element's. */
  context: Float32Array;
  contextSize: number;
  /** View embeddings [V, 4] for the volume net. */
  viewEmbed: Float32Array;
  /** Prior vertices in the volume frame [N, 3]. */
  meshVertices: Float32Array;
  /** (r, g, b, visibility) per vertex [N, 4], when the pack takes them. */
  meshColour?: Float32Array;
}

export interface SamplerConfig {
  views: number;
  latentChannels: number;
  latentSize: number;
  groups: readonly (readonly number[])[];
  inputElement: boolean;
  schedule: DdimSchedule;
  eta: number;
  guidance: number;
  noise: NoiseSource;
  /** UNet batch size in units (a group + input element); halved on out-of-memory. */
  unitsPerBatch: number;
}

export interface StepReport {
  /** Walked step index (0 = first). */
  step: number;
  timestep: number;
  ms: number;
  /** x after the step (x_prev), V × latent. */
  latents: Float32Array;
  /** The predicted clean latents x̂0 of this step (for previews). */
  predictedX0: Float32Array;
}

export interface SamplerHooks {
  signal?: AbortSignal;
  /** Called after each step; awaited (previews and checkpoints happen here). */
  onStep?: (report: StepReport) => Promise<void> | void;
  /** A change of batch size or provider, in words. */
  onNote?: (note: string) => void;
}

export interface SamplerStart {
  /** The step to begin with (0, or the one after a saved state). */
  step: number;
  /** Latents to begin with (x at that step); default the noise source's initial latents. */
  latents?: Float32Array;
}

export interface SamplerResult {
  latents: Float32Array;
  stepMs: number[];
  unitsPerBatch: number;
}

/** Runs steps `start.step`… to the end; returns the final latents x_0. */
export async function sampleViews(
  runtime: DiffusionRuntime,
  cond: SamplerConditioning,
  config: SamplerConfig,
  start: SamplerStart = { step: 0 },
  hooks: SamplerHooks = {},
): Promise<SamplerResult> {
  const { views: V, latentChannels, latentSize: hw } = config;
  const L = latentChannels * hw * hw;
  const total = config.schedule.timesteps.length;
  const x = start.latents ? Float32Array.from(start.latents) : config.noise.initial(V * L);
  if (x.length !== V * L) throw new Error(`latents have ${x.length} values, ${V * L} needed`);
  const guided = needsUnconditional(config.guidance);
  const layout = unitLayout(config.groups, config.inputElement, guided);
  const eps = { cond: new Float32Array(V * L), uncond: new Float32Array(V * L) };
  const epsHat = guided ? new Float32Array(V * L) : eps.cond;
  const x0 = new Float32Array(V * L);
  let unitsPerBatch = Math.max(1, Math.min(config.unitsPerBatch, layout.units.length));
  const stepMs: number[] = [];
  const check = (): void => {
    if (hooks.signal?.aborted) throw new CancelledError();
  };

  for (let k = start.step; k < total; k++) {
    const started = performance.now();
    const t = config.schedule.timesteps[k]!;
    for (;;) {
      check();
      let volume: Awaited<ReturnType<typeof runVolume>> | undefined;
      try {
        const frustums = await runVolume(runtime, cond, x, V, latentChannels, hw, t);
        volume = frustums;
        const tensors: StepTensors = {
          x,
          inputLatent: cond.inputLatent,
          context: cond.context,
          contextSize: cond.contextSize,
          // on the device path the frustums are not on the CPU: the assembly graph places them
          frustums: frustums.onDevice ? [] : frustums.data,
          frustumSizes: frustums.onDevice ? [] : frustums.sizes,
          latentSize: L,
          views: V,
          timestep: t,
        };
        for (const units of batchesOf(layout, unitsPerBatch)) {
          check();
          const f = assembleUnetFeeds(units, layout, tensors);
          const dims = [f.batch, latentChannels, hw, hw];
          const feeds: Record<string, ort.Tensor> = {
            x_t: new ort.Tensor('float32', f.x_t, dims),
            concat: new ort.Tensor('float32', f.concat, dims),
            timestep: new ort.Tensor('float32', f.timestep, [f.batch]),
            context: new ort.Tensor('float32', f.context, [f.batch, 1, cond.contextSize]),
          };
          let assembled: ort.Tensor[] = [];
          if (frustums.onDevice) {
            const index = assemblyIndex(units, layout.inputElement, V);
            const out = await runtime.assemble({
              ...Object.fromEntries(frustums.tensors.map((tensor, i) => [`frustum_${i}`, tensor])),
              index: new ort.Tensor('int64', index, [index.length]),
            });
            assembled = frustums.tensors.map((_, i) => out[`assembled_${i}`]!);
            assembled.forEach((tensor, i) => (feeds[`frustum_${i}`] = tensor));
          } else {
            f.frustums.forEach((data, i) => {
              feeds[`frustum_${i}`] = new ort.Tensor('float32', data, [f.batch, ...frustums.dims[i]!]);
            });
          }
          try {
            const out = await runtime.run('unet', feeds);
            scatterEps(units, layout, out.eps!.data as Float32Array, L, eps);
          } finally {
            for (const tensor of assembled) tensor.dispose();
          }
        }
        break;
      } catch (error) {
        if (error instanceof CancelledError) throw error;
        const outOfMemory = isOutOfMemory(error);
        if (outOfMemory && unitsPerBatch > 1) {
          unitsPerBatch = Math.max(1, Math.floor(unitsPerBatch / 2));
          hooks.onNote?.(
            `out of memory on ${runtime.provider} (${describeError(error)}): UNet batch halved to ${unitsPerBatch * layout.elementsPerUnit}`,
          );
        } else if (runtime.provider !== 'cpu') {
          // Out of memory at the smallest batch, or a kernel a GPU provider accepted in the graph but
          // cannot run (WebGPU had no 3-D ConvTranspose): the CPU provider runs every operator.
          const from = runtime.provider;
          if (volume?.onDevice) for (const tensor of volume.tensors) tensor.dispose();
          volume = undefined;
          await runtime.fallBackToCpu(
            outOfMemory
              ? `out of memory even at a batch of one group: ${describeError(error)}`
              : `a network failed to run: ${describeError(error)}`,
          );
          hooks.onNote?.(
            outOfMemory
              ? `out of memory on ${from} at the smallest batch: continuing on the CPU`
              : `${from} could not run this pack (${describeError(error)}): continuing on the CPU`,
          );
        } else {
          throw error;
        }
      } finally {
        if (volume?.onDevice) for (const tensor of volume.tensors) tensor.dispose();
      }
    }
    if (guided) guideEps(epsHat, eps.uncond, eps.cond, config.guidance);
    const last = k === total - 1;
    ddimStep({
      x,
      eps: epsHat,
      alpha: config.schedule.alpha[k]!,
      alphaPrev: config.schedule.alphaPrev[k]!,
      eta: config.eta,
      ...(last || config.eta === 0 ? {} : { z: config.noise.stepNoise(k, V * L) }),
      x0Out: x0,
    });
    const ms = performance.now() - started;
    stepMs.push(ms);
    await hooks.onStep?.({ step: k, timestep: t, ms, latents: x, predictedX0: x0 });
  }
  return { latents: x, stepMs, unitsPerBatch };
}

interface VolumeOutputs {
  /** GPU-resident outputs (WebGPU): never read on the CPU, only fed on and disposed. */
  onDevice: boolean;
  tensors: ort.Tensor[];
  data: Float32Array[];
  /** Per-view dims of each frustum (without the leading V). */
  dims: number[][];
  sizes: number[];
}

async function runVolume(
  runtime: DiffusionRuntime,
  cond: SamplerConditioning,
  x: Float32Array,
  V: number,
  channels: number,
  hw: number,
  t: number,
): Promise<VolumeOutputs> {
  const feeds: Record<string, ort.Tensor> = {
    x_t: new ort.Tensor('float32', x, [V, channels, hw, hw]),
    timestep: new ort.Tensor('float32', new Float32Array([t]), [1]),
    view_embed: new ort.Tensor('float32', cond.viewEmbed, [V, 4]),
    mesh_vertices: new ort.Tensor('float32', cond.meshVertices, [cond.meshVertices.length / 3, 3]),
  };
  if (cond.meshColour)
    feeds.mesh_colour = new ort.Tensor('float32', cond.meshColour, [cond.meshColour.length / 4, 4]);
  const out = await runtime.run('volume', feeds);
  const tensors = [0, 1, 2, 3].map((i) => out[`frustum_${i}`]!);
  const onDevice = tensors.some((tensor) => tensor.location === 'gpu-buffer');
  const dims = tensors.map((tensor) => tensor.dims.slice(1) as number[]);
  return {
    onDevice,
    tensors,
    // getData() of a gpu-buffer tensor aborts Node in onnxruntime-node 1.30: .data only on the CPU
    data: onDevice ? [] : tensors.map((tensor) => tensor.data as Float32Array),
    dims,
    sizes: dims.map((d) => d.reduce((a, b) => a * b, 1)),
  };
}
