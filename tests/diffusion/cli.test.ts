/** `gen3dface generate --generator diffusion` end to end on a real photo with the fixture pack. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseCliArgs } from '../../src-main/cli/cli-args';
import { EngineEvent, JobSettings } from '../../src-main/shared/protocol';
import { importInBlender } from '../export/support';
import { ASTRONAUT } from '../support/photos';
import { diffusionFixture } from './support/fixture';

const CLI = path.join(process.cwd(), 'bin/gen3dface.mjs');
const scratch = mkdtemp(path.join(tmpdir(), 'diffusion-cli-'));
after(async () => rm(await scratch, { recursive: true, force: true }));

function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function events(stdout: string): Record<string, unknown>[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('CLI options: --generator diffusion with --pack, --steps, --guidance, --seed; diffusion options alone are refused', () => {
  const c = parseCliArgs([
    'generate',
    'a.jpg',
    '--out',
    'o',
    '--generator',
    'diffusion',
    '--pack',
    'tiny',
    '--steps',
    '20',
    '--guidance',
    '3.5',
    '--seed',
    '42',
  ]);
  assert.equal(c.kind, 'generate');
  if (c.kind !== 'generate') return;
  const s = JobSettings.parse(c.settings);
  assert.equal(s.generator, 'diffusion');
  assert.deepEqual(
    {
      pack: s.diffusion.pack,
      steps: s.diffusion.steps,
      guidance: s.diffusion.guidance,
      seed: s.diffusion.seed,
    },
    { pack: 'tiny', steps: 20, guidance: 3.5, seed: 42 },
  );
  const plain = parseCliArgs(['generate', 'a.jpg', '--out', 'o']);
  if (plain.kind === 'generate') assert.equal(JobSettings.parse(plain.settings).generator, 'projection');
  assert.throws(
    () => parseCliArgs(['generate', 'a.jpg', '--out', 'o', '--seed', '1']),
    /need --generator diffusion/,
  );
  assert.throws(
    () => parseCliArgs(['generate', 'a.jpg', '--out', 'o', '--generator', 'dream']),
    /--generator/,
  );
  assert.throws(
    () => parseCliArgs(['generate', 'a.jpg', '--out', 'o', '--generator', 'diffusion', '--steps', 'x']),
    /--steps/,
  );
});

test('generate --generator diffusion writes 16 views + cameras.json into the job and exports the head reconstructed from them', async () => {
  const { packDir } = await diffusionFixture();
  const out = path.join(await scratch, 'out');
  const jobs = path.join(await scratch, 'jobs');
  const run = cli([
    'generate',
    ASTRONAUT,
    '--out',
    out,
    '--jobs',
    jobs,
    '--generator',
    'diffusion',
    '--pack',
    packDir,
    '--steps',
    '4',
    '--seed',
    '5',
    // the default full figures after diffusion are checked on the shipped pack (shipped-pack.test.ts)
    '--metrics',
    'off',
    '--json',
  ]);
  assert.equal(run.status, 0, run.stderr + run.stdout.slice(-2000));
  const all = events(run.stdout);
  for (const e of all.filter((x) => x.type !== 'info'))
    assert.ok(EngineEvent.safeParse(e).success, `not a protocol event: ${JSON.stringify(e)}`);
  const messages = all.filter((e) => e.type === 'progress').map((e) => String(e.message ?? ''));
  assert.ok(
    messages.some((m) => /diffusion step 4\/4 on cpu/.test(m)),
    messages.join('\n'),
  );
  assert.ok(messages.some((m) => /prior that reconstruction fits/.test(m)));
  const [jobId] = await readdir(jobs);
  const views = await readdir(path.join(jobs, jobId!, 'views'));
  for (let v = 0; v < 16; v++) assert.ok(views.includes(`${String(v).padStart(2, '0')}.png`), views.join());
  assert.ok(views.includes('cameras.json'));
  const fit = JSON.parse(await readFile(path.join(jobs, jobId!, 'mesh', 'reconstruct.json'), 'utf8')) as {
    watertight?: { marched: boolean; final: boolean };
    triangles?: { final: number };
  };
  // A random-weight tiny pack's views are noise: the fit runs and meshes; its quality is tested elsewhere.
  assert.equal(fit.watertight?.marched, true, 'the head is reconstructed from the views');
  // Noise gives thin gaps and handles where decimation joins sheets (reconstruct/README, "Watertightness").
  assert.equal(fit.watertight?.final, true, 'the decimated, exported mesh is closed too');
  assert.ok((fit.triangles?.final ?? Infinity) <= 60000, `${fit.triangles?.final} triangles`);
  const report = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as {
    diffusion?: { provider: string; steps: number; fallbacks: { provider: string }[]; noise: string };
  };
  assert.equal(report.diffusion?.provider, 'cpu');
  assert.equal(report.diffusion?.steps, 4);
  assert.match(report.diffusion?.noise ?? '', /seed 5/);
  assert.ok((await readdir(out)).includes('astronaut.glb'));
  // Real Blender imports the reconstructed head (its triangle count, not the prior's) with its texture.
  const [check] = await importInBlender([{ file: path.join(out, 'astronaut.glb'), format: 'glb' }]);
  const head = check!.objects.find((o) => o.name === 'astronaut');
  assert.ok(head, `objects: ${check!.objects.map((o) => o.name).join(', ')}`);
  console.log(
    `Blender: ${head.faces} faces (reconstruct.json: ${fit.triangles?.final}), dims ${head.dimensions.map((d) => d.toFixed(3)).join('×')}, texture ${head.textures[0]?.image_size.join('×')}`,
  );
  assert.equal(head.faces, fit.triangles?.final, 'the exported mesh is the reconstructed one');
  assert.ok(head.textures[0]?.base_color_linked, 'a base-colour texture is linked');
  assert.ok((head.textures[0]?.image_size[0] ?? 0) >= 512, 'with a real texture image');
});

test('a diffusion pack that fails verification stops the job with a clear error, no views written', async () => {
  const { packDir } = await diffusionFixture();
  const bad = path.join(await scratch, 'bad-pack');
  await cp(packDir, bad, { recursive: true });
  const manifest = JSON.parse(await readFile(path.join(bad, 'manifest.json'), 'utf8')) as {
    networks: Record<string, { file: string }>;
  };
  await writeFile(path.join(bad, manifest.networks.volume!.file), 'not an onnx file');
  const jobs = path.join(await scratch, 'bad-jobs');
  const run = cli([
    'generate',
    ASTRONAUT,
    '--out',
    path.join(await scratch, 'bad-out'),
    '--jobs',
    jobs,
    '--generator',
    'diffusion',
    '--pack',
    bad,
    '--json',
  ]);
  assert.equal(run.status, 1, run.stderr);
  const error = events(run.stdout).find((e) => e.type === 'error') as
    { stage: string; error: { code: string; message: string } } | undefined;
  assert.equal(error?.stage, 'generate');
  assert.match(error?.error.code ?? '', /^pack-/);
  assert.ok(error?.error.message.includes(manifest.networks.volume!.file), error?.error.message);
  const [jobId] = await readdir(jobs);
  const views = await readdir(path.join(jobs, jobId!, 'views')).catch(() => [] as string[]);
  assert.deepEqual(views, []);
});
