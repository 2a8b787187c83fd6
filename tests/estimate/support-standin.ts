/**
 * A stand-in for a FLAME estimator's surface: the built-in head with a known, visible deformation
 * (a longer nose, a wider jaw), its MediaPipe landmarks embedded exactly as the head embeds them.
 */
import { createHash } from 'node:crypto';
import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HeadModel } from '../../src-main/engine/geometry/head-model';
import { modelLandmarks } from '../../src-main/engine/geometry/head-model';

export const NOSE_EXTRA_M = 0.008;
export const JAW_EXTRA = 0.12;

/** The mean head with the nose pulled 8 mm forward and the jaw widened 12 %, both faded smoothly. */
export function deformedHead(model: HeadModel, base: Float32Array = model.positions): Float32Array {
  const out = Float32Array.from(base);
  const lm = modelLandmarks(model, base);
  const tip = model.namedLandmarks.noseTip![0]!;
  const chin = model.namedLandmarks.chin![0]!;
  const [tx, ty, tz] = [lm[tip * 3]!, lm[tip * 3 + 1]!, lm[tip * 3 + 2]!];
  const chinY = lm[chin * 3 + 1]!;
  for (let v = 0; v < model.vertexCount; v++) {
    const x = base[v * 3]!;
    const y = base[v * 3 + 1]!;
    const z = base[v * 3 + 2]!;
    const dn = Math.hypot(x - tx, y - ty, z - tz);
    out[v * 3 + 2] = z + NOSE_EXTRA_M * Math.exp(-((dn / 0.012) ** 2));
    // jaw: below the nose, in front of the ears, widen x; strongest at the jaw line
    const below = Math.min(1, Math.max(0, (ty - y) / (ty - chinY)));
    const front = Math.min(1, Math.max(0, (z + 0.02) / 0.06));
    out[v * 3] = x * (1 + JAW_EXTRA * below * front);
  }
  return out;
}

/**
 * A copy of a real DECA pack (random weights of the official shapes) whose FLAME is the stand-in:
 * template = `template` on the head's triangles, no shape/expression/pose blendshapes, all skinning
 * on the root (so the network's jaw does nothing), and the head's own MediaPipe embedding.
 */
export async function writeStandInPack(
  sourcePack: string,
  outPack: string,
  model: HeadModel,
  template: Float32Array,
): Promise<void> {
  await cp(sourcePack, outPack, { recursive: true });
  const manifestFile = path.join(outPack, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {
    files: { path: string; bytes: number; sha256: string }[];
    arrays: Record<string, { file: string; dtype: string; shape: number[] }>;
  };
  const v = model.vertexCount;
  const k = manifest.arrays['flame.shapedirs']!.shape[2]!;
  const jRegressor = new Float32Array(5 * v).fill(1 / v);
  const weights = new Float32Array(v * 5);
  for (let i = 0; i < v; i++) weights[i * 5] = 1;
  const arrays: Record<string, [Float32Array | Uint32Array, number[]]> = {
    'flame.v_template': [template, [v, 3]],
    'flame.shapedirs': [new Float32Array(v * 3 * k), [v, 3, k]],
    'flame.posedirs': [new Float32Array(v * 3 * 36), [v, 3, 36]],
    'flame.J_regressor': [jRegressor, [5, v]],
    'flame.weights': [weights, [v, 5]],
    'flame.faces': [model.triangles, [model.triangles.length / 3, 3]],
    'flame.mp_lmk_faces_idx': [model.landmarkTriangle, [468]],
    'flame.mp_lmk_bary_coords': [model.landmarkBary, [468, 3]],
    'flame.mp_landmark_indices': [Uint32Array.from({ length: 468 }, (_, i) => i), [468]],
    // The head's own UV layout as FLAME's template (OBJ convention: v up).
    'flame.uv_coords': [model.uvs.map((x, i) => (i % 2 ? 1 - x : x)), [model.uvs.length / 2, 2]],
    'flame.uv_faces': [model.uvTriangles, [model.uvTriangles.length / 3, 3]],
  };
  for (const [name, [data, shape]] of Object.entries(arrays)) {
    // Arrays the source pack lacks (a DECA pack made without FLAME's MediaPipe embedding) are added.
    const spec = (manifest.arrays[name] ??= {
      file: `flame/${name.slice('flame.'.length)}.bin`,
      dtype: data instanceof Float32Array ? 'float32' : 'uint32',
      shape,
    });
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    await writeFile(path.join(outPack, spec.file), bytes);
    spec.shape = shape;
    let entry = manifest.files.find((f) => f.path === spec.file);
    if (!entry) manifest.files.push((entry = { path: spec.file, bytes: 0, sha256: '' }));
    entry.bytes = bytes.byteLength;
    entry.sha256 = createHash('sha256').update(bytes).digest('hex');
  }
  await writeFile(manifestFile, JSON.stringify(manifest, null, 2));
}
