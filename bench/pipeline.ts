/**
 * Whole-pipeline benchmark: runs the real engine process on the sample photo N times and prints per
 * stage the median wall time, plus the engine's peak resident memory and the native backend.
 * Run: npx tsx bench/pipeline.ts [runs=3]
 */
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { nodeEngineLauncher } from '../src-main/host/engine-process';
import { StudioBackend } from '../src-main/host/studio-backend';
import { backendInfo } from '../src-main/engine/native/native-addon';
import { STAGE_IDS, type StageId } from '../src-main/shared/protocol';

const runs = Number(process.argv[2] ?? 3);
const photo = join(process.cwd(), 'resources/samples/astronaut.png');

async function peakRssMb(pid: number | undefined): Promise<number> {
  if (!pid) return NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function main(): Promise<void> {
  const jobsRoot = join(os.tmpdir(), `gen3d-bench-${process.pid}`);
  const backend = new StudioBackend({ jobsRoot, launcher: nodeEngineLauncher() });
  await backend.start();
  const times = new Map<StageId, number[]>();
  const totals: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const job = await backend.importPhoto(photo);
      const { state, job: done } = await backend.waitForJob(job.id);
      if (state !== 'done') throw new Error(`run ${i} ${state}: ${JSON.stringify(done.error)}`);
      totals.push(performance.now() - started);
      for (const [stage, record] of Object.entries(done.stages)) {
        if (record.ms !== undefined)
          times.set(stage as StageId, [...(times.get(stage as StageId) ?? []), record.ms]);
      }
    }
    const peak = await peakRssMb(backend.engine.pid);
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const native = backendInfo();
    console.log(
      `${os.cpus().length} × ${os.cpus()[0]?.model}, load ${os.loadavg()[0]!.toFixed(1)}; ${runs} runs (the first includes model loading)`,
    );
    console.log(`native backend: ${native.backend} (${native.reason})`);
    console.log('| stage | median ms | min ms | max ms |');
    console.log('|---|---|---|---|');
    for (const stage of STAGE_IDS) {
      const xs = times.get(stage);
      if (xs) console.log(`| ${stage} | ${median(xs)} | ${Math.min(...xs)} | ${Math.max(...xs)} |`);
    }
    console.log(
      `| whole job (host view) | ${median(totals).toFixed(0)} | ${Math.min(...totals).toFixed(0)} | ${Math.max(...totals).toFixed(0)} |`,
    );
    console.log(`engine peak resident memory: ${peak.toFixed(0)} MB`);
  } finally {
    await backend.stop();
    await rm(jobsRoot, { recursive: true, force: true });
  }
}

await main();
