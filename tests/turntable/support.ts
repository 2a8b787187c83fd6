/**
 * The turntable check of real photos, shared by the turntable test files: the photos through one CLI
 * batch (one engine for all, as an artist's folder would run), each exported GLB read back and turned
 * all the way round (0, 45 … 315°) on the project's renderer and in real Blender. Asserts what must
 * hold from every side; the strips are saved under test-output/turntable/ — look at them.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { NodeIO } from '@gltf-transform/core';
import sharp from 'sharp';
import { renderViews, viewPng, viewStripPng } from '../../src-main/engine/pipeline/render-views';
import type { RenderableObject } from '../../src-main/engine/pipeline/render-views';
import {
  describeFaces,
  descriptorDistance,
  SAME_PERSON_DISTANCE,
} from '../../src-main/engine/metrics/face-descriptor';
import { measureFlatness } from '../../src-main/engine/generate/prior-projection/flatness';
import { TURNED_FACE_DEG } from '../../src-main/shared/photo-pose';
import { HAIR_FIT_GOOD } from '../../src-main/shared/hair-fit';
import { photoBaseName, safeFileStem } from '../../src-main/shared/file-names';

const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'bin/gen3dface.mjs');
const OUT = path.join(ROOT, 'test-output/turntable');
const AZIMUTHS = [0, 45, 90, 135, 180, 225, 270, 315];
const BACK = new Set([135, 180, 225]);
/** Both sides at 45° from the front. */
export const BOTH_SIDES = [45, 315] as const;
/** Where the person must still be recognised (each photo says at which of them it is asserted). */
const IDENTITY = new Set<number>(BOTH_SIDES);
/**
 * Flatness (prior-projection/flatness.ts: 7×7 colour deviation under 2/255, unlit): a flat-filled
 * head scores ~100 % from behind; the old bake 85–94 % there.
 */
const MAX_FLAT_SHARE = 0.5;

export interface TurntablePhoto {
  name: string;
  file: string;
  /**
   * The views of IDENTITY where the face descriptor's same-person line is asserted; the others are
   * printed only. Both, unless the photo does not show that side of the face well enough to tell.
   */
  identityAt: readonly number[];
  /** The hairstyle the fit must choose, when the photo leaves no doubt (or the ones it may). */
  hairStyle?: string | readonly string[];
  /** The photo is turned past TURNED_FACE_DEG: the CLI must say so. */
  turned?: boolean;
  /** A beard hangs below the chin: it must be modelled (hair-report's `beard`); no other photo gets one. */
  beard?: boolean;
  /** The hair fit's silhouette IoU must reach this (default HAIR_IOU_AIM; lower only with a reason). */
  minHairIou?: number;
}
/** Issue 8's aim for the hair's silhouette IoU in the photo's view. */
const HAIR_IOU_AIM = 0.8;
/** The modelled beard's silhouette against the photo's beard, in the photo's view, at least. */
const BEARD_IOU = 0.7;

async function readGlbObjects(glb: Buffer): Promise<(RenderableObject & { name: string })[]> {
  const doc = await new NodeIO().readBinary(glb);
  const objects: (RenderableObject & { name: string })[] = [];
  for (const node of doc.getRoot().listNodes()) {
    const mesh = node.getMesh();
    if (!mesh) continue;
    for (const prim of mesh.listPrimitives()) {
      const image = prim.getMaterial()?.getBaseColorTexture()?.getImage();
      assert.ok(image, `${node.getName()} has no base-colour texture`);
      objects.push({
        name: node.getName(),
        positions: prim.getAttribute('POSITION')!.getArray() as Float32Array,
        uvs: prim.getAttribute('TEXCOORD_0')!.getArray() as Float32Array,
        indices: Uint32Array.from(prim.getIndices()!.getArray()!),
        texturePng: await sharp(Buffer.from(image)).png().toBuffer(),
      });
    }
  }
  return objects;
}

interface BlenderTurntable {
  file: string;
  blender: string;
  objects: { name: string; closed: boolean; textured: boolean; boundary_edges: number }[];
  views: string[];
}

