/**
 * The face's own frame in the photo, from its landmarks: the eye line's midpoint as origin, the
 * chin→forehead axis as up, the face height as unit. The hair and beard segmentations place every
 * zone in it, whatever the photo's size or roll.
 */

const EYE_OUTER = [33, 263] as const;
/** MediaPipe-468 landmarks the frame and the zones placed in it use. */
export const FOREHEAD_TOP = 10;
export const CHIN = 152;
export const LOWER_LIP = 17;

export interface FaceFrame {
  /** Midpoint of the outer eye corners (photo pixels). */
  origin: [number, number];
  /** Unit vectors in the photo: towards the person's left side of the picture (x) and up the face. */
  right: [number, number];
  up: [number, number];
  /** Forehead-top (landmark 10) to chin (152) distance in pixels: the unit of local coordinates. */
  faceHeight: number;
}

export function faceFrame(landmarks: ArrayLike<number>): FaceFrame {
  const at = (i: number): [number, number] => [landmarks[i * 3]!, landmarks[i * 3 + 1]!];
  const [a, b] = EYE_OUTER.map(at) as [[number, number], [number, number]];
  const top = at(FOREHEAD_TOP);
  const chin = at(CHIN);
  const faceHeight = Math.hypot(top[0] - chin[0], top[1] - chin[1]);
  const up: [number, number] = [(top[0] - chin[0]) / faceHeight, (top[1] - chin[1]) / faceHeight];
  return { origin: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], right: [-up[1], up[0]], up, faceHeight };
}

/** Local coordinates of a photo point: x along `right`, y down the face, in face heights. */
export function toFaceLocal(frame: FaceFrame, x: number, y: number): [number, number] {
  const dx = x - frame.origin[0];
  const dy = y - frame.origin[1];
  return [
    (dx * frame.right[0] + dy * frame.right[1]) / frame.faceHeight,
    -(dx * frame.up[0] + dy * frame.up[1]) / frame.faceHeight,
  ];
}

/** Local y (face heights below the eye line) of landmark `i` (MediaPipe-468, x/y/z per point). */
export function landmarkLocalY(frame: FaceFrame, landmarks: ArrayLike<number>, i: number): number {
  return toFaceLocal(frame, landmarks[i * 3]!, landmarks[i * 3 + 1]!)[1];
}
