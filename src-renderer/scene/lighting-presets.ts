/**
 * The lighting presets: each makes its own lights (and picks the environment) and returns them, so the
 * next preset can remove them. Directions are where the light travels; the face looks along +Z.
 */
import type { Scene } from '@babylonjs/core/scene';
import type { Light } from '@babylonjs/core/Lights/light';
import type { BaseTexture } from '@babylonjs/core/Materials/Textures/baseTexture';
import { HemisphericLight } from '@babylonjs/core/Lights/hemisphericLight';
import { DirectionalLight } from '@babylonjs/core/Lights/directionalLight';
import { PBRMaterial } from '@babylonjs/core/Materials/PBR/pbrMaterial';
import { Vector3 } from '@babylonjs/core/Maths/math.vector';
import { Color3 } from '@babylonjs/core/Maths/math.color';
import type { LightingPreset } from './viewport-options';

function hemi(scene: Scene, intensity: number, sky: Color3, ground: Color3): HemisphericLight {
  const light = new HemisphericLight('preset-sky', new Vector3(0, 1, 0.3), scene);
  light.intensity = intensity;
  light.diffuse = sky;
  light.groundColor = ground;
  return light;
}

function directional(
  scene: Scene,
  name: string,
  direction: Vector3,
  intensity: number,
  colour: Color3,
): DirectionalLight {
  const light = new DirectionalLight(name, direction, scene);
  light.intensity = intensity;
  light.diffuse = colour;
  light.specular = colour;
  return light;
}

/**
 * Lights of one preset, added to the scene. `environment` is the bundled map (environment preset only;
 * until it has loaded that preset is lit by the ambient alone).
 */
export function addPresetLights(
  scene: Scene,
  preset: LightingPreset,
  environment: BaseTexture | undefined,
): Light[] {
  scene.environmentTexture = preset === 'environment' ? (environment ?? null) : null;
  scene.environmentIntensity = 1.7;
  switch (preset) {
    case 'studio':
      return [
        hemi(scene, 0.35, new Color3(0.9, 0.9, 0.92), new Color3(0.25, 0.24, 0.23)),
        // Key: above, front-left, warm; fill: front-right, cool and weak; rim: behind, above.
        directional(scene, 'preset-key', new Vector3(0.55, -0.6, -0.6), 2.2, new Color3(1, 0.95, 0.88)),
        directional(scene, 'preset-fill', new Vector3(-0.8, -0.1, -0.6), 0.6, new Color3(0.85, 0.9, 1)),
        directional(scene, 'preset-rim', new Vector3(-0.3, -0.5, 0.8), 2.0, new Color3(0.9, 0.95, 1)),
      ];
    case 'flat':
      // Unlit materials (setUnlit) ignore lights; the even sky is for the shader-less rest.
      return [hemi(scene, 1, Color3.White(), Color3.White())];
    case 'outdoor':
      return [
        hemi(scene, 0.7, new Color3(0.62, 0.74, 1), new Color3(0.32, 0.3, 0.2)),
        directional(scene, 'preset-sun', new Vector3(-0.35, -0.85, -0.4), 3.2, new Color3(1, 0.92, 0.78)),
      ];
    case 'environment':
      return [];
  }
}

/** The flat preset shows albedo as it is: PBR materials unlit (textured, clay, checker). */
export function setUnlit(materials: Iterable<unknown>, on: boolean): void {
  for (const material of materials) if (material instanceof PBRMaterial) material.unlit = on;
}
