/**
 * Preprocessing parity: each estimator's network input as our TypeScript makes it, beside the one
 * the official preprocessing makes (training/estimators/official_preprocessing.py: DECA's TestData
 * crop, RingNet's demo preprocessing, MICA's insightface norm_crop + blob, re-implemented in numpy
 * with OpenCV's fixed-point rounding), on the real sample photos with their real face-mesh landmarks.
 * Side-by-side PNGs (ours | official | |Δ| × 20) go to test-output/preprocessing/.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { DECA_REGRESSOR } from '../../src-main/engine/estimate/adapters/deca';
import { micaInput } from '../../src-main/engine/estimate/adapters/mica';
import {
  decaCrop,
  ibug68Points,
  ringnetCrop,
  RINGNET_FACE_BELOW_CENTRE,
} from '../../src-main/engine/estimate/adapters/official-crops';
import { RINGNET_CROP_SCALE, RINGNET_REGRESSOR } from '../../src-main/engine/estimate/adapters/ringnet';
import { regressorInput } from '../../src-main/engine/estimate/adapters/weak-perspective-regressor';
import type { CropBox, EstimatorInput, EstimatorLandmarks } from '../../src-main/engine/estimate/estimator';
import { normalisedSquare } from '../../src-main/engine/estimate/adapters/crop-sampler';
import { detectFaces } from '../../src-main/engine/estimate/landmarks/detect-faces';
import { decodeRawImage } from '../../src-main/engine/image/raw-image';
import { maxAbsDiff, ROOT } from './support/estimator-fixtures';

const run = promisify(execFile);
const OUT = path.join(ROOT, 'test-output', 'preprocessing');
const PHOTOS = ['astronaut.png', 'grace_hopper.jpg', 'cameraman.png'];
type Case = 'deca-kpt68' | 'deca-bbox' | 'ringnet' | 'mica';
/** Max |Δ| allowed, 0–255 levels: DECA float32 vs float64; RingNet and MICA both in OpenCV's 8-bit fixed point. */
const TOLERANCE: Record<Case, number> = { 'deca-kpt68': 1e-3, 'deca-bbox': 1e-3, ringnet: 0, mica: 0 };

interface Ours {
  hwc: Float32Array;
  input: Float32Array;
  size: number;
}

