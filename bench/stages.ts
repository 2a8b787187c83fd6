/**
 * Stage benchmark: ingest, model loading, face detection and segmentation on the sample photo,
 * cold (first call in the process) and warm (median of 5). Run: npx tsx bench/stages.ts
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { detectFaces } from '../src-main/engine/estimate/landmarks/detect-faces';
import { ingestPhoto } from '../src-main/engine/ingest/ingest-photo';
import { getHumanRuntime } from '../src-main/engine/runtime/human-runtime';
import { segmentPerson } from '../src-main/engine/segment/segment-person';
import { ASTRONAUT } from '../tests/support/photos';

const OUT = path.resolve(import.meta.dirname, '../test-output/stages');

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const value = await fn();
  return [value, performance.now() - t];
}

async function warm<T>(fn: () => Promise<T>, runs = 5): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await time(fn))[1]);
  ms.sort((a, b) => a - b);
  return ms[runs >> 1]!;
}

async function main(): Promise<void> {
  const bytes = await readFile(ASTRONAUT);
  const opts = { maxInputPixels: 50_000_000, workingMaxSide: 2048 };
  const rows: { stage: string; coldMs: number; warmMs: number }[] = [];

  const [photo, ingestCold] = await time(() => ingestPhoto(bytes, opts));
  rows.push({ stage: 'ingestPhoto', coldMs: ingestCold, warmMs: await warm(() => ingestPhoto(bytes, opts)) });

  const [runtime, runtimeMs] = await time(() => getHumanRuntime());
  rows.push({ stage: 'getHumanRuntime (load models + warm-up)', coldMs: runtimeMs, warmMs: 0 });
  assert.ok(runtime.startupMs > 0);

  const [faces, detectCold] = await time(() => detectFaces(photo));
  rows.push({ stage: 'detectFaces', coldMs: detectCold, warmMs: await warm(() => detectFaces(photo)) });
  assert.equal(faces.length, 1);

  const [seg, segCold] = await time(() => segmentPerson(photo));
  rows.push({ stage: 'segmentPerson', coldMs: segCold, warmMs: await warm(() => segmentPerson(photo)) });
  assert.ok(seg.coverage > 0.1);

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, TFJS ${runtime.tf.getBackend()}`;
  const table = rows.map(
    (r) =>
      `  ${r.stage.padEnd(42)} cold ${r.coldMs.toFixed(0).padStart(5)} ms   warm ${r.warmMs.toFixed(0).padStart(5)} ms`,
  );
  console.log(`[timing] stages on astronaut.png (512×512), ${machine}\n${table.join('\n')}`);
  await mkdir(OUT, { recursive: true });
  await writeFile(path.join(OUT, 'stage-timings.json'), JSON.stringify({ machine, rows }, null, 2));
}

await main();
