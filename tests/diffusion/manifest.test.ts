import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { loadDiffusionPack } from '../../src-main/engine/generate/multiview-diffusion/diffusion-pack';
import { PackError } from '../../src-main/engine/packs/pack-error';
import { PackManifest } from '../../src-main/engine/packs/pack-manifest';
import { diffusionFixture } from './support/fixture';

const scratch = mkdtemp(path.join(tmpdir(), 'diffusion-manifest-'));
after(async () => rm(await scratch, { recursive: true, force: true }));

async function manifestOf(packDir: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(packDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
}

function problem(m: unknown): string {
  const r = PackManifest.safeParse(m);
  if (r.success) return '';
  return r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

test("the PyTorch side's pack validates: typed rig, diffusion block, dynamic dims", async () => {
  const { packDir } = await diffusionFixture();
  const dp = await loadDiffusionPack(packDir);
  assert.equal(dp.pack.manifest.role, 'multiview-diffusion');
  assert.equal(dp.rig.views.length, dp.spec.views);
  assert.equal(dp.groups.flat().length, dp.spec.views);
  const unet = dp.pack.manifest.networks.unet!;
  assert.ok(
    unet.inputs.some((t) => t.shape[0] === -1),
    'the UNet batch is dynamic',
  );
});

test('a broken diffusion manifest is refused with the place and reason', async () => {
  const { packDir } = await diffusionFixture();
  const good = await manifestOf(packDir);
  const edit = (f: (m: Record<string, unknown>) => void): Record<string, unknown> => {
    const m = structuredClone(good);
    f(m);
    return m;
  };
  const d = (m: Record<string, unknown>): Record<string, unknown> => m.diffusion as Record<string, unknown>;
  const rig = (m: Record<string, unknown>): Record<string, unknown> => m.rig as Record<string, unknown>;
  assert.equal(problem(good), '');
  assert.match(problem(edit((m) => delete m.diffusion)), /needs a "diffusion" block/);
  assert.match(problem(edit((m) => delete m.rig)), /needs a "rig"/);
  assert.match(problem(edit((m) => (d(m).views = 12))), /rig has 16 views, diffusion.views says 12/);
  assert.match(problem(edit((m) => (rig(m).groups = [[0, 1, 2, 3]]))), /groups cover 4 of 16/);
  assert.match(problem(edit((m) => (rig(m).viewEmbedding = 'absolute'))), /rig\.viewEmbedding/);
  assert.match(problem(edit((m) => (m.kind = 'estimate'))), /kind "generate"/);
  assert.match(
    problem(edit((m) => delete (m.networks as Record<string, unknown>).vae_decoder)),
    /network "vae_decoder"/,
  );
  assert.match(
    problem(
      edit((m) => {
        const u = (m.networks as Record<string, { inputs: { name: string }[] }>).unet!;
        u.inputs[1]!.name = 'concat_latent';
      }),
    ),
    /networks\.unet: inputs are \[x_t, concat_latent/,
  );
  assert.match(
    problem(
      edit((m) => {
        const u = (m.networks as Record<string, { inputs: { shape: number[] }[] }>).unet!;
        u.inputs[0]!.shape[0] = -2;
      }),
    ),
    /positive or -1/,
  );
  // a pack of another kind is not a diffusion pack; the message says what it is
  const copy = path.join(await scratch, 'other');
  await cp(packDir, copy, { recursive: true });
  const other = edit((m) => {
    m.role = 'flame-model';
    delete m.rig;
    delete m.diffusion;
  });
  await writeFile(path.join(copy, 'manifest.json'), JSON.stringify(other));
  await assert.rejects(loadDiffusionPack(copy), (e: unknown) => {
    assert.ok(e instanceof PackError);
    assert.match(e.message, /not a multiview-diffusion pack/);
    return true;
  });
});

test('a converted parent’s manifest (no crop, meshTransform, source record) is valid; the engine says it cannot map its mesh yet', async () => {
  const { packDir } = await diffusionFixture();
  const parent = structuredClone(await manifestOf(packDir));
  const d = parent.diffusion as Record<string, unknown>;
  d.inputCrop = { mode: 'none' };
  d.meshTransform = { scale: 1.087, input: 'FLAME model coordinates' };
  parent.source = { checkpoint: 'facescape.ckpt', keysMapped: 1589 };
  assert.equal(problem(parent), '');
  const copy = path.join(await scratch, 'parent');
  await cp(packDir, copy, { recursive: true });
  await writeFile(path.join(copy, 'manifest.json'), JSON.stringify(parent));
  await assert.rejects(loadDiffusionPack(copy), (e: unknown) => {
    assert.ok(e instanceof PackError);
    assert.equal(e.code, 'pack-unsupported');
    assert.match(e.message, /meshTransform/);
    return true;
  });
});

test('a corrupt network file fails verification before anything is loaded', async () => {
  const { packDir } = await diffusionFixture();
  const copy = path.join(await scratch, 'corrupt');
  await cp(packDir, copy, { recursive: true });
  const m = await manifestOf(copy);
  const unetFile = (m.networks as Record<string, { file: string }>).unet!.file;
  const bytes = await readFile(path.join(copy, unetFile));
  const mid = bytes.length >> 1;
  bytes[mid] = bytes[mid]! ^ 0xff;
  await writeFile(path.join(copy, unetFile), bytes);
  await assert.rejects(loadDiffusionPack(copy), (e: unknown) => {
    assert.ok(e instanceof PackError);
    assert.equal(e.code, 'pack-corrupt');
    assert.equal(e.file, unetFile);
    return true;
  });
});