/** Blender's turntable of each GLB into its out dir: one Blender for them all (its start is ~3 s). */
async function blenderTurntables(
  jobs: { glb: string; outDir: string }[],
): Promise<Map<string, BlenderTurntable>> {
  const script = path.join(ROOT, 'scripts/blender/render_turntable.py');
  const args = ['-b', '--factory-startup', '--python-exit-code', '1', '--python', script, '--'];
  const files = jobs.flatMap((j) => [j.glb, j.outDir]);
  const { stdout } = await promisify(execFile)(
    'blender',
    [...args, String(AZIMUTHS.length), '256', ...files],
    {
      maxBuffer: 64 << 20,
      timeout: 60_000 * Math.max(1, jobs.length),
    },
  );
  const results = stdout
    .split('\n')
    .filter((l) => l.startsWith('TURNTABLE_JSON '))
    .map((l) => JSON.parse(l.slice('TURNTABLE_JSON '.length)) as BlenderTurntable);
  return new Map(results.map((r) => [r.file, r]));
}

async function stripOfFiles(files: string[]): Promise<Buffer> {
  const size = (await sharp(files[0]!).metadata()).width!;
  return sharp({ create: { width: size * files.length, height: size, channels: 3, background: '#fff' } })
    .composite(files.map((f, i) => ({ input: f, left: i * size, top: 0 })))
    .png()
    .toBuffer();
}

/** The CLI's batch run: one sub-folder per photo under `out`, and all it printed. */
interface TurntableBatch {
  out: string;
  status: number | null;
  stdout: string;
  /** Blender's turntable of each GLB the batch wrote, by GLB path (or why Blender failed). */
  blender: Map<string, BlenderTurntable> | Error;
}

/** All photos in one CLI batch: GLB only and no quality figures, which this test computes itself. */
function generateHeads(photos: TurntablePhoto[], out: string): TurntableBatch {
  const files = photos.map((p) => p.file);
  const args = [CLI, 'generate', ...files, '--out', out, '--format', 'glb', '--metrics', 'off'];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 150_000 * photos.length });
  return { out, status: run.status, stdout: run.stdout + run.stderr, blender: new Map() };
}

/** The batch's sub-folder for a photo, named as the CLI names it (cli/main.ts). */
const photoOut = (batch: TurntableBatch, photo: TurntablePhoto): string =>
  path.join(batch.out, safeFileStem(photoBaseName(photo.file)));

async function glbIn(dir: string): Promise<string | undefined> {
  const glb = (await readdir(dir).catch(() => [])).find((f) => f.endsWith('.glb'));
  return glb && path.join(dir, glb);
}

/** The batch's lines about one photo (the CLI labels them "[i/n] file: …"). */
function linesOf(batch: TurntableBatch, index: number, count: number, file: string): string {
  const label = `[${index + 1}/${count}] ${path.basename(file)}`;
  return batch.stdout
    .split('\n')
    .filter((line) => line.startsWith(label))
    .join('\n');
}

/** One test per photo, over one CLI batch of them all (its folders removed afterwards). */
export function describeTurntable(title: string, photos: TurntablePhoto[]): void {
  describe(title, { concurrency: 1 }, () => {
    let batch: TurntableBatch;
    before(
      async () => {
        await mkdir(OUT, { recursive: true });
        batch = generateHeads(photos, await mkdtemp(path.join(tmpdir(), 'turntable-')));
        const jobs = [];
        for (const photo of photos) {
          const glb = await glbIn(photoOut(batch, photo));
          if (glb) jobs.push({ glb, outDir: path.join(photoOut(batch, photo), 'blender') });
        }
        batch.blender = await blenderTurntables(jobs).catch((e: unknown) =>
          e instanceof Error ? e : new Error(String(e)),
        );
      },
      { timeout: 150_000 * photos.length },
    );
    after(() => rm(batch.out, { recursive: true, force: true }));
    for (const [i, photo] of photos.entries()) {
      it(`${photo.name}: closed, textured, no face at the back, the person at 45°`, () =>
        checkTurntable(photo, batch, linesOf(batch, i, photos.length, photo.file)));
    }
  });
}

