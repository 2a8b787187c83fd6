/**
 * Multi-view diffusion benchmark: a pack, N DDIM steps with guidance, through the engine's own sampler
 * on ONNX Runtime → per-step time, total, peak RSS, the provider used (and why others were not).
 * Inputs are pack-shaped and synthetic (a gradient view, a sphere of mesh points): the time of a step
 * does not depend on them. It imports only onnxruntime-node and zod at run time (no sharp, no native
 * addon), so it also runs bundled on a machine that has nothing but Node and onnxruntime-node:
 *
 *   npx tsx bench/diffusion.ts --pack <dir> [--steps 30] [--guidance 2] [--views 16] [--provider auto]
 *        [--batch N] [--seed 0] [--json out.json] [--latents-out x0.f32] [--device-frustums on|off]
 *        [--threads N]
 *   npx esbuild bench/diffusion.ts --bundle --platform=node --format=esm --external:onnxruntime-node \
 *        --outfile=bench-diffusion.mjs     # then: node bench-diffusion.mjs --pack …  (GPU machine)
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { ddimSchedule } from '../src-main/engine/generate/multiview-diffusion/ddim-schedule';
import { loadDiffusionPack } from '../src-main/engine/generate/multiview-diffusion/diffusion-pack';
import { DiffusionRuntime } from '../src-main/engine/generate/multiview-diffusion/diffusion-runtime';
import {
  decodeLatents,
  encodeConditioning,
} from '../src-main/engine/generate/multiview-diffusion/encode-decode';
import { seededNoise } from '../src-main/engine/generate/multiview-diffusion/noise-source';
import {
  conditionViewEmbeddings,
  viewEmbeddings,
} from '../src-main/engine/generate/multiview-diffusion/rig-cameras';
import { batchSizing, unitsPerBatchFor } from '../src-main/engine/generate/multiview-diffusion/batch-size';
import { needsUnconditional } from '../src-main/engine/generate/multiview-diffusion/guidance';
import { sampleViews } from '../src-main/engine/generate/multiview-diffusion/sampler';
import { unitLayout } from '../src-main/engine/generate/multiview-diffusion/unet-batches';
import { ProviderId } from '../src-main/shared/protocol';

function machineName(): string {
  try {
    const smi = 'nvidia-smi'; // system-deps: optional (the NVIDIA driver's, on GPU machines only)
    const gpus = execFileSync(smi, ['--query-gpu=name,memory.total', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 10_000,
    })
      .trim()
      .split('\n')
      .filter(Boolean);
    if (gpus.length > 0) return `${gpus.length} × ${gpus[0]} (GPU); CPU ${os.cpus().length} cores`;
  } catch {
    // no NVIDIA driver: name the CPU
  }
  return `${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${os.cpus().length} cores`;
}

function gradientImage(size: number): Float32Array {
  const out = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++)
    for (let p = 0; p < size * size; p++) out[c * size * size + p] = Math.sin(p * 0.01 + c) * 0.8;
  return out;
}

/** Points on an ellipsoid the size of a head in the volume frame, with a colour and a visibility. */
function sphereMesh(n: number, headScale: number): { vertices: Float32Array; colour: Float32Array } {
  const vertices = new Float32Array(n * 3);
  const colour = new Float32Array(n * 4);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < n; i++) {
    const y = 1 - (2 * (i + 0.5)) / n;
    const r = Math.sqrt(1 - y * y);
    const x = Math.cos(golden * i) * r;
    const z = Math.sin(golden * i) * r;
    vertices.set([x * 0.08 * headScale, y * 0.12 * headScale, z * 0.1 * headScale], i * 3);
    colour.set([0.8, 0.6, 0.5, Math.max(0, z)], i * 4);
  }
  return { vertices, colour };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pack: { type: 'string' },
      steps: { type: 'string', default: '30' },
      guidance: { type: 'string' },
      views: { type: 'string' },
      provider: { type: 'string', default: 'auto' },
      batch: { type: 'string' },
      seed: { type: 'string', default: '0' },
      json: { type: 'string' },
      'latents-out': { type: 'string' },
      'device-frustums': { type: 'string', default: 'on' },
      threads: { type: 'string', default: '0' },
    },
  });
  if (!values.pack) throw new Error('--pack <dir> is needed');
  const dp = await loadDiffusionPack(values.pack);
  const V = dp.spec.views;
  if (values.views !== undefined && Number(values.views) !== V)
    throw new Error(`this pack's graphs are made for ${V} views (its rig), not ${values.views}`);
  const steps = Number(values.steps);
  const guidance = values.guidance !== undefined ? Number(values.guidance) : dp.spec.sampler.guidance;
  const provider = ProviderId.parse(values.provider);
  const started = performance.now();
  const runtime = await DiffusionRuntime.open(dp.pack, provider, {
    deviceFrustums: values['device-frustums'] !== 'off',
    threads: Number(values.threads),
  });
  const openMs = performance.now() - started;
  try {
    const hw = dp.spec.latent.size;
    const ch = dp.spec.latent.channels;
    const cond = await encodeConditioning(runtime, {
      imageS: gradientImage(dp.resolution),
      S: dp.resolution,
      imageR: gradientImage(dp.spec.conditionResolution),
      R: dp.spec.conditionResolution,
      conditionEmbed: conditionViewEmbeddings(viewEmbeddings(dp.rig, 5)),
    });
    const mesh = sphereMesh(5000, dp.rig.headScale);
    const layout = unitLayout(dp.groups, dp.spec.inputElement, needsUnconditional(guidance));
    const { elementsPerUnit } = layout;
    const units = layout.units.length;
    const unitsPerBatch = values.batch
      ? Math.max(1, Math.floor(Number(values.batch) / elementsPerUnit))
      : unitsPerBatchFor(batchSizing(dp, elementsPerUnit), runtime.provider, units);
    const notes: string[] = [];
    const samplingStart = performance.now();
    const result = await sampleViews(
      runtime,
      {
        ...cond,
        viewEmbed: viewEmbeddings(dp.rig, 5),
        meshVertices: mesh.vertices,
        ...(dp.spec.meshPhotoFeatures ? { meshColour: mesh.colour } : {}),
      },
      {
        views: V,
        latentChannels: ch,
        latentSize: hw,
        groups: dp.groups,
        inputElement: dp.spec.inputElement,
        schedule: ddimSchedule(dp.spec.schedule, steps),
        eta: dp.spec.sampler.eta,
        guidance,
        noise: seededNoise(Number(values.seed)),
        unitsPerBatch,
      },
      { step: 0 },
      {
        onNote: (n) => notes.push(n),
        // a line per step on stderr: a run cut short by a time limit still leaves its figures
        onStep: ({ step, ms }) => console.error(`  step ${step + 1}/${steps}: ${Math.round(ms)} ms`),
      },
    );
    const samplingMs = performance.now() - samplingStart;
    const decodeStart = performance.now();
    await decodeLatents(runtime, result.latents, V, ch, hw, 4);
    const decodeMs = performance.now() - decodeStart;
    const ms = [...result.stepMs].sort((a, b) => a - b);
    const median = ms[ms.length >> 1]!;
    const first = result.stepMs[0]!;
    const row = {
      machine: machineName(),
      pack: `${dp.pack.manifest.id} (${dp.spec.config}, ${dp.spec.dtype}, ${dp.resolution} px)`,
      provider: runtime.provider,
      deviceFrustums: runtime.deviceFrustums,
      fallbacks: runtime.fallbacks.map((f) => `${f.provider}: ${f.reason}`),
      notes,
      views: V,
      steps,
      guidance,
      batchElements: result.unitsPerBatch * elementsPerUnit,
      sessionsMs: Math.round(openMs),
      firstStepMs: Math.round(first),
      medianStepMs: Math.round(median),
      samplingMs: Math.round(samplingMs),
      decodeMs: Math.round(decodeMs),
      totalMs: Math.round(performance.now() - started),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    const lines = [
      `[diffusion bench] ${row.machine} — Node ${process.version}`,
      `  pack              ${row.pack}`,
      `  provider          ${row.provider}${row.deviceFrustums ? ' (frustums kept on the GPU)' : ''}${row.fallbacks.length ? `  (not: ${row.fallbacks.join('; ')})` : ''}`,
      `  views × steps     ${V} × ${steps}, guidance ${guidance}, UNet batch ${row.batchElements}`,
      `  sessions          ${row.sessionsMs} ms`,
      `  step (first)      ${row.firstStepMs} ms`,
      `  step (median)     ${row.medianStepMs} ms`,
      `  sampling          ${(row.samplingMs / 1000).toFixed(2)} s`,
      `  decode 16 views   ${row.decodeMs} ms`,
      `  total             ${(row.totalMs / 1000).toFixed(2)} s`,
      `  peak RSS          ${row.peakRssMiB} MiB`,
      ...notes.map((n) => `  note              ${n}`),
    ];
    console.log(lines.join('\n'));
    if (values.json) writeFileSync(values.json, `${JSON.stringify(row, null, 2)}\n`);
    // the final latents (raw float32), to compare providers on the same pack and seed
    if (values['latents-out']) writeFileSync(values['latents-out'], new Uint8Array(result.latents.buffer));
  } finally {
    await runtime.release();
  }
}

await main();