test('every estimator crop matches the official preprocessing on the sample photos', async (t) => {
  const started = performance.now();
  await mkdir(path.join(OUT, 'work'), { recursive: true });
  const request: { photos: unknown[] } = { photos: [] };
  const ours: Record<string, Record<Case, Ours>> = {};
  const numbers: Record<string, unknown> = {};
  const cropBoxes: Record<string, CropBox> = {};
  const landmarkSets: Record<string, EstimatorLandmarks> = {};
  for (const file of PHOTOS) {
    const name = path.parse(file).name;
    const bytes = await readFile(path.join(ROOT, 'resources', 'samples', file));
    const photo = await decodeRawImage(bytes, 3);
    const [face] = await detectFaces({ png: bytes, width: photo.width, height: photo.height });
    assert.ok(face, `a face on ${file}`);
    const [x, y, w, h] = face.box;
    const cropBox = { x, y, width: w, height: h };
    const landmarks = { layout: 'mediapipe468', points: face.landmarks, dims: 3 } as const;
    const input: EstimatorInput = { photo, cropBox, landmarks };
    cropBoxes[name] = cropBox;
    landmarkSets[name] = landmarks;
    const deca = regressorInput(DECA_REGRESSOR, input);
    const decaBox = regressorInput(DECA_REGRESSOR, { photo, cropBox });
    const ringnet = regressorInput(RINGNET_REGRESSOR, input, RINGNET_CROP_SCALE);
    const mica = micaInput(input);
    ours[name] = {
      'deca-kpt68': { hwc: deca.hwc, input: deca.pixels, size: 224 },
      'deca-bbox': { hwc: decaBox.hwc, input: decaBox.pixels, size: 224 },
      ringnet: { hwc: ringnet.hwc, input: ringnet.pixels, size: 224 },
      mica: { hwc: mica.hwc, input: mica.pixels, size: 112 },
    };
    numbers[name] = {
      box: face.box,
      'deca-kpt68': decaCrop(cropBox, 224, landmarks).info,
      'deca-bbox': decaCrop(cropBox, 224).info,
      ringnet: ringnetCrop(cropBox, 224, RINGNET_CROP_SCALE).info,
      mica: mica.five,
    };
    const rgb = path.join(OUT, 'work', `${name}.rgb`);
    await writeFile(rgb, photo.data);
    request.photos.push({
      name,
      rgb,
      width: photo.width,
      height: photo.height,
      box: face.box,
      kpt68: ibug68Points(landmarks),
      five: mica.five,
      ringnetCropScale: RINGNET_CROP_SCALE,
      ringnetFaceLow: RINGNET_FACE_BELOW_CENTRE,
    });
  }
  const requestFile = path.join(OUT, 'work', 'request.json');
  await writeFile(requestFile, JSON.stringify(request));
  const pyStarted = performance.now();
  await run('/usr/bin/python3', [
    path.join(ROOT, 'training', 'fixtures', 'official_crops.py'),
    '--request',
    requestFile,
    '--out',
    path.join(OUT, 'work'),
  ]);
  const pySeconds = (performance.now() - pyStarted) / 1000;
  const official = JSON.parse(await readFile(path.join(OUT, 'work', 'results.json'), 'utf8')) as Record<
    string,
    Record<string, Record<string, unknown>>
  >;

  const report: string[] = [];
  const failures: string[] = [];
  for (const [name, cases] of Object.entries(ours)) {
    const mine = numbers[name] as Record<string, Record<string, unknown>>;
    // the crop boxes: DECA's integer size and centre, RingNet's loose square
    for (const c of ['deca-kpt68', 'deca-bbox'] as const) {
      const a = mine[c]!;
      const b = official[name]![c]!;
      assert.equal(a.size, b.size, `${name} ${c}: size ${String(a.size)} vs official ${String(b.size)}`);
      const [ca, cb] = [a.centre as number[], b.centre as number[]];
      assert.ok(Math.hypot(ca[0]! - cb[0]!, ca[1]! - cb[1]!) < 1e-3, `${name} ${c}: centre ${ca} vs ${cb}`);
      // DECA's camera frame: normalised n ↦ crop pixel (n + 1)·112 ↦ photo through its tform's inverse
      const T = b.tform as number[][];
      const sq = normalisedSquare(
        (c === 'deca-kpt68'
          ? decaCrop(cropBoxes[name]!, 224, landmarkSets[name])
          : decaCrop(cropBoxes[name]!, 224)
        ).crop,
      );
      for (const n of [-1, 1]) {
        const p = (n + 1) * 112;
        // T = [[a, −b, tx], [b, a, ty]] without rotation here: photo = (p − t) / a
        const [px, py] = [(p - T[0]![2]!) / T[0]![0]!, (p - T[1]![2]!) / T[1]![1]!];
        const [qx, qy] = [sq.x + ((n + 1) / 2) * sq.side, sq.y + ((n + 1) / 2) * sq.side];
        assert.ok(
          Math.hypot(px - qx, py - qy) < 1e-6,
          `${name} ${c}: normalised ${n} at ${qx}, ${qy} vs ${px}, ${py}`,
        );
      }
    }
    assert.deepEqual(
      mine.ringnet,
      official[name]!.ringnet,
      `${name}: RingNet's loose crop (left, top, side) ${JSON.stringify(mine.ringnet)}`,
    );
    for (const [c, o] of Object.entries(cases) as [Case, Ours][]) {
      const ref = await readFloats(path.join(OUT, 'work', `${name}.${c}.bin`));
      const refInput = await readFloats(path.join(OUT, 'work', `${name}.${c}.input.bin`));
      const dPix = maxAbsDiff(o.hwc, ref);
      const dInput = maxAbsDiff(o.input, refInput);
      const b = mine[c] as { size?: number; centre?: number[]; side?: number; left?: number; top?: number };
      const box =
        c === 'ringnet'
          ? `loose ${b.side}px at (${b.left}, ${b.top})`
          : c === 'mica'
            ? 'five-point similarity'
            : `${(mine[c] as { path: string }).path} size ${b.size} centre (${b.centre!.map((v) => v.toFixed(1)).join(', ')})`;
      report.push(
        `${name} ${c}: ${box}; max |Δ| ${dPix.toFixed(4)} levels (input ${dInput.toExponential(2)})`,
      );
      if (dPix > TOLERANCE[c]) failures.push(`${name} ${c}: ${dPix} levels > ${TOLERANCE[c]}`);
      await sideBySide(path.join(OUT, `${c}-${name}.png`), o.hwc, ref, o.size);
    }
  }
  for (const line of report) t.diagnostic(line);
  t.diagnostic(
    `python ${pySeconds.toFixed(1)} s, whole test ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await writeFile(path.join(OUT, 'report.txt'), report.join('\n') + '\n');
  assert.deepEqual(failures, []);
});

async function readFloats(file: string): Promise<Float32Array> {
  const bytes = await readFile(file);
  const out = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** ours | official | |Δ| × 20, each `size` square, scaled to at least 224 px. */
async function sideBySide(file: string, a: Float32Array, b: Float32Array, size: number): Promise<void> {
  const gap = 4;
  const width = size * 3 + gap * 2;
  const img = new Uint8Array(width * size * 3).fill(255);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      for (let k = 0; k < 3; k++) {
        const i = (v * size + u) * 3 + k;
        const row = v * width * 3;
        img[row + u * 3 + k] = clamp(a[i]!);
        img[row + (size + gap + u) * 3 + k] = clamp(b[i]!);
        img[row + (2 * (size + gap) + u) * 3 + k] = clamp(Math.abs(a[i]! - b[i]!) * 20);
      }
    }
  }
  const scale = Math.max(1, Math.round(224 / size));
  await sharp(img, { raw: { width, height: size, channels: 3 } })
    .resize({ width: width * scale, kernel: 'nearest' })
    .png()
    .toFile(file);
}

function clamp(x: number): number {
  return Math.max(0, Math.min(255, Math.round(x)));
}
