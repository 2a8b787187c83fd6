/**
 * MediaPipe face-mesh landmarks that move with expression rather than identity: the lips (outer
 * and inner contours) and the eyelids. A neutral fit leaves them to the head model's rest shape
 * (mouth closed, eyes open). Indices from MediaPipe's FACEMESH_LIPS / _LEFT_EYE / _RIGHT_EYE.
 */
const LIPS = [
  61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270, 409, 78, 95, 88, 178,
  87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82, 13, 312, 311, 310, 415,
];
const LEFT_EYELIDS = [263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398];
const RIGHT_EYELIDS = [33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173];

export const EXPRESSION_LANDMARKS: ReadonlySet<number> = new Set([
  ...LIPS,
  ...LEFT_EYELIDS,
  ...RIGHT_EYELIDS,
]);
