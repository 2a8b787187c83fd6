/**
 * The synthetic training data (training/data/, issue 11): deterministic from its seed, the targets
 * are real renders of a head with hair from the pack's rig, and the project's estimator finds the face
 * in the photo and gives a prior that lies on the true head in the volume frame.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { CameraRig } from '../../src-main/engine/packs/diffusion-manifest';
import { writeSyntheticHeads } from '../../training/data/make-synthetic-heads';
import type { SyntheticHeadOptions } from '../../training/data/synthetic-head';
import { scratchDir } from '../support/scratch-dir';

async function options(): Promise<SyntheticHeadOptions> {
  const rig = CameraRig.parse(JSON.parse(await readFile('training/data/head360-rig.json', 'utf8')));
  return { rig, viewSize: 128, photoSize: 384, skinTextureSize: 512, hairTextureSize: 256, inputFill: 0.78 };
}

async function digest(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      if (entry.isDirectory()) await walk(join(d, entry.name), `${rel}${entry.name}/`);
      else
        out.set(
          rel + entry.name,
          createHash('sha256')
            .update(await readFile(join(d, entry.name)))
            .digest('hex'),
        );
    }
  };
  await walk(dir, '');
  return out;
}

/** numpy .npy → its shape and the raw values after the header. */
function readNpy(bytes: Buffer): { shape: number[]; data: Buffer } {
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]!
    .split(',')
    .filter((s) => s.trim())
    .map(Number);
  return { shape, data: bytes.subarray(10 + headerLength) };
}

test(
  'synthetic heads: same seed, same bytes; real renders; a prior on the true head',
  { timeout: 240_000 },
  async () => {
    const opts = await options();
    const a = await scratchDir('synth-a');
    const b = await scratchDir('synth-b');
    const run = (out: string, start: number, count: number) =>
      writeSyntheticHeads({ out, seed: 7, start, count, options: opts, withPrior: true });
    const first = await run(a, 0, 2);
    // identity 1 made alone must equal identity 1 made after identity 0
    await run(b, 1, 1);
    const da = await digest(join(a, 'id-000001'));
    const db = await digest(join(b, 'id-000001'));
    assert.deepEqual([...db.entries()].sort(), [...da.entries()].sort(), 'identity 1 differs between runs');
    assert.equal(first.withoutPrior, 0, 'the estimator found no face in a synthetic photo');

    const dir = join(a, 'id-000000');
    const views = readNpy(await readFile(join(dir, 'views.npy')));
    assert.deepEqual(views.shape, [16, 128, 128, 3]);
    // every view shows the head: a fair share of non-white pixels, and views differ from each other
    const per = 128 * 128 * 3;
    for (let v = 0; v < 16; v++) {
      let covered = 0;
      for (let p = 0; p < 128 * 128; p++) if (views.data[v * per + p * 3]! < 245) covered++;
      assert.ok(covered > 0.1 * 128 * 128 && covered < 0.8 * 128 * 128, `view ${v}: ${covered} head pixels`);
    }
    assert.notDeepEqual(
      views.data.subarray(0, per),
      views.data.subarray(8 * per, 9 * per),
      'front and back alike',
    );

    // the prior in the volume frame: its box centred near the origin (the true head's box centre; 0.15 =
    // 6 cm for the estimator's pose and depth error), head-sized (0.15–0.35 m with the neck, × headScale 2.5)
    const vertices = readNpy(await readFile(join(dir, 'mesh_vertices.npy')));
    const xyz = new Float32Array(
      vertices.data.buffer.slice(
        vertices.data.byteOffset,
        vertices.data.byteOffset + vertices.data.byteLength,
      ),
    );
    const n = vertices.shape[0]!;
    const lo = [Infinity, Infinity, Infinity],
      hi = [-Infinity, -Infinity, -Infinity];
    for (let i = 0; i < n; i++)
      for (let k = 0; k < 3; k++) {
        lo[k] = Math.min(lo[k]!, xyz[i * 3 + k]!);
        hi[k] = Math.max(hi[k]!, xyz[i * 3 + k]!);
      }
    for (let k = 0; k < 3; k++) {
      const centre = (lo[k]! + hi[k]!) / 2;
      assert.ok(Math.abs(centre) < 0.15, `prior centre ${centre.toFixed(3)} on axis ${k}`);
      assert.ok(
        hi[k]! - lo[k]! > 0.3 && hi[k]! - lo[k]! < 1.0,
        `prior extent ${(hi[k]! - lo[k]!).toFixed(3)} on axis ${k}`,
      );
    }
    const record = JSON.parse(await readFile(join(dir, 'identity.json'), 'utf8')) as {
      prior: { fit: { confidence: number } };
    };
    assert.ok(record.prior.fit.confidence > 0.3, `fit confidence ${record.prior.fit.confidence}`);
  },
);
