/**
 * Real Blender (headless, Debian's 3.4) imports every preset's GLB and OBJ: counts, UVs, a loaded image
 * bound to Base Color, winding, size and which way the face looks, as Blender sees them.
 * Blender is Z-up with "front" looking along +Y, so a correctly imported face looks along -Y.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import {
  EXPORT_PRESET_IDS,
  EXPORT_PRESETS,
  exportHead,
  type ExportResult,
} from '../../src-main/engine/export';
import type { ExportSettings } from '../../src-main/shared/protocol';
import { makeHeadFixture } from '../fixtures/head-fixture';
import {
  importInBlender,
  parseObj,
  removeTempDirs,
  tempDir,
  type BlenderCheck,
  type BlenderObject,
} from './support';

interface Case {
  label: string;
  settings: ExportSettings;
  result: ExportResult;
  objVertices?: number;
}

const cases: Case[] = [];
const checks = new Map<string, BlenderCheck>(); // `${label} ${format}` → what Blender saw

after(removeTempDirs);
before(async () => {
  const head = await makeHeadFixture();
  const prior = await makeHeadFixture({
    rings: 16,
    segments: 24,
    nose: false,
    greyTexture: true,
    textureSide: 512,
  });
  const imports: { key: string; file: string; format: 'glb' | 'obj' | 'obj-zup' }[] = [];
  const variants: [string, ExportSettings][] = EXPORT_PRESET_IDS.map((id) => [
    id,
    { ...EXPORT_PRESETS[id], includePrior: true },
  ]);
  variants.push(['blender+budget', { ...EXPORT_PRESETS.blender, triangleBudget: 2000 }]);
  for (const [label, settings] of variants) {
    const result = await exportHead(
      { mesh: head, prior, photoName: 'astronaut.png' },
      await tempDir(`blender-${label}`),
      settings,
    );
    const c: Case = { label, settings, result };
    for (const f of result.files) {
      if (f.kind === 'export-glb') imports.push({ key: `${label} glb`, file: f.path, format: 'glb' });
      if (f.kind === 'export-obj') {
        c.objVertices = parseObj(await readFile(f.path, 'utf8')).objects[0]!.v;
        // Import the way the file is meant to be read: Z-up files with Forward Y / Up Z, Y-up with defaults.
        imports.push({
          key: `${label} obj`,
          file: f.path,
          format: settings.upAxis === 'Z' ? 'obj-zup' : 'obj',
        });
      }
    }
    cases.push(c);
  }
  // What a user gets who imports the Z-up OBJ with the importer's default axes (it assumes Y-up).
  const blenderObj = cases[0]!.result.files.find((f) => f.kind === 'export-obj')!;
  imports.push({ key: 'blender obj-default-axes', file: blenderObj.path, format: 'obj' });

  const started = Date.now();
  const seen = await importInBlender(imports);
  console.log(`Blender imported ${imports.length} files in ${Date.now() - started} ms`);
  imports.forEach((imp, i) => checks.set(imp.key, seen[i]!));
  for (const [key, check] of checks) {
    const h = check.objects.find((o) => o.name === 'astronaut');
    console.log(
      `${key.padEnd(28)} objects=${check.objects.map((o) => o.name).join(',')} v=${h?.vertices} f=${h?.faces}` +
        ` dims=${h?.dimensions.map((d) => d.toFixed(3)).join('×')} nose=${h?.nose_axis}` +
        ` tex=${h?.textures[0]?.image_size.join('x')} linked=${h?.textures[0]?.base_color_linked}`,
    );
  }
});

function headIn(key: string): BlenderObject {
  const check = checks.get(key);
  assert.ok(check, `Blender checked ${key}`);
  const head = check.objects.find((o) => o.name === 'astronaut');
  assert.ok(head, `${key}: an object named after the photo (${check.objects.map((o) => o.name)})`);
  return head;
}

function assertTexturedHead(key: string, head: BlenderObject, textureSize: number) {
  assert.equal(head.faces, head.triangles, `${key}: triangles only`);
  assert.ok(head.has_uv, `${key}: UVs`);
  const [tex] = head.textures;
  assert.ok(tex?.image, `${key}: an Image Texture node with an image`);
  assert.deepEqual(tex.image_size, [textureSize, textureSize], `${key}: the image loaded`);
  assert.ok(tex.base_color_linked, `${key}: image drives Base Color`);
  assert.ok(Math.abs(tex.roughness! - 0.6) < 0.01 && tex.metallic === 0, `${key}: skin material`);
  assert.ok(head.outward_faces > 0.999, `${key}: faces wound outward (${head.outward_faces})`);
  // Texture not upside down: the top of the head samples the top of the image (Blender's v = 1).
  assert.ok(
    head.uv_v_top! > 0.95 && head.uv_v_bottom! < 0.05,
    `${key}: v flip (${head.uv_v_top}, ${head.uv_v_bottom})`,
  );
}

/** Width (Blender X), depth (Y, nose included) and height (Z) of the fixture head, in metres. */
function assertPlacement(key: string, head: BlenderObject, scale: number) {
  const [w, d, h] = head.dimensions.map((x) => x / scale) as [number, number, number];
  assert.ok(w >= 0.15 && w <= 0.35, `${key}: head width ${w} m`);
  assert.ok(
    Math.abs(w - 0.16) < 1e-3 && Math.abs(d - 0.235) < 1e-3 && Math.abs(h - 0.22) < 1e-3,
    `${key}: ${head.dimensions}`,
  );
  assert.equal(head.nose_axis, '-Y', `${key}: the face looks along Blender's -Y (front view)`);
}

