import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadHeadModel, modelLandmarks, shapedPositions } from '../../src-main/engine/geometry/head-model';
import { meshBounds } from '../../src-main/engine/geometry/textured-mesh';

const model = await loadHeadModel();

function edgeUses(faces: Uint32Array, corners: number): Map<string, number> {
  const uses = new Map<string, number>();
  for (let f = 0; f < faces.length; f += corners) {
    for (let e = 0; e < corners; e++) {
      const key = `${faces[f + e]},${faces[f + ((e + 1) % corners)]}`;
      uses.set(key, (uses.get(key) ?? 0) + 1);
    }
  }
  return uses;
}

test('quads and triangles are closed: every edge has exactly two faces, once in each direction', () => {
  for (const [faces, corners] of [
    [model.quads, 4],
    [model.triangles, 3],
  ] as const) {
    const uses = edgeUses(faces, corners);
    let bad = 0;
    for (const [key, n] of uses) {
      const [a, b] = key.split(',');
      if (n !== 1 || uses.get(`${b},${a}`) !== 1) bad++;
    }
    assert.equal(
      bad,
      0,
      `${bad} edges of the ${corners === 4 ? 'quads' : 'triangles'} are not shared by exactly two faces`,
    );
  }
  assert.equal(
    model.triangles.length / 3,
    (model.quads.length / 4) * 2,
    'mostly-quad: two triangles per quad',
  );
  // Euler characteristic of a sphere: V − E + F = 2.
  const E = edgeUses(model.quads, 4).size / 2;
  assert.equal(model.vertexCount - E + model.quads.length / 4, 2);
});

test('oriented outwards: positive signed volume of a head-sized solid, normals face away from the centre', () => {
  const p = model.positions;
  let volume = 0;
  let outward = 0;
  let total = 0;
  for (let t = 0; t < model.triangles.length; t += 3) {
    const [a, b, c] = [0, 1, 2].map((k) => model.triangles[t + k]! * 3) as [number, number, number];
    const ax = p[a]!,
      ay = p[a + 1]!,
      az = p[a + 2]!;
    const bx = p[b]!,
      by = p[b + 1]!,
      bz = p[b + 2]!;
    const cx = p[c]!,
      cy = p[c + 1]!,
      cz = p[c + 2]!;
    volume += (ax * (by * cz - bz * cy) - ay * (bx * cz - bz * cx) + az * (bx * cy - by * cx)) / 6;
    const region = model.regions[model.triangleRegion[t / 3]!]!.name;
    if (region.startsWith('ear') || region.startsWith('neck')) continue;
    const nx = (by - ay) * (cz - az) - (bz - az) * (cy - ay);
    const ny = (bz - az) * (cx - ax) - (bx - ax) * (cz - az);
    const nz = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    total++;
    if (nx * (ax + bx + cx) + ny * (ay + by + cy) + nz * (az + bz + cz) > 0) outward++;
  }
  assert.ok(
    volume > 0.003 && volume < 0.008,
    `volume ${(volume * 1000).toFixed(2)} L is not head-and-neck sized`,
  );
  assert.ok(
    outward / total > 0.97,
    `only ${((100 * outward) / total).toFixed(1)} % of head triangles face outwards`,
  );
});

test('head-sized bounds in metres, +Y up, face towards +Z, centred', () => {
  const { min, max } = meshBounds(model.positions);
  const width = max[0] - min[0];
  const height = max[1] - min[1];
  const depth = max[2] - min[2];
  assert.ok(width > 0.15 && width < 0.21, `width ${width}`);
  assert.ok(height > 0.28 && height < 0.4, `height with neck ${height}`);
  assert.ok(depth > 0.2 && depth < 0.25, `depth ${depth}`);
  assert.ok(Math.abs(max[0] + min[0]) < 1e-4, 'left/right centred');
  const lm = modelLandmarks(model, model.positions);
  assert.ok(lm[1 * 3 + 2]! > 0.1, 'nose tip in front (+Z)');
  assert.ok(lm[10 * 3 + 1]! > lm[152 * 3 + 1]! + 0.12, 'forehead above chin (+Y up)');
  assert.ok(lm[263 * 3]! > 0 && lm[33 * 3]! < 0, "subject's left eye on +X");
});

