/**
 * Every preset's GLB passes the Khronos glTF validator with no error and no warning, and holds what the
 * issue asks: one textured node named after the photo, skin material, generator, metres and +Y up.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { NodeIO } from '@gltf-transform/core';
import validator from 'gltf-validator';
import sharp from 'sharp';
import {
  EXPORT_GENERATOR,
  EXPORT_PRESET_IDS,
  EXPORT_PRESETS,
  exportHead,
} from '../../src-main/engine/export';
import type { TexturedMesh } from '../../src-main/engine/geometry/textured-mesh';
import { makeHeadFixture, NOSE_HEIGHT } from '../fixtures/head-fixture';
import { removeTempDirs, tempDir } from './support';

let head: TexturedMesh;
let prior: TexturedMesh;
after(removeTempDirs);
before(async () => {
  head = await makeHeadFixture();
  prior = await makeHeadFixture({
    rings: 16,
    segments: 24,
    nose: false,
    greyTexture: true,
    textureSide: 512,
  });
});

async function validate(bytes: Uint8Array) {
  const report = await validator.validateBytes(bytes, { maxIssues: 50 });
  return report.issues;
}

for (const id of EXPORT_PRESET_IDS) {
  test(`preset ${id}: GLB is validator-clean and Y-up metres`, async () => {
    const dir = await tempDir(`validator-${id}`);
    const { files, summary } = await exportHead(
      { mesh: head, photoName: 'Eileen Collins.png' },
      dir,
      EXPORT_PRESETS[id],
    );
    const glbPath = files.find((f) => f.kind === 'export-glb')?.path;
    assert.ok(glbPath, 'a GLB is written');
    const bytes = new Uint8Array(await readFile(glbPath));
    const issues = await validate(bytes);
    assert.equal(issues.numErrors, 0, JSON.stringify(issues.messages));
    assert.equal(issues.numWarnings, 0, JSON.stringify(issues.messages));

    const doc = await new NodeIO().readBinary(bytes);
    const root = doc.getRoot();
    // (gltf-transform's reader drops the generator: read it from the raw JSON chunk)
    const { json } = await new NodeIO().binaryToJSON(bytes);
    assert.equal(json.asset.generator, EXPORT_GENERATOR);
    assert.match(EXPORT_GENERATOR, /^Gen3D-Face Studio \d+\.\d+\.\d+/);
    const [node, ...otherNodes] = root.listNodes();
    assert.equal(otherNodes.length, 0);
    assert.equal(node!.getName(), 'Eileen_Collins');
    const prim = node!.getMesh()!.listPrimitives()[0]!;
    assert.deepEqual(prim.listSemantics().sort(), ['NORMAL', 'POSITION', 'TEXCOORD_0']);
    assert.equal(prim.getAttribute('POSITION')!.getCount(), summary.vertices);
    assert.equal(prim.getIndices()!.getCount(), summary.triangles * 3);
    const material = prim.getMaterial()!;
    assert.equal(material.getMetallicFactor(), 0);
    assert.ok(Math.abs(material.getRoughnessFactor() - 0.6) < 1e-6);
    const texture = material.getBaseColorTexture()!;
    const want = EXPORT_PRESETS[id];
    assert.equal(texture.getMimeType(), want.textureFormat === 'jpeg' ? 'image/jpeg' : 'image/png');
    const meta = await sharp(Buffer.from(texture.getImage()!)).metadata();
    assert.equal(meta.width, want.textureSize);
    assert.equal(meta.height, want.textureSize);

    // glTF frame whatever the preset: metres, +Y up, face along +Z, head centred.
    const pos = prim.getAttribute('POSITION')!;
    const min = pos.getMin([0, 0, 0]);
    const max = pos.getMax([0, 0, 0]);
    assert.ok(Math.abs(max[0]! - min[0]! - 0.16) < 1e-4, `width ${max[0]! - min[0]!}`);
    assert.ok(Math.abs(max[1]! - min[1]! - 0.22) < 1e-4, `height ${max[1]! - min[1]!}`);
    assert.ok(Math.abs(max[2]! - min[2]! - (0.2 + NOSE_HEIGHT)) < 1e-4, `depth ${max[2]! - min[2]!}`);
    for (let a = 0; a < 3; a++) assert.ok(Math.abs(min[a]! + max[a]!) < 1e-5, 'centred');
    let tip = 0;
    const at = (i: number) => pos.getElement(i, [0, 0, 0]);
    for (let i = 1; i < pos.getCount(); i++) if (at(i)[2]! > at(tip)[2]!) tip = i;
    const [tx, ty] = at(tip);
    assert.ok(Math.abs(tx!) < 1e-6 && Math.abs(ty!) < 1e-6, 'nose tip on the +Z axis');
  });
}

test('GLB with the prior as a second object and a JPEG texture is validator-clean', async () => {
  const dir = await tempDir('validator-prior');
  const settings = {
    ...EXPORT_PRESETS.unreal,
    includePrior: true,
    textureFormat: 'jpeg' as const,
    textureSize: 1024 as const,
  };
  const { files } = await exportHead({ mesh: head, prior, photoName: 'astronaut.png' }, dir, settings);
  const bytes = new Uint8Array(await readFile(files.find((f) => f.kind === 'export-glb')!.path));
  const issues = await validate(bytes);
  assert.equal(issues.numErrors + issues.numWarnings, 0, JSON.stringify(issues.messages));
  const doc = await new NodeIO().readBinary(bytes);
  assert.deepEqual(
    doc
      .getRoot()
      .listNodes()
      .map((n) => n.getName()),
    ['astronaut', 'astronaut_prior'],
  );
  // The prior's texture is 512 px: never enlarged to the 1024 asked.
  const sizes = await Promise.all(
    doc
      .getRoot()
      .listTextures()
      .map(async (t) => (await sharp(Buffer.from(t.getImage()!)).metadata()).width),
  );
  assert.deepEqual(sizes, [1024, 512]);
});
