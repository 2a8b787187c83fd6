/**
 * Estimator benchmark on astronaut.png: per estimator, pack verification + load, first and warm
 * estimate (ONNX Runtime CPU + FLAME in TS), and the PyTorch CPU forward of the same weights.
 * Run: npx tsx bench/estimators.ts [--packs DIR]   (default: the random-weight test fixtures,
 * made on first use by training/fixtures/make_estimator_fixtures.py — real shapes, random weights)
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { EstimatorId } from '../src-main/shared/protocol';
import { createEstimator } from '../src-main/engine/estimate/create-estimator';
import type { EstimatorInput } from '../src-main/engine/estimate/estimator';
import { detectFaces } from '../src-main/engine/estimate/landmarks/detect-faces';
import { ASTRONAUT, estimatorFixtures, loadRgb } from '../tests/adapters/support/estimator-fixtures';

const RUNS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function main(): Promise<void> {
  const packsArg = process.argv.indexOf('--packs');
  const userPacks = packsArg > 0 ? process.argv[packsArg + 1] : undefined;
  const photo = await loadRgb(ASTRONAUT);
  const t0 = performance.now();
  const [face] = await detectFaces({
    png: await readFile(ASTRONAUT),
    width: photo.width,
    height: photo.height,
  });
  const detectMs = performance.now() - t0;
  if (!face) throw new Error('no face on astronaut.png');
  const [x, y, width, height] = face.box;
  const input: EstimatorInput = {
    photo,
    cropBox: { x, y, width, height },
    landmarks: { layout: 'mediapipe468', points: face.landmarks, dims: 3 },
  };
  console.log(
    `${os.cpus().length} cores (${os.cpus()[0]?.model}), load ${os.loadavg()[0]!.toFixed(1)}; face detection ${detectMs.toFixed(0)} ms`,
  );
  console.log(`packs: ${userPacks ?? 'random-weight fixtures (official shapes)'}; ONNX Runtime CPU provider`);
  console.log(
    '| estimator | verify+load ms | first estimate ms | warm estimate ms (median of 5) | PyTorch forward ms | vertices | confidence |',
  );
  console.log('|---|---|---|---|---|---|---|');
  const torchArgs: string[] = [];
  const rows: { id: EstimatorId; cells: string[] }[] = [];
  for (const id of ['builtin', 'ringnet', 'deca', 'mica'] as EstimatorId[]) {
    let packsDir = userPacks ?? '';
    if (!userPacks && id !== 'builtin') {
      const fx = await estimatorFixtures([id as 'deca']);
      packsDir = fx.packsDir;
      const ckpt = { deca: 'deca_model.tar', mica: 'mica.tar', ringnet: 'ringnet_variables.npz' }[
        id as 'deca'
      ];
      torchArgs.push(`--${id}`, path.join(fx.dir, 'checkpoints', ckpt));
    }
    let t = performance.now();
    const estimator = await createEstimator(id, packsDir);
    const loadMs = performance.now() - t;
    try {
      t = performance.now();
      const first = await estimator.estimate(input);
      const firstMs = performance.now() - t;
      const warm: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        t = performance.now();
        await estimator.estimate(input);
        warm.push(performance.now() - t);
      }
      rows.push({
        id,
        cells: [
          loadMs.toFixed(0),
          firstMs.toFixed(0),
          median(warm).toFixed(0),
          '',
          String(first.mesh.positions.length / 3),
          first.confidence.toFixed(2),
        ],
      });
    } finally {
      await estimator.dispose();
    }
  }
  const torchMs: Record<string, number> = {};
  if (torchArgs.length > 0) {
    const { stdout } = await promisify(execFile)('/usr/bin/python3', [
      path.resolve('training/bench_reference.py'),
      ...torchArgs,
    ]);
    Object.assign(torchMs, JSON.parse(stdout) as Record<string, number>);
  }
  for (const r of rows) {
    r.cells[3] = r.id in torchMs ? torchMs[r.id]!.toFixed(0) : '–';
    console.log(`| ${r.id} | ${r.cells.join(' | ')} |`);
  }
}

await main();
