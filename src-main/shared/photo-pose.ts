/**
 * How far the photo's face is turned from the camera, said to the user (CLI line, report panel).
 * Shared by the engine (report.json), the CLI and the renderer so all three say the same thing.
 */

import type { PhotoPose } from './protocol';

/**
 * Past this fitted yaw the face mesh (MediaPipe) flattens the face: the cameraman, turned ~75° in his
 * photo, fits at 54° with a head that ends at his ear and is ~0.75× his size, and no prior on focal,
 * depth or shape moves it (closing note of 2026-12-03).
 */
export const TURNED_FACE_DEG = 45;
/** Within this the fit is as good as frontal (3/4 renders: head overlay IoU ≥ 0.88 up to 45°). */
export const FACING_CAMERA_DEG = 30;

/** Degrees to one decimal: what report.json and overlay.json keep. */
export function roundPose(pose: PhotoPose): PhotoPose {
  const round = (deg: number) => Math.round(deg * 10) / 10;
  return { yaw: round(pose.yaw), pitch: round(pose.pitch), roll: round(pose.roll) };
}

export function describeYaw(yaw: number): string {
  const deg = Math.round(Math.abs(yaw));
  if (deg === 0) return 'facing the camera';
  return `turned ${deg}° to the ${yaw > 0 ? 'right' : 'left'}`;
}

/** What to tell the user about this pose, or nothing when the photo is within the fit's comfort. */
export function turnedFaceNote(pose: Pick<PhotoPose, 'yaw'>): string | undefined {
  if (Math.abs(pose.yaw) <= TURNED_FACE_DEG) return undefined;
  return (
    `The face is ${describeYaw(pose.yaw)}: this far round, the face mesh flattens the ` +
    `face, so the head's depth, its far side and the hair's volume are partly guessed. A photo within ` +
    `about ${FACING_CAMERA_DEG}° of facing the camera gives a truer head.`
  );
}
