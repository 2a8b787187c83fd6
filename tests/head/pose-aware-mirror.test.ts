/**
 * The pose-aware mirror and the outline trust on small synthetic images: what a turned face needs
 * (the far side mirrored whole, never a faded copy of the grazing direct view beneath it; no photo
 * colour trusted right at the fitted head's outline).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  combineDirectAndMirror,
  mirrorRelight,
} from '../../src-main/engine/generate/prior-projection/pose-aware-mirror';
import {
  UNIFORM_LIGHTING,
  type FittedLighting,
} from '../../src-main/engine/generate/prior-projection/estimate-lighting';
import { outlineTrust } from '../../src-main/engine/generate/prior-projection/outline-trust';
import { viewAngleWeight } from '../../src-main/engine/generate/prior-projection/bake-head-texture';
import type { AtlasProjection } from '../../src-main/engine/generate/prior-projection/photo-projection';

const SIZE = 128;

function projection(at: (x: number, y: number) => { cos: number; grey: number }): AtlasProjection {
  const rgba = new Uint8Array(SIZE * SIZE * 4);
  const cos = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const p = y * SIZE + x;
      const v = at(x, y);
      cos[p] = v.cos;
      if (v.cos > 0) rgba.set([v.grey, v.grey, v.grey, 255], p * 4);
    }
  }
  return { rgba, cos };
}

/** The combination on a plain chart with no skin test (face features), as the bake calls it. */
function combineOnPlainSkin(direct: AtlasProjection, mirrored: AtlasProjection, mirrorLight?: Float32Array) {
  return combineDirectAndMirror({
    direct,
    mirrored,
    size: SIZE,
    chart: new Int16Array(SIZE * SIZE),
    skinGate: new Float32Array(SIZE * SIZE),
    clearViewOnly: [false],
    skin: { chroma: [0.33, 0.33], luma: 80, chromaSigma: 0.05 },
    weightOfCos: viewAngleWeight,
    ...(mirrorLight ? { mirrorLight } : {}),
  });
}

test('a grazing island of the direct view inside the mirrored side takes the mirror colour whole', () => {
  // Right half: the direct view sees nothing but a 10×10 island at a grazing angle (a far eye seen
  // past the nose, bright 220); the mirror sees it all clearly (80).
  const island = (x: number, y: number) => x >= 90 && x < 100 && y >= 60 && y < 70;
  const direct = projection((x, y) =>
    x < SIZE / 2 ? { cos: 0.9, grey: 80 } : island(x, y) ? { cos: 0.3, grey: 220 } : { cos: 0, grey: 0 },
  );
  const mirrored = projection((x) => (x >= SIZE / 2 ? { cos: 0.9, grey: 80 } : { cos: 0.2, grey: 80 }));
  const seen = combineOnPlainSkin(direct, mirrored);
  const centre = 65 * SIZE + 95;
  assert.ok(seen.mirror[centre]! > 0.99, `mirror share ${seen.mirror[centre]}`);
  assert.ok(Math.abs(seen.rgb[centre * 3]! - 80) < 3, `island colour ${seen.rgb[centre * 3]} (mirror 80)`);
});

