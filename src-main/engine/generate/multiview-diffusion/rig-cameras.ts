/**
 * The pack's camera rig as cameras and view embeddings (docs/multiview-diffusion.md, "Frames",
 * "Rigs"): OpenCV cameras looking at the origin of the volume frame from `rig.distance`, and the
 * same cameras in head-frame metres for `views/cameras.json`.
 */
import { orbitCamera } from '../../geometry/camera';
import type { CameraRig } from '../../packs/diffusion-manifest';

export interface RigCamera {
  azimuth: number;
  elevation: number;
  /** Row-major 3×3 intrinsics. */
  K: number[];
  /** Row-major world-to-camera rotation. */
  R: number[];
  t: number[];
}

/** Cameras in the volume frame (units of the volume: head metres × headScale). */
export function rigCamerasVolume(rig: CameraRig): RigCamera[] {
  return rig.views.map(({ azimuth, elevation }) => {
    const cam = orbitCamera({
      azimuthDeg: azimuth,
      elevationDeg: elevation,
      distance: rig.distance,
      width: 1,
      height: 1,
      focal: 1,
    });
    return {
      azimuth,
      elevation,
      K: [rig.fx, 0, rig.cx, 0, rig.fy, rig.cy, 0, 0, 1],
      R: cam.R,
      t: cam.t,
    };
  });
}

export interface CamerasFile {
  frame: 'head';
  units: 'm';
  convention: 'opencv-world-to-camera';
  resolution: number;
  rig: string;
  headScale: number;
  /** The head frame's origin (centre of the prior head's bounding box) in the prior's own coordinates. */
  headFrameOrigin: number[];
  views: (RigCamera & { file: string; centre: number[] })[];
}

/** `views/cameras.json`: the same cameras with the volume scaled back to metres (t / headScale). */
export function camerasFile(
  rig: CameraRig,
  resolution: number,
  headFrameOrigin: readonly number[],
  fileOf: (view: number) => string,
): CamerasFile {
  return {
    frame: 'head',
    units: 'm',
    convention: 'opencv-world-to-camera',
    resolution,
    rig: rig.name,
    headScale: rig.headScale,
    headFrameOrigin: [...headFrameOrigin],
    views: rigCamerasVolume(rig).map((cam, i) => {
      const t = cam.t.map((v) => v / rig.headScale);
      const R = cam.R;
      const centre = [0, 1, 2].map((c) => -(R[c]! * t[0]! + R[3 + c]! * t[1]! + R[6 + c]! * t[2]!));
      return { ...cam, t, centre, file: fileOf(i) };
    }),
  };
}

const DEG = Math.PI / 180;

/**
 * The view embeddings of the V views (rows 0…V−1) relative to the input view (azimuth 0, elevation
 * `inputElevationDeg`), V×4 row-major; the input element's own row is [0, 0, 1, 0].
 */
export function viewEmbeddings(rig: CameraRig, inputElevationDeg: number): Float32Array {
  const V = rig.views.length;
  const out = new Float32Array(V * 4);
  const eIn = inputElevationDeg * DEG;
  rig.views.forEach((view, k) => {
    const e = view.elevation * DEG;
    const a = view.azimuth * DEG;
    let row: number[];
    if (rig.viewEmbedding === 'constant') row = [0, 0, 1, 0];
    else if (rig.viewEmbedding === 'relative') row = [e - eIn, Math.sin(a), Math.cos(a), 0];
    else row = [eIn - e, Math.sin(a), Math.cos(a), 0];
    out.set(row, k * 4);
  });
  return out;
}

export const INPUT_ELEMENT_EMBEDDING = [0, 0, 1, 0] as const;

/** The V views' embeddings followed by the input element's row: the condition net's [V+1, 4]. */
export function conditionViewEmbeddings(viewRows: Float32Array): Float32Array {
  const out = new Float32Array(viewRows.length + 4);
  out.set(viewRows);
  out.set(INPUT_ELEMENT_EMBEDDING, viewRows.length);
  return out;
}
