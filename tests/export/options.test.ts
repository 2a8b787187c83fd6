/**
 * Export options: file-name template, zip of the OBJ set, views and report beside the model, texture
 * size ceiling, and the triangle budget (meshoptimizer) keeping UV seams and a closed surface.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { EXPORT_PRESETS, exportHead } from '../../src-main/engine/export';
import { prepareMesh, weldPositions } from '../../src-main/engine/export/prepared-mesh';
import { simplifyToBudget } from '../../src-main/engine/export/simplify';
import { meshBounds, type TexturedMesh } from '../../src-main/engine/geometry/textured-mesh';
import { makeHeadFixture } from '../fixtures/head-fixture';
import { parseObj, removeTempDirs, tempDir } from './support';

let head: TexturedMesh;
after(removeTempDirs);
before(async () => {
  head = await makeHeadFixture({ textureSide: 1024 });
});

test('file-name template, safe names, zip of OBJ+MTL+texture, views and report', async () => {
  const dir = await tempDir('options');
  const views = await Promise.all(
    [0, 1].map(async (i) => ({
      name: `${String(i).padStart(2, '0')}.png`,
      png: await sharp({
        create: { width: 8, height: 8, channels: 3, background: { r: i * 200, g: 0, b: 0 } },
      })
        .png()
        .toBuffer(),
    })),
  );
  const report = { job: 'x', stages: { export: { ms: 1 } } };
  const settings = {
    ...EXPORT_PRESETS.unreal,
    textureSize: 512 as const,
    fileNameTemplate: '{name}_{preset}_{units}',
    zip: true,
    includeViews: true,
    includeReport: true,
  };
  const { files } = await exportHead(
    { mesh: head, photoName: '/photos/My Photo (1).JPG', views, report },
    dir,
    settings,
  );
  const stem = 'My_Photo_1_unreal_cm';
  assert.deepEqual(
    files.map((f) => [f.kind, path.relative(dir, f.path)]),
    [
      ['export-glb', `${stem}.glb`],
      ['export-obj', `${stem}.obj`],
      ['export-mtl', `${stem}.mtl`],
      ['export-texture', `${stem}.png`],
      ['export-zip', `${stem}.zip`],
      ['export-view', `${stem}_views/00.png`],
      ['export-view', `${stem}_views/01.png`],
      ['export-report', `${stem}_report.json`],
    ],
  );
  assert.deepEqual(
    (await readdir(dir)).sort(),
    [...new Set(files.map((f) => path.relative(dir, f.path).split('/')[0]))].sort(),
  );
  const obj = await readFile(path.join(dir, `${stem}.obj`), 'utf8');
  const mtl = await readFile(path.join(dir, `${stem}.mtl`), 'utf8');
  assert.equal(parseObj(obj).mtllib, `${stem}.mtl`);
  assert.match(obj, /^o My_Photo_\(1\)$/m);
  assert.match(mtl, new RegExp(`^map_Kd ${stem}\\.png$`, 'm'), 'relative texture path');
  assert.deepEqual(JSON.parse(await readFile(path.join(dir, `${stem}_report.json`), 'utf8')), report);
  assert.deepEqual(await readFile(path.join(dir, `${stem}_views/01.png`)), views[1]!.png);

  // The zip holds exactly the loose OBJ set, byte for byte (read by Python's zipfile, CRCs checked).
  const listing = execFileSync('/usr/bin/python3', [
    '-c',
    'import sys, zipfile, hashlib; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; ' +
      '[print(i.filename, hashlib.sha256(z.read(i)).hexdigest()) for i in z.infolist()]',
    path.join(dir, `${stem}.zip`),
  ]).toString();
  const { createHash } = await import('node:crypto');
  const expected = await Promise.all(
    [`${stem}.obj`, `${stem}.mtl`, `${stem}.png`].map(
      async (n) =>
        `${n} ${createHash('sha256')
          .update(await readFile(path.join(dir, n)))
          .digest('hex')}`,
    ),
  );
  assert.deepEqual(listing.trim().split('\n'), expected);

  // Exporting again replaces the files and the views folder (no leftovers, no temporaries).
  await exportHead(
    { mesh: head, photoName: '/photos/My Photo (1).JPG', views: views.slice(0, 1), report },
    dir,
    settings,
  );
  assert.deepEqual(await readdir(path.join(dir, `${stem}_views`)), ['00.png']);
  assert.ok(
    (await readdir(dir)).every((n) => !n.startsWith('.')),
    'no temporaries',
  );
});

test('texture size: downscaled to the setting, never enlarged', async () => {
  for (const [size, want] of [
    [512, 512],
    [4096, 1024],
  ] as const) {
    const { files, summary } = await exportHead(
      { mesh: head, photoName: 'a.png' },
      await tempDir(`tex${size}`),
      {
        ...EXPORT_PRESETS.maya,
        textureSize: size,
      },
    );
    const meta = await sharp(await readFile(files.find((f) => f.kind === 'export-texture')!.path)).metadata();
    assert.deepEqual([meta.width, meta.height, meta.format, summary.textureSize], [want, want, 'png', want]);
  }
});

/** Welded edges used by other than two triangles: 0 for a closed surface. */
function openEdges(positions: Float32Array, indices: Uint32Array): number {
  const { ids } = weldPositions(positions);
  const uses = new Map<string, number>();
  for (let t = 0; t < indices.length; t += 3) {
    for (let k = 0; k < 3; k++) {
      const a = ids[indices[t + k]!]!;
      const b = ids[indices[t + ((k + 1) % 3)]!]!;
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      uses.set(key, (uses.get(key) ?? 0) + 1);
    }
  }
  return [...uses.values()].filter((n) => n !== 2).length;
}

