/**
 * Independent check of the camera conversion: pose FLAME with the network's full pose (global
 * rotation included), project it the network's own way (orthographic s·(x + t), y/z flipped for DECA,
 * [-1, 1] over the crop), and compare with our camera on the canonical mesh, taken at the head
 * centre's depth (its weak-perspective form; the full pinhole adds perspective on top, by design).
 */
import path from 'node:path';
import { toCamera } from '../../../src-main/engine/geometry/camera';
import type { EstimatorOutput } from '../../../src-main/engine/estimate/estimator';
import { normalisedSquare, type SquareCrop } from '../../../src-main/engine/estimate/adapters/crop-sampler';
import { FlameLayer } from '../../../src-main/engine/estimate/flame/flame-layer';
import { verifyPack } from '../../../src-main/engine/packs/verify-pack';

export async function weakPerspectiveError(args: {
  out: EstimatorOutput;
  packDir: string;
  /** The crop the network saw (its regressor's official crop). */
  crop: SquareCrop;
  flipYZ: boolean;
}): Promise<{ median: number; max: number }> {
  const { out } = args;
  const flame = FlameLayer.fromPack(await verifyPack(path.resolve(args.packDir)));
  const pose = out.params!.pose!;
  const [s, tx, ty] = out.params!.cam! as [number, number, number];
  const posed = flame.forward({
    shape: out.params!.shape,
    expression: out.params!.exp,
    pose: [pose[0]!, pose[1]!, pose[2]!, 0, 0, 0, pose[3]!, pose[4]!, pose[5]!, 0, 0, 0, 0, 0, 0],
  }).vertices;
  const crop = args.crop;
  const { x: left, y: top, side } = normalisedSquare(crop);
  const errors: number[] = [];
  const p = out.mesh.positions;
  for (let i = 0; i < p.length; i += 3) {
    const nx = s * (posed[i]! + tx);
    const ny = (args.flipYZ ? -1 : 1) * s * (posed[i + 1]! + ty);
    // the camera's own weak-perspective form: every point at the centre's depth t_z
    const [X, Y] = toCamera(out.camera, p[i]!, p[i + 1]!, p[i + 2]!);
    const c = out.camera;
    const [u, v] = [(c.fx * X) / c.t[2]! + c.cx, (c.fy * Y) / c.t[2]! + c.cy];
    errors.push(Math.hypot(u - (left + ((nx + 1) / 2) * side), v - (top + ((ny + 1) / 2) * side)));
  }
  errors.sort((a, b) => a - b);
  return { median: errors[errors.length >> 1]!, max: errors[errors.length - 1]! };
}
