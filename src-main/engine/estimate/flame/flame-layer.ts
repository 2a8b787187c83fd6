/**
 * FLAME in TypeScript: shape + expression blendshapes, pose correctives, and linear blend skinning
 * over 5 joints (0 global, 1 neck, 2 jaw, 3 left eye, 4 right eye) with Rodrigues rotations.
 * Arrays come from a pack written by training/convert_*.py (FLAME itself is the user's, never shipped);
 * training/flame/flame_layer.py is the reference it is tested against.
 */
import { readPackArray, hasPackArray } from '../../packs/pack-arrays';
import { PackError } from '../../packs/pack-error';
import type { VerifiedPack } from '../../packs/verify-pack';

export const FLAME_JOINTS = 5;
export const FLAME_POSE_SIZE = FLAME_JOINTS * 3;

export interface FlameArrays {
  /** V×3 */
  vTemplate: Float32Array;
  /** V×3×(nShape+nExpression), shape components first. */
  shapedirs: Float32Array;
  nShape: number;
  nExpression: number;
  /** V×3×(J−1)·9 */
  posedirs: Float32Array;
  /** J×V */
  jRegressor: Float32Array;
  /** J, −1 for the root */
  parents: Int32Array;
  /** V×J */
  weights: Float32Array;
  /** F×3 */
  faces: Uint32Array;
  /** Landmarks as barycentric points on faces (an embedding), or as plain vertex indices, or none. */
  landmarks?:
    | { kind: 'embedding'; facesIdx: Uint32Array; bary: Float32Array }
    | { kind: 'vertices'; indices: Uint32Array };
  /** FLAME's MediaPipe embedding: face-mesh point `indices[i]` lies on face `facesIdx[i]` at `bary`. */
  mediapipe?: { facesIdx: Uint32Array; bary: Float32Array; indices: Uint32Array };
  /** FLAME's UV layout (the user's head_template.obj): T×2 coords (OBJ: v up), F×3 corners per face. */
  uv?: FlameUvLayout;
}

export interface FlameUvLayout {
  coords: Float32Array;
  faces: Uint32Array;
}

export interface FlameParams {
  /** ≤ nShape coefficients (DECA/RingNet 100, MICA 300); missing ones are 0. */
  shape?: ArrayLike<number>;
  /** ≤ nExpression coefficients (50 in DECA/RingNet); missing ones are 0. */
  expression?: ArrayLike<number>;
  /** 15 axis-angle values: global, neck, jaw, left eye, right eye. Missing = rest pose. */
  pose?: ArrayLike<number>;
}

export interface FlameOutput {
  /** V×3, FLAME's frame and units (metres, +Y up, face towards +Z). */
  vertices: Float32Array;
  /** J×3 rest-pose joints of the shaped head (before posing). */
  joints: Float64Array;
}

export class FlameLayer {
  readonly vertexCount: number;
  readonly faces: Uint32Array;

  constructor(private readonly a: FlameArrays) {
    this.vertexCount = a.vTemplate.length / 3;
    this.faces = a.faces;
    const k = a.nShape + a.nExpression;
    const v = this.vertexCount;
    if (a.shapedirs.length !== v * 3 * k || a.posedirs.length !== v * 3 * (FLAME_JOINTS - 1) * 9) {
      throw new Error('FLAME arrays of inconsistent sizes');
    }
    if (
      a.jRegressor.length !== FLAME_JOINTS * v ||
      a.weights.length !== v * FLAME_JOINTS ||
      a.parents.length !== FLAME_JOINTS
    ) {
      throw new Error(`FLAME layer expects ${FLAME_JOINTS} joints`);
    }
  }