test('UVs lie in [0,1], inside their chart, and charts do not overlap', () => {
  const rects = model.regions.map((r) => r.rect);
  for (let i = 0; i < rects.length; i++) {
    for (let j = i + 1; j < rects.length; j++) {
      const [a, b] = [rects[i]!, rects[j]!];
      const overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
      assert.ok(!overlap, `charts ${model.regions[i]!.name} and ${model.regions[j]!.name} overlap`);
    }
  }
  for (let t = 0; t < model.uvTriangles.length / 3; t++) {
    const rect = rects[model.triangleRegion[t]!]!;
    for (let k = 0; k < 3; k++) {
      const uv = model.uvTriangles[t * 3 + k]!;
      const u = model.uvs[uv * 2]!;
      const v = model.uvs[uv * 2 + 1]!;
      assert.ok(
        u >= rect[0] && u <= rect[2] && v >= rect[1] && v <= rect[3],
        `uv of triangle ${t} outside its chart`,
      );
      assert.equal(
        model.uvVertexToVertex[uv],
        model.triangles[t * 3 + k],
        'uv triangles match geometry triangles',
      );
    }
  }
  // Within charts: rasterise every UV triangle; a texel claimed twice means folded or overlapping UVs.
  const size = 1024;
  const hits = new Uint8Array(size * size);
  let twice = 0;
  let covered = 0;
  for (let t = 0; t < model.uvTriangles.length / 3; t++) {
    const [a, b, c] = [0, 1, 2].map((k) => model.uvTriangles[t * 3 + k]!);
    const ax = model.uvs[a! * 2]! * size,
      ay = model.uvs[a! * 2 + 1]! * size;
    const bx = model.uvs[b! * 2]! * size,
      by = model.uvs[b! * 2 + 1]! * size;
    const cx = model.uvs[c! * 2]! * size,
      cy = model.uvs[c! * 2 + 1]! * size;
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    for (let y = Math.floor(Math.min(ay, by, cy)); y <= Math.ceil(Math.max(ay, by, cy)); y++) {
      for (let x = Math.floor(Math.min(ax, bx, cx)); x <= Math.ceil(Math.max(ax, bx, cx)); x++) {
        const w1 = ((x + 0.5 - ax) * (cy - ay) - (y + 0.5 - ay) * (cx - ax)) / area;
        const w2 = ((bx - ax) * (y + 0.5 - ay) - (by - ay) * (x + 0.5 - ax)) / area;
        if (w1 < 1e-9 || w2 < 1e-9 || 1 - w1 - w2 < 1e-9) continue;
        const p = y * size + x;
        if (hits[p]) twice++;
        else covered++;
        hits[p] = 1;
      }
    }
  }
  assert.ok(covered > 0.5 * size * size, `atlas use ${(covered / size / size).toFixed(2)}`);
  assert.ok(twice / covered < 0.002, `${twice} texels covered by two UV triangles`);
});

test('left/right symmetric: mirror map is an involution onto mirrored positions (shape space too)', () => {
  const p = model.positions;
  const shaped = shapedPositions(
    model,
    model.shapeComponents.map((_, k) => ((k % 3) - 1) * 1.5),
  );
  for (let v = 0; v < model.vertexCount; v++) {
    const m = model.mirror[v]!;
    assert.equal(model.mirror[m], v);
    for (const q of [p, shaped]) {
      const d = Math.hypot(
        q[m * 3]! + q[v * 3]!,
        q[m * 3 + 1]! - q[v * 3 + 1]!,
        q[m * 3 + 2]! - q[v * 3 + 2]!,
      );
      assert.ok(d < 1e-5, `vertex ${v}: mirror off by ${d}`);
    }
  }
});

test('landmarks: all 468 MediaPipe points embedded on the face, named groups present', () => {
  const lm = modelLandmarks(model, model.positions);
  let worst = 0;
  for (let i = 0; i < 468; i++) {
    const d = Math.hypot(
      lm[i * 3]! - model.landmarkCanonical[i * 3]!,
      lm[i * 3 + 1]! - model.landmarkCanonical[i * 3 + 1]!,
      lm[i * 3 + 2]! - model.landmarkCanonical[i * 3 + 2]!,
    );
    worst = Math.max(worst, d);
    assert.equal(model.landmarkMirror[model.landmarkMirror[i]!], i);
  }
  assert.ok(worst < 0.006, `a landmark sits ${(worst * 1000).toFixed(1)} mm off the canonical face`);
  for (const name of [
    'rightEyeOuter',
    'leftEyeOuter',
    'noseTip',
    'noseBridge',
    'mouthRight',
    'mouthLeft',
    'chin',
    'jawLeft',
    'browLeft',
    'faceOval',
  ]) {
    assert.ok((model.namedLandmarks[name]?.length ?? 0) > 0, `named landmark group ${name}`);
  }
  assert.ok(model.shapeComponents.length >= 10 && model.shapeComponents.length <= 20);
  // Each component moves the mesh by millimetres, not metres.
  for (let k = 0; k < model.shapeComponents.length; k++) {
    let max = 0;
    for (let i = 0; i < model.vertexCount * 3; i++)
      max = Math.max(max, Math.abs(model.shapeBasis[k * model.vertexCount * 3 + i]!));
    assert.ok(max > 0.001 && max < 0.02, `${model.shapeComponents[k]!.name} moves up to ${max} m`);
  }
});
