/**
 * Pinhole cameras in the project's convention: OpenCV intrinsics in pixels (x right, y down, z
 * forward) and world-to-camera extrinsics: x_cam = R·x_world + t.
 */
export interface PinholeCamera {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  /** Row-major 3×3 world-to-camera rotation. */
  R: number[];
  t: number[];
  width: number;
  height: number;
}

/** What projecting a point needs (the native addon's camera is one too): no image size, read-only arrays. */
export interface CameraPose {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  R: ArrayLike<number>;
  t: ArrayLike<number>;
}

/** Camera-frame point of a world point. */
export function toCamera(cam: CameraPose, x: number, y: number, z: number): [number, number, number] {
  const R = cam.R;
  return [
    R[0]! * x + R[1]! * y + R[2]! * z + cam.t[0]!,
    R[3]! * x + R[4]! * y + R[5]! * z + cam.t[1]!,
    R[6]! * x + R[7]! * y + R[8]! * z + cam.t[2]!,
  ];
}

/** Pixel (u, v) and camera depth of a world point. */
export function projectPoint(cam: CameraPose, x: number, y: number, z: number): [number, number, number] {
  const [X, Y, Z] = toCamera(cam, x, y, z);
  return [(cam.fx * X) / Z + cam.cx, (cam.fy * Y) / Z + cam.cy, Z];
}

/** World position of the camera centre (−Rᵀt). */
export function cameraCentre(cam: CameraPose): [number, number, number] {
  const R = cam.R;
  const t = cam.t;
  return [
    -(R[0]! * t[0]! + R[3]! * t[1]! + R[6]! * t[2]!),
    -(R[1]! * t[0]! + R[4]! * t[1]! + R[7]! * t[2]!),
    -(R[2]! * t[0]! + R[5]! * t[1]! + R[8]! * t[2]!),
  ];
}

/** Row-major rotation from a rotation vector (axis × angle, radians). */
export function rotationFromVector(w: ArrayLike<number>): number[] {
  const th = Math.hypot(w[0]!, w[1]!, w[2]!);
  if (th < 1e-12) return [1, -w[2]!, w[1]!, w[2]!, 1, -w[0]!, -w[1]!, w[0]!, 1];
  const x = w[0]! / th;
  const y = w[1]! / th;
  const z = w[2]! / th;
  const c = Math.cos(th);
  const s = Math.sin(th);
  const C = 1 - c;
  return [
    c + x * x * C,
    x * y * C - z * s,
    x * z * C + y * s,
    y * x * C + z * s,
    c + y * y * C,
    y * z * C - x * s,
    z * x * C - y * s,
    z * y * C + x * s,
    c + z * z * C,
  ];
}

export function multiply3(a: number[], b: number[]): number[] {
  const out = new Array<number>(9);
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++)
      out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!;
  return out;
}

/**
 * A camera at `distance` metres looking at the head centre from azimuth/elevation (degrees; azimuth
 * 0 = in front, positive towards +X), +Y up in the image. For previews and the view rig.
 */
export function orbitCamera(opts: {
  azimuthDeg: number;
  elevationDeg: number;
  distance: number;
  width: number;
  height: number;
  focal: number;
}): PinholeCamera {
  const az = (opts.azimuthDeg * Math.PI) / 180;
  const el = (opts.elevationDeg * Math.PI) / 180;
  const eye = [Math.sin(az) * Math.cos(el), Math.sin(el), Math.cos(az) * Math.cos(el)].map(
    (c) => c * opts.distance,
  );
  // Camera axes in world: z forward (towards the origin), x right, y down.
  const zc = eye.map((c) => -c / opts.distance);
  const up = [0, 1, 0];
  let xc = [
    zc[1]! * up[2]! - zc[2]! * up[1]!,
    zc[2]! * up[0]! - zc[0]! * up[2]!,
    zc[0]! * up[1]! - zc[1]! * up[0]!,
  ];
  const xl = Math.hypot(xc[0]!, xc[1]!, xc[2]!);
  xc = xc.map((c) => c / xl);
  const yc = [
    zc[1]! * xc[2]! - zc[2]! * xc[1]!,
    zc[2]! * xc[0]! - zc[0]! * xc[2]!,
    zc[0]! * xc[1]! - zc[1]! * xc[0]!,
  ];
  const R = [...xc, ...yc, ...zc];
  const t = [0, 1, 2].map((r) => -(R[r * 3]! * eye[0]! + R[r * 3 + 1]! * eye[1]! + R[r * 3 + 2]! * eye[2]!));
  return {
    fx: opts.focal,
    fy: opts.focal,
    cx: opts.width / 2,
    cy: opts.height / 2,
    R,
    t,
    width: opts.width,
    height: opts.height,
  };
}