  /** Reads `flame.*` arrays from a verified pack; a wrong shape is a 'pack-mismatch' naming its file. */
  static fromPack(pack: VerifiedPack): FlameLayer {
    const vt = readPackArray(pack, 'flame.v_template', 'float32', [-1, 3]);
    const v = vt.shape[0]!;
    const sd = readPackArray(pack, 'flame.shapedirs', 'float32', [v, 3, -1]);
    const nShape = pack.manifest.flame?.nShape ?? Math.min(300, sd.shape[2]!);
    const nExpression = sd.shape[2]! - nShape;
    if (nExpression < 0) {
      throw new PackError(
        'pack-mismatch',
        pack.dir,
        'manifest.json',
        `flame.nShape ${nShape} exceeds shapedirs' ${sd.shape[2]} components.`,
      );
    }
    let landmarks: FlameArrays['landmarks'];
    if (hasPackArray(pack, 'flame.lmk_faces_idx')) {
      const idx = readPackArray(pack, 'flame.lmk_faces_idx', 'uint32', [-1]);
      const bary = readPackArray(pack, 'flame.lmk_bary_coords', 'float32', [idx.shape[0]!, 3]);
      landmarks = { kind: 'embedding', facesIdx: idx.data, bary: bary.data };
    } else if (hasPackArray(pack, 'flame.landmark_vertices')) {
      landmarks = {
        kind: 'vertices',
        indices: readPackArray(pack, 'flame.landmark_vertices', 'uint32', [-1]).data,
      };
    }
    let mediapipe: FlameArrays['mediapipe'];
    if (hasPackArray(pack, 'flame.mp_lmk_faces_idx')) {
      const idx = readPackArray(pack, 'flame.mp_lmk_faces_idx', 'uint32', [-1]);
      const n = idx.shape[0]!;
      mediapipe = {
        facesIdx: idx.data,
        bary: readPackArray(pack, 'flame.mp_lmk_bary_coords', 'float32', [n, 3]).data,
        indices: readPackArray(pack, 'flame.mp_landmark_indices', 'uint32', [n]).data,
      };
    }
    const faces = readPackArray(pack, 'flame.faces', 'uint32', [-1, 3]).data;
    let uv: FlameUvLayout | undefined;
    if (hasPackArray(pack, 'flame.uv_coords')) {
      const coords = readPackArray(pack, 'flame.uv_coords', 'float32', [-1, 2]);
      const uvFaces = readPackArray(pack, 'flame.uv_faces', 'uint32', [faces.length / 3, 3]).data;
      if (uvFaces.some((i) => i >= coords.shape[0]!)) {
        throw new PackError('pack-mismatch', pack.dir, 'flame/uv_faces.bin', 'UV indices beyond uv_coords.');
      }
      uv = { coords: coords.data, faces: uvFaces };
    }
    const maxIndex = Math.max(
      faces.reduce((m, x) => (x > m ? x : m), 0),
      landmarks?.kind === 'vertices' ? landmarks.indices.reduce((m, x) => (x > m ? x : m), 0) : 0,
    );
    if (maxIndex >= v)
      throw new PackError('pack-mismatch', pack.dir, 'flame/faces.bin', 'indices beyond the vertex count.');
    if (mediapipe?.facesIdx.some((f) => f >= faces.length / 3)) {
      throw new PackError(
        'pack-mismatch',
        pack.dir,
        'flame/mp_lmk_faces_idx.bin',
        'faces beyond the face count.',
      );
    }
    if (landmarks?.kind === 'embedding' && landmarks.facesIdx.some((f) => f >= faces.length / 3)) {
      throw new PackError(
        'pack-mismatch',
        pack.dir,
        'flame/lmk_faces_idx.bin',
        'landmark faces beyond the face count.',
      );
    }
    return new FlameLayer({
      vTemplate: vt.data,
      shapedirs: sd.data,
      nShape,
      nExpression,
      posedirs: readPackArray(pack, 'flame.posedirs', 'float32', [v, 3, (FLAME_JOINTS - 1) * 9]).data,
      jRegressor: readPackArray(pack, 'flame.J_regressor', 'float32', [FLAME_JOINTS, v]).data,
      parents: readPackArray(pack, 'flame.parents', 'int32', [FLAME_JOINTS]).data,
      weights: readPackArray(pack, 'flame.weights', 'float32', [v, FLAME_JOINTS]).data,
      faces,
      landmarks,
      mediapipe,
      uv,
    });
  }

  /** FLAME's own UV layout, when the pack carries the user's template. */
  get uvLayout(): FlameUvLayout | undefined {
    return this.a.uv;
  }

  /** MediaPipe face-mesh indices the pack's embedding covers (empty without one). */
  get mediapipeIndices(): Uint32Array {
    return this.a.mediapipe?.indices ?? new Uint32Array(0);
  }