async function checkTurntable(photo: TurntablePhoto, batch: TurntableBatch, stdout: string): Promise<void> {
  const out = photoOut(batch, photo);
  assert.ok(/: wrote /.test(stdout), `no head for ${photo.name} (exit ${batch.status}):\n${batch.stdout}`);
  // A photo turned past TURNED_FACE_DEG (the cameraman) is told its head is partly guessed; no other.
  const { estimate, hair } = JSON.parse(await readFile(path.join(out, 'report.json'), 'utf8')) as {
    estimate: { pose: { yaw: number } };
    hair: { style: string; iou: number; beard: { lengthM: number; iou: number } | null };
  };
  const turned = Math.abs(estimate.pose.yaw) > TURNED_FACE_DEG;
  assert.equal(turned, photo.turned ?? false, `fitted yaw ${estimate.pose.yaw}°`);
  assert.equal(/note: The face is turned \d+° to the (left|right)/.test(stdout), turned, stdout);
  // A poor hair fit is said too (kpa_new_wave's outline, the wood beside him taken for hair: ~0.6).
  console.log(`turntable ${photo.name}: hair ${hair.style} IoU ${hair.iou.toFixed(3)}`);
  if (photo.hairStyle) assert.ok([photo.hairStyle].flat().includes(hair.style), `hair ${hair.style}`);
  const minIou = photo.minHairIou ?? HAIR_IOU_AIM;
  assert.ok(hair.iou >= minIou, `hair silhouette IoU ${hair.iou.toFixed(3)} under ${minIou}`);
  assert.equal(/note: The hair \(\S+\) matches/.test(stdout), hair.iou < HAIR_FIT_GOOD, stdout);
  assert.equal(hair.beard !== null, photo.beard ?? false, `beard ${JSON.stringify(hair.beard)}`);
  if (hair.beard) {
    console.log(
      `turntable ${photo.name}: beard ${(hair.beard.lengthM * 100).toFixed(0)} cm, IoU ${hair.beard.iou.toFixed(3)}`,
    );
    assert.ok(hair.beard.iou >= BEARD_IOU, `beard silhouette IoU ${hair.beard.iou}`);
  }
  const glbFile = (await glbIn(out))!;
  const glb = await readFile(glbFile);

  // The project's renderer, from every side: lit for the eye, unlit for flatness.
  const objects = await readGlbObjects(glb);
  assert.deepEqual(
    objects.map((o) => o.name).filter((n) => n === 'hair'),
    ['hair'],
    `objects: ${objects.map((o) => o.name).join(', ')}`,
  );
  const views = await renderViews(objects, AZIMUTHS, { size: 384 });
  await sharp(await viewStripPng(views)).toFile(path.join(OUT, `${photo.name}-ours.png`));
  const unlit = await renderViews(objects, AZIMUTHS, { size: 512, shading: 'none' });
  const flat = unlit.map((v) => measureFlatness(v.image, v.covered).flatShare);
  console.log(
    `turntable ${photo.name}: flat share per view ${flat.map((f) => `${(f * 100).toFixed(0)} %`).join(' ')}`,
  );
  for (const [i, f] of flat.entries())
    assert.ok(f <= MAX_FLAT_SHARE, `${AZIMUTHS[i]}°: ${(f * 100).toFixed(0)} % of the head is flat colour`);

  // Real Blender: import, weld seams, closed surfaces with their textures; its renders saved.
  const blenderDir = path.join(out, 'blender');
  if (batch.blender instanceof Error) throw batch.blender;
  const blender = batch.blender.get(glbFile);
  assert.ok(blender, `Blender did not turn ${glbFile} round`);
  await sharp(await stripOfFiles(blender.views.map((v) => path.join(blenderDir, v)))).toFile(
    path.join(OUT, `${photo.name}-blender.png`),
  );
  assert.equal(blender.objects.length, objects.length, JSON.stringify(blender.objects));
  for (const o of blender.objects) {
    assert.ok(o.closed, `${o.name} is open in Blender: ${o.boundary_edges} boundary edges`);
    assert.ok(o.textured, `${o.name} has no texture in Blender`);
  }

  // Janus check: no face where the back of the head is; the person still there at ±45°.
  assert.ok(
    photo.identityAt.every((az) => IDENTITY.has(az)),
    `identity is measured at ${[...IDENTITY].join('°, ')}° only`,
  );
  const reference = (await describeFaces(await readFile(photo.file)))[0];
  assert.ok(reference, 'no face in the test photo itself');
  const distances: string[] = [];
  for (const view of views) {
    // The front and the profiles are looked at, not measured: no descriptor is spent on them.
    if (!BACK.has(view.azimuthDeg) && !IDENTITY.has(view.azimuthDeg)) continue;
    const faces = await describeFaces(await viewPng(view));
    if (BACK.has(view.azimuthDeg)) {
      assert.equal(faces.length, 0, `a face at ${view.azimuthDeg}° (the back of the head)`);
      continue;
    }
    const d = faces[0] ? descriptorDistance(reference.descriptor, faces[0].descriptor) : Infinity;
    distances.push(`${view.azimuthDeg}°: ${d.toFixed(3)}`);
    if (photo.identityAt.includes(view.azimuthDeg))
      assert.ok(d < SAME_PERSON_DISTANCE, `${view.azimuthDeg}° view is not the person (distance ${d})`);
  }
  console.log(`turntable ${photo.name}: descriptor distance to the photo ${distances.join(', ')}`);
}
