/** The model manager's table rows: sizes in words, the check's outcome, what can be removed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PackInfo } from '../../src-main/shared/protocol';
import { formatBytes, packRows, packStatus } from '../../src-renderer/stores/pack-rows';

const pack = (extra: Partial<PackInfo>): PackInfo => ({
  id: 'p',
  kind: 'generate',
  version: '1',
  license: 'MIT',
  builtIn: false,
  ok: true,
  ...extra,
});

test('sizes read in bytes, KB, MB, GB with one decimal below 10', () => {
  assert.equal(formatBytes(undefined), '—');
  assert.equal(formatBytes(0), '0 bytes');
  assert.equal(formatBytes(1023), '1023 bytes');
  assert.equal(formatBytes(1536), '1.5 KB');
  assert.equal(formatBytes(4_663_536), '4.4 MB');
  assert.equal(formatBytes(22 * 2 ** 20), '22 MB');
  assert.equal(formatBytes(3.5 * 2 ** 30), '3.5 GB');
});

test('a pack is verified, has a problem, or is only quick-checked; code-built ones have no files', () => {
  assert.deepEqual(packStatus(pack({ dir: '/p', sha256Verified: true })), {
    status: 'verified',
    text: 'sha256 verified',
  });
  assert.deepEqual(packStatus(pack({ dir: '/p', ok: false, problem: 'x.onnx is missing' })), {
    status: 'problem',
    text: 'x.onnx is missing',
  });
  assert.equal(packStatus(pack({ dir: '/p', sha256Verified: false })).status, 'unverified');
  assert.equal(packStatus(pack({ builtIn: true })).text, 'built into the app');
});

test('rows: built-in packs cannot be removed; sizes only for packs with a folder', () => {
  const rows = packRows([
    pack({ id: 'builtin-head-model', builtIn: true }),
    pack({ id: 'shipped', builtIn: true, dir: '/r/shipped', sizeBytes: 2048, sha256Verified: true }),
    pack({ id: 'mine', role: 'multiview-diffusion', dir: '/u/mine', sizeBytes: 10, sha256Verified: true }),
  ]);
  assert.deepEqual(
    rows.map((r) => [r.id, r.removable, r.size, r.role]),
    [
      ['builtin-head-model', false, '—', '—'],
      ['shipped', false, '2.0 KB', '—'],
      ['mine', true, '10 bytes', 'multiview-diffusion'],
    ],
  );
});
