import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCliArgs } from '../../src-main/cli/cli-args';
import { JobSettings } from '../../src-main/shared/protocol';

test('--albedo asks for an albedo head texture; without it the photo shading is kept', () => {
  const withFlag = parseCliArgs(['generate', 'photo.jpg', '--out', 'out', '--albedo']);
  const without = parseCliArgs(['generate', 'photo.jpg', '--out', 'out']);
  assert.equal(withFlag.kind, 'generate');
  assert.equal(without.kind, 'generate');
  if (withFlag.kind !== 'generate' || without.kind !== 'generate') return;
  assert.equal(JobSettings.parse(withFlag.settings).albedoTexture, true);
  assert.equal(JobSettings.parse(without.settings).albedoTexture, false);
});

test('--reconstruct-mesh prior|reconstructed; anything else is a usage error', () => {
  const prior = parseCliArgs(['generate', 'photo.jpg', '--out', 'out', '--reconstruct-mesh', 'prior']);
  const plain = parseCliArgs(['generate', 'photo.jpg', '--out', 'out']);
  if (prior.kind !== 'generate' || plain.kind !== 'generate') throw new Error('not a generate command');
  assert.equal(JobSettings.parse(prior.settings).reconstructMesh, 'prior');
  assert.equal(JobSettings.parse(plain.settings).reconstructMesh, 'reconstructed');
  assert.throws(
    () => parseCliArgs(['generate', 'photo.jpg', '--out', 'out', '--reconstruct-mesh', 'quads']),
    /--reconstruct-mesh/,
  );
});
