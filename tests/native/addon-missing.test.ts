import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  isNativeAddonAvailable,
  nativeAddonCandidates,
  renderTexturedMesh,
  setNativeAddonPath,
} from '../../src-main/engine/native/native-addon';

// Its own file: node:test runs each file in a fresh process, so no addon is loaded yet.
test('a missing addon gives the build hint', async () => {
  setNativeAddonPath('/nonexistent/gen3d_native.node');
  assert.deepEqual(nativeAddonCandidates(), ['/nonexistent/gen3d_native.node']);
  assert.equal(isNativeAddonAvailable(), false);
  await assert.rejects(
    renderTexturedMesh({
      positions: new Float32Array(9),
      indices: new Uint32Array([0, 1, 2]),
      camera: { fx: 1, fy: 1, cx: 0, cy: 0, R: [1, 0, 0, 0, 1, 0, 0, 0, 1], t: [0, 0, 1] },
      width: 4,
      height: 4,
    }),
    /native addon not built: run npm run build:native/,
  );
});
