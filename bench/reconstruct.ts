/**
 * Reconstruction time and peak memory per grid resolution: the head360 views of the project's head
 * model with a hair layer (tests/reconstruct/synthetic-scene.ts) → reconstructHead (fit, decimation,
 * photometric refinement, rim fit, atlas, 1024² bake). Each configuration runs in its own process so its peak RSS is its own.
 * Run: npx tsx bench/reconstruct.ts [cpu|auto]   (auto = CUDA when the addon has it and a GPU answers)
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadHeadModel } from '../src-main/engine/geometry/head-model';
import { buildHairMesh, HAIR_MESH_FULL } from '../src-main/engine/generate/hair/build-hair-mesh';
import { headRadialField } from '../src-main/engine/generate/hair/head-radial-field';
import { HAIRSTYLE_PRESETS, hairShape } from '../src-main/engine/generate/hair/hairstyle-library';
import { backendInfo, setForceCpu } from '../src-main/engine/native/native-addon';
import { reconstructHead } from '../src-main/engine/reconstruct/reconstruct-head';
import { head360, renderScene, type SceneObject } from '../tests/reconstruct/synthetic-scene';

const CONFIGS: { name: string; resolutions: number[]; steps: number[] }[] = [
  { name: '32³', resolutions: [32], steps: [60] },
  { name: '32³→64³ (tests)', resolutions: [32, 64], steps: [60, 60] },
  { name: '32³→64³→128³ (default)', resolutions: [32, 64, 128], steps: [60, 60, 30] },
];

function grey(side: number, value: number): SceneObject['texture'] {
  const data = new Uint8Array(side * side * 4).fill(value);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { data, width: side, height: side };
}

async function one(index: number, backend: 'cpu' | 'auto'): Promise<void> {
  if (backend === 'cpu') setForceCpu(true);
  const model = await loadHeadModel();
  const field = headRadialField(model, model.positions);
  const hair = buildHairMesh(field, hairShape(field, HAIRSTYLE_PRESETS.medium), HAIR_MESH_FULL);
  const truth: SceneObject[] = [
    {
      positions: model.positions,
      uvs: new Float32Array((model.positions.length / 3) * 2),
      indices: model.triangles,
      texture: grey(64, 200),
    },
    { positions: hair.positions, uvs: hair.uvs, indices: hair.indices, texture: grey(64, 90) },
  ];
  const views = [];
  for (const v of head360()) {
    const r = await renderScene(truth, v.camera);
    views.push({ camera: v.camera, image: r.image, mask: r.mask });
  }
  const prior = { positions: model.positions, indices: model.triangles };
  const config = CONFIGS[index]!;
  const head = await reconstructHead(views, prior, { ...config, targetTriangles: 60000, textureSize: 1024 });
  const r = head.report;
  console.log(
    JSON.stringify({
      ...r.seconds,
      provider: r.provider,
      marched: r.triangles.marched,
      rssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const backend = args.includes('auto') ? 'auto' : 'cpu';
  const oneIndex = args.indexOf('--one');
  if (oneIndex >= 0) return one(Number(args[oneIndex + 1]), backend);
  const info = backendInfo();
  const cpu = `${os.cpus()[0]?.model.trim()} × ${os.cpus().length}`;
  console.log(
    `machine: ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; backend ${backend === 'cpu' ? 'cpu (forced)' : `${info.backend} (${info.device ?? info.reason})`}`,
  );
  console.log(
    '| grid | provider | fit (s) | decimate (s) | refine (s) | rim fit (s) | atlas (s) | bake 1024² (s) | total (s) | marched triangles | peak RSS (MB) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const self = fileURLToPath(import.meta.url);
  for (const [i, config] of CONFIGS.entries()) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--one', String(i), backend], {
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as Record<string, number | string>;
    console.log(
      `| ${config.name} | ${r.provider} | ${r.fit} | ${r.simplify} | ${r.refine} | ${r.rimFit} | ${r.atlas} | ${r.bake} | ${r.total} | ${r.marched} | ${r.rssMb} |`,
    );
  }
}

await main();