  /** The MediaPipe-embedded points of the given vertices, in `mediapipeIndices` order (L×3). */
  mediapipeLandmarks(vertices: Float32Array): Float32Array {
    const mp = this.a.mediapipe;
    return mp ? this.barycentric(vertices, mp.facesIdx, mp.bary) : new Float32Array(0);
  }

  get nShape(): number {
    return this.a.nShape;
  }

  get nExpression(): number {
    return this.a.nExpression;
  }

  get landmarkCount(): number {
    const l = this.a.landmarks;
    return !l ? 0 : l.kind === 'embedding' ? l.facesIdx.length : l.indices.length;
  }

  forward(params: FlameParams): FlameOutput {
    const { a } = this;
    const v = this.vertexCount;
    const k = a.nShape + a.nExpression;
    const betas = new Float64Array(k);
    copyInto(betas, params.shape, 0, a.nShape, 'shape');
    copyInto(betas, params.expression, a.nShape, a.nExpression, 'expression');
    const pose = new Float64Array(FLAME_POSE_SIZE);
    copyInto(pose, params.pose, 0, FLAME_POSE_SIZE, 'pose');

    // shape + expression blendshapes
    const shaped = new Float64Array(v * 3);
    for (let r = 0; r < v * 3; r++) {
      let sum = a.vTemplate[r]!;
      const base = r * k;
      for (let c = 0; c < k; c++) sum += a.shapedirs[base + c]! * betas[c]!;
      shaped[r] = sum;
    }
    const joints = new Float64Array(FLAME_JOINTS * 3);
    for (let j = 0; j < FLAME_JOINTS; j++) {
      let x = 0;
      let y = 0;
      let z = 0;
      const row = j * v;
      for (let i = 0; i < v; i++) {
        const w = a.jRegressor[row + i]!;
        if (w === 0) continue;
        x += w * shaped[i * 3]!;
        y += w * shaped[i * 3 + 1]!;
        z += w * shaped[i * 3 + 2]!;
      }
      joints.set([x, y, z], j * 3);
    }

    const rots = Array.from({ length: FLAME_JOINTS }, (_, j) =>
      rodrigues(pose[j * 3]!, pose[j * 3 + 1]!, pose[j * 3 + 2]!),
    );
    // pose correctives: (R_j − I) of the non-root joints, row-major
    const nPose = (FLAME_JOINTS - 1) * 9;
    const poseFeature = new Float64Array(nPose);
    for (let j = 1; j < FLAME_JOINTS; j++) {
      for (let e = 0; e < 9; e++) poseFeature[(j - 1) * 9 + e] = rots[j]![e]! - (e % 4 === 0 ? 1 : 0);
    }
    const posed = new Float64Array(v * 3);
    for (let r = 0; r < v * 3; r++) {
      let sum = shaped[r]!;
      const base = r * nPose;
      for (let p = 0; p < nPose; p++) sum += a.posedirs[base + p]! * poseFeature[p]!;
      posed[r] = sum;
    }

    const skin = skinningTransforms(rots, joints, a.parents);
    const out = new Float32Array(v * 3);
    const t = new Float64Array(12);
    for (let i = 0; i < v; i++) {
      t.fill(0);
      for (let j = 0; j < FLAME_JOINTS; j++) {
        const w = a.weights[i * FLAME_JOINTS + j]!;
        if (w === 0) continue;
        const m = skin[j]!;
        for (let e = 0; e < 12; e++) t[e] = t[e]! + w * m[e]!;
      }
      const x = posed[i * 3]!;
      const y = posed[i * 3 + 1]!;
      const z = posed[i * 3 + 2]!;
      out[i * 3] = t[0]! * x + t[1]! * y + t[2]! * z + t[3]!;
      out[i * 3 + 1] = t[4]! * x + t[5]! * y + t[6]! * z + t[7]!;
      out[i * 3 + 2] = t[8]! * x + t[9]! * y + t[10]! * z + t[11]!;
    }
    return { vertices: out, joints };
  }

