/**
 * Framing: the world-space box around some meshes, and the orbit camera placed to see it from the
 * front. Pure apart from writing the camera it is given.
 */
import type { AbstractMesh } from '@babylonjs/core/Meshes/abstractMesh';
import type { ArcRotateCamera } from '@babylonjs/core/Cameras/arcRotateCamera';
import { Vector3 } from '@babylonjs/core/Maths/math.vector';

export interface WorldBox {
  min: Vector3;
  max: Vector3;
}

/** The box around the meshes that have vertices, or undefined when there are none. */
export function worldBox(meshes: readonly AbstractMesh[]): WorldBox | undefined {
  const solid = meshes.filter((m) => m.getTotalVertices() > 0);
  if (solid.length === 0) return undefined;
  let min = new Vector3(Infinity, Infinity, Infinity);
  let max = new Vector3(-Infinity, -Infinity, -Infinity);
  for (const mesh of solid) {
    mesh.computeWorldMatrix(true);
    const box = mesh.getBoundingInfo().boundingBox;
    min = Vector3.Minimize(min, box.minimumWorld);
    max = Vector3.Maximize(max, box.maximumWorld);
  }
  return { min, max };
}

/** Aim the camera at the box's centre, from the front (+Z), at a distance that fits it. */
export function frameBox(camera: ArcRotateCamera, box: WorldBox): void {
  const size = box.max.subtract(box.min).length();
  // Stop any coasting orbit/pan/zoom (Babylon's movement system keeps the velocities), or it carries
  // on from the framed view.
  camera.movement.resetRotationVelocity();
  camera.movement.resetPanVelocity();
  camera.movement.resetZoomVelocity();
  camera.inertialAlphaOffset = camera.inertialBetaOffset = camera.inertialRadiusOffset = 0;
  camera.inertialPanningX = camera.inertialPanningY = 0;
  camera.setTarget(box.min.add(box.max).scale(0.5));
  camera.alpha = Math.PI / 2;
  camera.beta = Math.PI / 2.15;
  camera.radius = size * 1.25;
  camera.lowerRadiusLimit = size * 0.3;
  camera.upperRadiusLimit = size * 6;
  camera.minZ = size * 0.01;
  // Panning (right button, or ctrl + left), inertia included, moves about the model's size per canvas
  // width (measured: 600 / size threw the head out of view on a quarter-width drag).
  camera.panningSensibility = 6000 / size;
}
