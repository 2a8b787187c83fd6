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
