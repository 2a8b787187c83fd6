/**
 * The one interface every mesh-prior estimator implements (DESIGN.md: estimate stage); the registry
 * that makes one by id is ./create-estimator. 'builtin' is the landmark fit of the studio's head model
 * (./builtin/builtin-estimator); RingNet, DECA and MICA run a converted model pack
 * (ONNX + the user's FLAME) through ./adapters.
 */
import type { EstimatorId, ExpressionMode } from '../../shared/protocol';
import type { RegistrationTarget } from './register/register-head';
import type { PinholeCamera } from '../geometry/camera';

/** 8-bit RGB pixels, row-major, 3 bytes per pixel, no padding. */
export interface RgbPhoto {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A face box in photo pixels: the detector's box around the face. */
export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type LandmarkLayout = 'mediapipe468' | 'ibug68';

export interface EstimatorLandmarks {
  layout: LandmarkLayout;
  /** `dims` values per point (x, y[, z]) in photo pixels; z, if any, is ignored. */
  points: Float32Array;
  dims: 2 | 3;
}

export interface EstimatorInput {
  photo: RgbPhoto;
  /** Person mask, width×height bytes (255 = person); optional, for estimators that use it. */
  mask?: Uint8Array;
  /** The face's box; each estimator enlarges it the way its network was trained. */
  cropBox: CropBox;
  landmarks?: EstimatorLandmarks;
  /** The expression the result should have, where the estimator can choose (default 'photo'). */
  expression?: ExpressionMode;
  /**
   * The photo's camera where one is known (the built-in fit estimates it: FitResult.camera). The
   * network estimators, which predict a weak-perspective camera only, take its focal lengths and
   * principal point for their pinhole camera; without it they assume a ~30° field of view.
   */
  camera?: PinholeCamera;
}

export interface EstimatedMesh {
  /** xyz per vertex, metres, canonical frame: +Y up, face looks along +Z, origin at the head's centre. */
  positions: Float32Array;
  /** Three vertex indices per triangle; any topology. */
  indices: Uint32Array;
}

export interface EstimatorOutput {
  mesh: EstimatedMesh;
  /** OpenCV intrinsics in photo pixels, world-to-camera extrinsics (x_cam = R·x + t). */
  camera: PinholeCamera;
  /** x, y per landmark in photo pixels (the estimator's own landmark set; may be empty). */
  landmarks2d: Float32Array;
  /** 0–1, how far the result can be trusted (a heuristic for networks that give none). */
  confidence: number;
  estimatorId: EstimatorId;
  /** The network's raw outputs by name (FLAME shape/exp/pose, weak-perspective cam…), for reports and checks. */
  params?: Record<string, number[]>;
  /**
   * The surface the studio's head is registered onto, per expression: 'neutral' (identity only) and
   * 'photo' (as in the photo). Absent when the estimator cannot give one (no landmark embedding).
   */
  registrationTargets?: Record<ExpressionMode, RegistrationTarget>;
}

export interface Estimator {
  readonly id: EstimatorId;
  estimate(input: EstimatorInput, signal?: AbortSignal): Promise<EstimatorOutput>;
  /** Frees network sessions; the estimator cannot be used afterwards. */
  dispose(): Promise<void>;
}
