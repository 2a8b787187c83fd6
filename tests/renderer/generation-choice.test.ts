/** The side panel's generation choice → job settings, and its saved defaults read back safely. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JobSettings, type PackInfo } from '../../src-main/shared/protocol';
import {
  DEFAULT_CHOICE,
  diffusionPacks,
  jobSettingsOf,
  randomSeed,
  readSavedChoice,
} from '../../src-renderer/stores/generation-choice';

test('the projection choice asks for no diffusion settings; the diffusion one for exactly what was set', () => {
  assert.deepEqual(JobSettings.parse(jobSettingsOf(DEFAULT_CHOICE)).generator, 'projection');
  assert.equal(jobSettingsOf(DEFAULT_CHOICE).diffusion, undefined);
  const settings = JobSettings.parse(
    jobSettingsOf({
      ...DEFAULT_CHOICE,
      generator: 'diffusion',
      pack: 'mvd-small',
      steps: 30,
      seed: 7,
      reconstructMesh: 'prior',
      albedoTexture: true,
    }),
  );
  assert.equal(settings.generator, 'diffusion');
  assert.deepEqual(
    { pack: settings.diffusion.pack, steps: settings.diffusion.steps, seed: settings.diffusion.seed },
    { pack: 'mvd-small', steps: 30, seed: 7 },
  );
  assert.equal(settings.diffusion.guidance, undefined, "unset guidance stays the pack's");
  assert.equal(settings.reconstructMesh, 'prior');
  assert.equal(settings.albedoTexture, true);
});

test('saved defaults: read back when valid, the built-in ones when missing, unreadable or out of range', () => {
  const saved = { ...DEFAULT_CHOICE, generator: 'diffusion', seed: 42 };
  assert.deepEqual(readSavedChoice(JSON.stringify(saved)), saved);
  assert.deepEqual(readSavedChoice(null), DEFAULT_CHOICE);
  assert.deepEqual(readSavedChoice('{not json'), DEFAULT_CHOICE);
  assert.deepEqual(readSavedChoice(JSON.stringify({ ...saved, steps: 0 })), DEFAULT_CHOICE);
  assert.deepEqual(readSavedChoice(JSON.stringify({ ...saved, extra: 1 })), DEFAULT_CHOICE);
});

test('only multi-view diffusion packs whose files check out are offered; seeds stay in range', () => {
  const pack = (id: string, extra: Partial<PackInfo>): PackInfo => ({
    id,
    kind: 'generate',
    version: '1',
    license: 'x',
    builtIn: false,
    ok: true,
    role: 'multiview-diffusion',
    ...extra,
  });
  const offered = diffusionPacks([
    pack('good', {}),
    pack('broken', { ok: false, problem: 'unet.onnx is missing' }),
    pack('other-role', { role: 'texture' }),
    pack('an-estimator', { kind: 'estimate', role: undefined }),
  ]);
  assert.deepEqual(
    offered.map((p) => p.id),
    ['good'],
  );
  assert.equal(
    randomSeed(() => 0),
    0,
  );
  const top = randomSeed(() => 0.9999999999);
  assert.ok(top > 0xfffffff0 && top <= 0xffffffff, String(top));
});
