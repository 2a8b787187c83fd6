/**
 * One synthetic identity end to end: its head and hair built and textured, rendered lit from the
 * pack's rig (the training targets) and from the "photo" camera, then — as the paper does — the
 * project's own estimator run on the photo for the mesh prior, and the networks' inputs made from it
 * exactly as the engine makes them at inference (input crop, prior in the volume frame, photo colours).
 */
import sharp from 'sharp';
import { orbitCamera, type PinholeCamera } from '../../src-main/engine/geometry/camera';
import { shapedPositions, type HeadModel } from '../../src-main/engine/geometry/head-model';
import { meshBounds } from '../../src-main/engine/geometry/textured-mesh';
import {
  createBuiltinEstimator,
  type BuiltinEstimator,
} from '../../src-main/engine/estimate/builtin/builtin-estimator';
import { detectFaces } from '../../src-main/engine/estimate/landmarks/detect-faces';
import { photoDepth } from '../../src-main/engine/generate/prior-projection/photo-projection';
import { buildTexturedHead } from '../../src-main/engine/generate/prior-projection/bake-head-texture';
import { cropInputView } from '../../src-main/engine/generate/multiview-diffusion/input-view';
import {
  cameraElevationDeg,
  headFrameOrigin,
  meshPhotoColours,
  toVolumeFrame,
} from '../../src-main/engine/generate/multiview-diffusion/mesh-inputs';
import {
  camerasFile,
  type CamerasFile,
} from '../../src-main/engine/generate/multiview-diffusion/rig-cameras';
import type { CameraRig } from '../../src-main/engine/packs/diffusion-manifest';
import { drawIdentity, type SyntheticIdentity } from './draw-identity';
import { identityHair } from './identity-hair';
import { paintSkinTexture } from './paint-skin';
import { randomSource } from './seeded-random';
import { renderLit, type LitImage, type LitObject } from './render-lit';

export interface SyntheticHeadOptions {
  rig: CameraRig;
  /** Side of the rig views (the pack's image size). */
  viewSize: number;
  /** Side of the square "photo". */
  photoSize: number;
  skinTextureSize: number;
  hairTextureSize: number;
  /** The input crop as the pack's manifest says (alpha-bbox fill). */
  inputFill: number;
  /** Also the condition image at this side (the pack's conditionResolution), if not viewSize. */
  conditionSize?: number;
  supersample?: number;
}

export interface PriorInputs {
  /** The estimator's view of the photo. */
  fit: { yawDeg: number; pitchDeg: number; rollDeg: number; confidence: number; reprojectionPx: number };
  /** Network inputs as the engine makes them (RGB HWC uint8). */
  inputView: Uint8Array;
  conditionView?: Uint8Array;
  /** Prior vertices in the volume frame of the TRUE head (N×3), its photo colours (N×4). */
  meshVertices: Float32Array;
  meshColour: Float32Array;
  inputElevationDeg: number;
}

export interface SyntheticHead {
  identity: SyntheticIdentity;
  photo: LitImage;
  photoCamera: PinholeCamera;
  views: LitImage[];
  cameras: CamerasFile;
  /** Null when the estimator found no face in the photo (the identity is then left out of training). */
  prior: PriorInputs | null;
  priorProblem?: string;
}

/** The shaped head as the generator exports it (seams split per UV vertex, closed-surface normals). */
function litHead(model: HeadModel, positions: Float32Array, texture: LitObject['texture']): LitObject {
  const mesh = buildTexturedHead({ positions, model, texturePng: Buffer.alloc(0) });
  return { positions: mesh.positions, uvs: mesh.uvs, indices: mesh.indices, normals: mesh.normals!, texture };
}

function shifted(object: LitObject, origin: readonly number[]): LitObject {
  return { ...object, positions: object.positions.map((v, i) => v - origin[i % 3]!) };
}