test('triangle budget: meshoptimizer keeps the UV seam and a closed surface; under budget untouched', async () => {
  const dense = prepareMesh(await makeHeadFixture({ rings: 128, segments: 192, textureSide: 512 }));
  const before = dense.indices.length / 3;
  assert.equal(openEdges(dense.positions, dense.indices), 0, 'the fixture is closed');
  const started = Date.now();
  const { mesh, trianglesAfter, error } = await simplifyToBudget(dense, 5000);
  console.log(
    `simplified ${before} → ${trianglesAfter} triangles in ${Date.now() - started} ms, error ${error.toFixed(4)}`,
  );
  assert.ok(trianglesAfter <= 5000 && trianglesAfter > 4000, `${trianglesAfter} triangles`);
  assert.equal(openEdges(mesh.positions, mesh.indices), 0, 'no crack along the seam');
  // No triangle spans the seam (u jumps 0 ↔ 1 there): each one's UVs stay within one side.
  let widest = 0;
  for (let t = 0; t < mesh.indices.length; t += 3) {
    const us = [0, 1, 2].map((k) => mesh.uvs[mesh.indices[t + k]! * 2]!);
    widest = Math.max(widest, Math.max(...us) - Math.min(...us));
  }
  assert.ok(widest < 0.25, `widest triangle in u: ${widest}`);
  // Both sides of the seam are still there.
  const seamUs = new Set<number>();
  for (let v = 0; v < mesh.positions.length / 3; v++) {
    if (Math.abs(mesh.positions[v * 3]!) < 1e-9 && mesh.positions[v * 3 + 2]! < 0)
      seamUs.add(mesh.uvs[v * 2]!);
  }
  assert.ok(seamUs.has(0) && seamUs.has(1), `seam u values ${[...seamUs]}`);
  // Shape kept: bounds within 2 mm.
  const a = meshBounds(dense.positions);
  const b = meshBounds(mesh.positions);
  for (let k = 0; k < 3; k++) {
    assert.ok(
      Math.abs(a.min[k]! - b.min[k]!) < 0.002 && Math.abs(a.max[k]! - b.max[k]!) < 0.002,
      `bounds axis ${k}`,
    );
  }

  const same = await simplifyToBudget(dense, before);
  assert.equal(same.mesh, dense, 'within budget: the very same mesh');
});