test('a side-lit photo: the mirror brings the lit twin under the light of the shadowed side', () => {
  // Light from the subject's left (+X): order 1 adds a term in x to uniform light.
  const sideLit: FittedLighting = {
    ...UNIFORM_LIGHTING,
    sh: UNIFORM_LIGHTING.sh.map((l) => [l[0]!, 0, 0, 0.8, 0, 0, 0, 0, 0]) as FittedLighting['sh'],
  };
  // Three vertices: on the subject's right and left cheeks (unit normals towards −X and +X, each the
  // other's mirror), and on the midline (its own mirror).
  const c = 1 / Math.hypot(1, 0.2);
  const normals = Float32Array.from([-c, 0, 0.2 * c, c, 0, 0.2 * c, 0, 0, 1]);
  const mirror = [1, 0, 2];
  const sided = mirrorRelight(normals, mirror, sideLit, 0.35);
  const uniform = mirrorRelight(normals, mirror, UNIFORM_LIGHTING, 0.35);
  assert.ok(sided[0]! < 0.8 && sided[0]! >= 0.5, `shadowed cheek's mirror ratio ${sided[0]}`);
  assert.ok(sided[3]! > 1.25, `lit cheek's mirror ratio ${sided[3]}`);
  assert.ok(Math.abs(sided[6]! - 1) < 1e-6, `midline ratio ${sided[6]}`);
  assert.ok(
    uniform.every((r) => Math.abs(r - 1) < 1e-6),
    'uniform light changes nothing',
  );

  // The shadowed side (80) seen directly; on its right half the photo's mask is doubtful (half
  // alpha: hair, outline), so the mirror takes over there. Its lit twin shows 160: brought under this
  // side's light (ratio 0.5) it continues the direct side.
  const direct = projection(() => ({ cos: 0.6, grey: 80 }));
  for (let p = 0; p < SIZE * SIZE; p++) if (p % SIZE >= SIZE / 2) direct.rgba[p * 4 + 3] = 100;
  const mirrored = projection((x) => (x >= SIZE / 2 ? { cos: 0.9, grey: 160 } : { cos: 0, grey: 0 }));
  const halfLight = new Float32Array(SIZE * SIZE * 3).fill(0.5);
  const relit = combineOnPlainSkin(direct, mirrored, halfLight);
  const asIs = combineOnPlainSkin(direct, mirrored);
  const right = 64 * SIZE + 100;
  assert.ok(relit.mirror[right]! > 0.99, `mirror share ${relit.mirror[right]}`);
  assert.ok(Math.abs(relit.rgb[right * 3]! - 80) < 3, `relit mirror ${relit.rgb[right * 3]} (80 expected)`);
  assert.ok(
    asIs.rgb[right * 3]! > 150,
    `without the ratio the mirror keeps its twin's light: ${asIs.rgb[right * 3]}`,
  );

  // Where the camera does not see the texel's side, the fitted light there is a guess: no ratio.
  const hidden = projection((x) => (x < SIZE / 2 ? { cos: 0.9, grey: 80 } : { cos: 0, grey: 0 }));
  const unknownLight = combineOnPlainSkin(hidden, mirrored, halfLight);
  assert.ok(unknownLight.rgb[right * 3]! > 150, `hidden side relit to ${unknownLight.rgb[right * 3]}`);
});

test('photo pixels at the outline of the fitted head are not trusted; those a centimetre away are', () => {
  // A head 1.5 m away (f = 600 px: 2.5 mm per pixel): a disc at 1.5 m with a nose-like step to 1.45 m.
  const W = 200,
    H = 200;
  const depth = new Float32Array(W * H).fill(Infinity);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (Math.hypot(x - 100, y - 100) < 80) depth[y * W + x] = x > 120 && x < 130 ? 1.45 : 1.5;
    }
  }
  const camera = {
    fx: 600,
    fy: 600,
    cx: 100,
    cy: 100,
    R: [1, 0, 0, 0, 1, 0, 0, 0, 1],
    t: [0, 0, 1.5],
    width: W,
    height: H,
  };
  const trust = outlineTrust(depth, W, H, camera);
  assert.ok(trust[100 * W + 20]! < 0.05, `at the outline: ${trust[100 * W + 20]}`);
  assert.ok(trust[100 * W + 19]! < 0.05, `just off the head: ${trust[100 * W + 19]}`);
  assert.equal(trust[100 * W + 120], 1, 'a self-occlusion step inside the head is not the outline');
  assert.equal(trust[100 * W + 80], 1, 'a smooth part 2 cm from the outline');
  assert.equal(trust[5 * W + 5], 1, 'far off the head');
});