  /** L×3 landmarks of the given vertices (embedding: barycentric; else vertex picks); empty without any. */
  landmarks(vertices: Float32Array): Float32Array {
    const l = this.a.landmarks;
    if (!l) return new Float32Array(0);
    if (l.kind === 'vertices') {
      const out = new Float32Array(l.indices.length * 3);
      l.indices.forEach((vi, i) => out.set(vertices.subarray(vi * 3, vi * 3 + 3), i * 3));
      return out;
    }
    return this.barycentric(vertices, l.facesIdx, l.bary);
  }

  private barycentric(vertices: Float32Array, facesIdx: Uint32Array, bary: Float32Array): Float32Array {
    const out = new Float32Array(facesIdx.length * 3);
    for (let i = 0; i < facesIdx.length; i++) {
      const f = facesIdx[i]!;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let corner = 0; corner < 3; corner++) {
          sum += bary[i * 3 + corner]! * vertices[this.faces[f * 3 + corner]! * 3 + c]!;
        }
        out[i * 3 + c] = sum;
      }
    }
    return out;
  }
}

function copyInto(
  dst: Float64Array,
  src: ArrayLike<number> | undefined,
  offset: number,
  max: number,
  what: string,
): void {
  if (!src) return;
  if (src.length > max)
    throw new Error(`FLAME ${what}: ${src.length} values, this model takes at most ${max}`);
  for (let i = 0; i < src.length; i++) {
    const x = src[i]!;
    if (!Number.isFinite(x)) throw new Error(`FLAME ${what}[${i}] is not finite`);
    dst[offset + i] = x;
  }
}

/** Row-major rotation of an axis-angle vector; the 1e-8 per component matches the PyTorch reference. */
export function rodrigues(x: number, y: number, z: number): number[] {
  const angle = Math.hypot(x + 1e-8, y + 1e-8, z + 1e-8);
  const kx = x / angle;
  const ky = y / angle;
  const kz = z / angle;
  const s = Math.sin(angle);
  const c1 = 1 - Math.cos(angle);
  // R = I + sin·K + (1 − cos)·K², K the cross-product matrix of the unit axis
  const K = [0, -kz, ky, kz, 0, -kx, -ky, kx, 0];
  const K2 = [
    -(ky * ky + kz * kz),
    kx * ky,
    kx * kz,
    kx * ky,
    -(kx * kx + kz * kz),
    ky * kz,
    kx * kz,
    ky * kz,
    -(kx * kx + ky * ky),
  ];
  return K.map((k, e) => (e % 4 === 0 ? 1 : 0) + s * k + c1 * K2[e]!);
}

/** Per joint, the 3×4 row-major transform taking rest-pose points to posed points. */
function skinningTransforms(rots: number[][], joints: Float64Array, parents: Int32Array): Float64Array[] {
  const world: Float64Array[] = [];
  for (let j = 0; j < FLAME_JOINTS; j++) {
    const p = parents[j]!;
    const rel = [0, 1, 2].map((c) => joints[j * 3 + c]! - (j === 0 || p < 0 ? 0 : joints[p * 3 + c]!));
    const local = to3x4(rots[j]!, rel);
    if (j > 0 && (p < 0 || p >= j)) throw new Error('FLAME joints must be ordered parents first');
    world.push(j === 0 || p < 0 ? local : compose(world[p]!, local));
  }
  return world.map((m, j) => {
    const out = Float64Array.from(m);
    for (let r = 0; r < 3; r++) {
      const rj =
        m[r * 4]! * joints[j * 3]! + m[r * 4 + 1]! * joints[j * 3 + 1]! + m[r * 4 + 2]! * joints[j * 3 + 2]!;
      out[r * 4 + 3] = m[r * 4 + 3]! - rj;
    }
    return out;
  });
}

function to3x4(R: number[], t: number[]): Float64Array {
  return Float64Array.from([
    R[0]!,
    R[1]!,
    R[2]!,
    t[0]!,
    R[3]!,
    R[4]!,
    R[5]!,
    t[1]!,
    R[6]!,
    R[7]!,
    R[8]!,
    t[2]!,
  ]);
}

function compose(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 4; c++) {
      let sum = c === 3 ? a[r * 4 + 3]! : 0;
      for (let k = 0; k < 3; k++) sum += a[r * 4 + k]! * b[k * 4 + c]!;
      out[r * 4 + c] = sum;
    }
  }
  return out;
}