function rigCamera(view: CamerasFile['views'][number], size: number): PinholeCamera {
  return {
    fx: view.K[0]!,
    fy: view.K[4]!,
    cx: view.K[2]!,
    cy: view.K[5]!,
    R: view.R,
    t: view.t,
    width: size,
    height: size,
  };
}

/**
 * The fitted prior carried into the photo camera's world (the true head's centred frame). The fit
 * chooses its own focal length, so its depth is off by about f_fit / f_true: the prior is moved
 * rigidly along its line of sight to the depth the true focal length implies, keeping where its centre
 * projects — its shape, rotation and image placement stay the estimator's own.
 */
function priorInPhotoFrame(positions: Float32Array, fit: PinholeCamera, photo: PinholeCamera): Float32Array {
  const n = positions.length / 3;
  const cam = new Float64Array(positions.length);
  const centre = [0, 0, 0];
  for (let i = 0; i < n; i++)
    for (let r = 0; r < 3; r++) {
      const v =
        fit.R[r * 3]! * positions[i * 3]! +
        fit.R[r * 3 + 1]! * positions[i * 3 + 1]! +
        fit.R[r * 3 + 2]! * positions[i * 3 + 2]! +
        fit.t[r]!;
      cam[i * 3 + r] = v;
      centre[r] = centre[r]! + v / n;
    }
  const [cx, cy, cz] = centre as [number, number, number];
  const u = (fit.fx * cx) / cz + fit.cx,
    v = (fit.fy * cy) / cz + fit.cy;
  const z = (cz * photo.fx) / fit.fx;
  const moved = [((u - photo.cx) * z) / photo.fx - cx, ((v - photo.cy) * z) / photo.fy - cy, z - cz];
  const out = new Float32Array(positions.length);
  const c = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < 3; r++) c[r] = cam[i * 3 + r]! + moved[r]! - photo.t[r]!;
    for (let k = 0; k < 3; k++)
      out[i * 3 + k] = photo.R[k]! * c[0]! + photo.R[3 + k]! * c[1]! + photo.R[6 + k]! * c[2]!;
  }
  return out;
}