test('every preset GLB imports into Blender: counts, texture, metres, facing -Y', () => {
  for (const c of cases) {
    if (!c.settings.formats.includes('glb')) continue;
    const key = `${c.label} glb`;
    const head = headIn(key);
    assert.equal(head.vertices, c.result.summary.vertices, `${key}: vertex count`);
    assert.equal(head.triangles, c.result.summary.triangles, `${key}: triangle count`);
    assertTexturedHead(key, head, c.settings.textureSize);
    assertPlacement(key, head, 1); // glTF is metres whatever the preset's unit (presets.ts)
    if (c.settings.includePrior) {
      assert.ok(
        checks.get(key)!.objects.some((o) => o.name === 'astronaut_prior' && o.has_uv),
        `${key}: prior object`,
      );
    }
  }
});

test('every preset OBJ imports into Blender: counts, texture, unit, facing -Y', () => {
  for (const c of cases) {
    if (!c.settings.formats.includes('obj')) continue;
    const key = `${c.label} obj`;
    const head = headIn(key);
    // OBJ shares a `v` between vertices split only by the UV seam: Blender sees the welded count.
    assert.equal(head.vertices, c.objVertices, `${key}: vertex count`);
    assert.ok(head.vertices < c.result.summary.vertices, `${key}: welded across the seam`);
    assert.equal(head.triangles, c.result.summary.triangles, `${key}: triangle count`);
    assertTexturedHead(key, head, c.settings.textureSize);
    assertPlacement(key, head, c.settings.units === 'cm' ? 100 : 1);
  }
});

test('a Z-up OBJ read with the importer default axes (Y-up) ends up face-down: the axis option matters', () => {
  const head = headIn('blender obj-default-axes');
  assert.equal(head.nose_axis, '-Z');
});

test('the triangle budget holds through Blender', () => {
  const c = cases.find((x) => x.label === 'blender+budget')!;
  assert.ok(c.result.summary.triangles <= 2000 && c.result.summary.simplifiedFrom! > 2000);
  for (const format of ['glb', 'obj']) {
    const head = headIn(`blender+budget ${format}`);
    assert.equal(head.triangles, c.result.summary.triangles);
    assertTexturedHead(`blender+budget ${format}`, head, 2048);
  }
});
