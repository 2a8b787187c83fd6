/**
 * The fitted camera in the native addon's pixel convention. The fit reproduces the detector's
 * landmarks, whose coordinates run continuously over the image (pixel i covers [i, i+1), its centre
 * at i + 0.5); the addon puts the centre of pixel i at i (OpenCV). Shifting the principal point by
 * half a pixel makes both agree: the same world point lands on the same photo pixel.
 */
import type { PinholeCamera } from '../../geometry/camera';
import type { PinholeCamera as NativeCamera } from '../../native/native-addon';

export function toNativeCamera(camera: PinholeCamera): NativeCamera {
  return { fx: camera.fx, fy: camera.fy, cx: camera.cx - 0.5, cy: camera.cy - 0.5, R: camera.R, t: camera.t };
}