async function pngOf(image: LitImage, withAlpha: boolean): Promise<Buffer> {
  const { width, height } = image;
  if (!withAlpha)
    return sharp(image.rgb, { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(image.rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = image.alpha[p]!;
  }
  return sharp(rgba, { raw: { width, height, channels: 4 } })
    .png()
    .toBuffer();
}

export { pngOf };

let estimator: Promise<BuiltinEstimator> | undefined;

async function estimatePrior(
  model: HeadModel,
  photo: LitImage,
  photoCamera: PinholeCamera,
  options: SyntheticHeadOptions,
): Promise<PriorInputs | string> {
  const png = await pngOf(photo, false);
  const faces = await detectFaces({ png, width: photo.width, height: photo.height });
  if (faces.length !== 1) return `${faces.length} faces found in the photo`;
  const face = faces[0]!;
  const mask = Uint8Array.from(photo.alpha, (a) => (a >= 128 ? 255 : 0));
  estimator ??= createBuiltinEstimator();
  const fit = (await estimator).fit({
    photo: { data: photo.rgb, width: photo.width, height: photo.height },
    mask,
    cropBox: { x: face.box[0], y: face.box[1], width: face.box[2], height: face.box[3] },
    landmarks: { layout: 'mediapipe468', points: face.landmarks, dims: 3 },
  });
  const maskImage = { data: mask, width: photo.width, height: photo.height };
  const cutout = await pngOf(photo, true);
  const crop = { mode: 'alpha-bbox' as const, fill: options.inputFill };
  const inputView = (await cropInputView(cutout, maskImage, options.viewSize, crop)).rgb;
  const conditionView =
    options.conditionSize && options.conditionSize !== options.viewSize
      ? (await cropInputView(cutout, maskImage, options.conditionSize, crop)).rgb
      : undefined;
  const rgba = new Uint8Array(photo.width * photo.height * 4);
  for (let p = 0; p < mask.length; p++) {
    rgba.set(photo.rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = mask[p]!;
  }
  const depth = await photoDepth(fit.positions, model.triangles, fit.camera, photo.width, photo.height);
  const meshColour = meshPhotoColours({
    positions: fit.positions,
    indices: model.triangles,
    camera: fit.camera,
    photo: { data: rgba, width: photo.width, height: photo.height },
    depth,
  });
  // The prior as the estimator placed it, carried through the photo's camera into the true head's
  // (centred) frame: its misplacement is what the network learns to correct.
  const inTruth = priorInPhotoFrame(fit.positions, fit.camera, photoCamera);
  return {
    fit: {
      yawDeg: fit.pose.yaw,
      pitchDeg: fit.pose.pitch,
      rollDeg: fit.pose.roll,
      confidence: fit.confidence,
      reprojectionPx: fit.reprojectionError.medianPx,
    },
    inputView,
    ...(conditionView ? { conditionView } : {}),
    meshVertices: toVolumeFrame(inTruth, [0, 0, 0], options.rig.headScale),
    meshColour,
    inputElevationDeg: cameraElevationDeg(fit.camera, headFrameOrigin(fit.positions)),
  };
}

export async function makeSyntheticHead(
  model: HeadModel,
  seed: number,
  index: number,
  options: SyntheticHeadOptions,
  withPrior = true,
): Promise<SyntheticHead> {
  const identity = drawIdentity(seed, index, model.shapeComponents.length);
  const positions = shapedPositions(model, identity.shape);
  const skin = await paintSkinTexture({
    model,
    positions,
    look: identity.skin,
    hairColour: identity.hair.colour,
    size: options.skinTextureSize,
  });
  const head = litHead(model, positions, skin);
  const hair = identityHair(model, positions, identity.hair, options.hairTextureSize);
  const origin = headFrameOrigin(positions);
  const objects = [shifted(head, origin), shifted(hair, origin)];
  const ss = options.supersample ?? 2;

  // the rig file's intrinsics are for its own resolution (2·cx): scaled to the views'
  const k = options.viewSize / (2 * options.rig.cx);
  const rig = {
    ...options.rig,
    fx: options.rig.fx * k,
    fy: options.rig.fy * k,
    cx: options.rig.cx * k,
    cy: options.rig.cy * k,
  };
  const cameras = camerasFile(rig, options.viewSize, origin, (i) => `${String(i).padStart(2, '0')}.png`);
  const views: LitImage[] = [];
  for (const view of cameras.views)
    views.push(await renderLit(objects, rigCamera(view, options.viewSize), identity.lighting, ss));

  // The photo: head-frame origin in view, framed so the head (with its hair) fills 45–75 % of the side.
  const framing = randomSource(seed ^ 0x51ed27, index);
  const P = options.photoSize;
  const focal = (identity.input.focalMm / 36) * P;
  const { min, max } = meshBounds(head.positions);
  const headHeight = max[1] - min[1];
  const fill = framing.uniform(0.45, 0.75);
  const distance = (focal * headHeight) / (fill * P);
  const photoCamera = {
    ...orbitCamera({
      azimuthDeg: identity.input.yawDeg,
      elevationDeg: identity.input.pitchDeg,
      distance,
      width: P,
      height: P,
      focal,
    }),
    cx: P / 2 + framing.uniform(-0.06, 0.06) * P,
    cy: P / 2 + framing.uniform(-0.04, 0.08) * P,
  };
  const photo = await renderLit(objects, photoCamera, identity.lighting, ss);

  let prior: PriorInputs | null = null;
  let priorProblem: string | undefined;
  if (withPrior) {
    const result = await estimatePrior(model, photo, photoCamera, options);
    if (typeof result === 'string') priorProblem = result;
    else prior = result;
  }
  return { identity, photo, photoCamera, views, cameras, prior, ...(priorProblem ? { priorProblem } : {}) };
}
