/**
 * The materials of the non-textured render modes, made once per scene and shared by head and hair:
 * clay (neutral grey, lit like the textured head), world normals as colours (a small shader written
 * here: no @babylonjs/materials), and a procedural UV checker on the meshes' own UVs.
 */
import type { Scene } from '@babylonjs/core/scene';
import type { Material } from '@babylonjs/core/Materials/material';
import { PBRMaterial } from '@babylonjs/core/Materials/PBR/pbrMaterial';
import { ShaderMaterial } from '@babylonjs/core/Materials/shaderMaterial';
import { RawTexture } from '@babylonjs/core/Materials/Textures/rawTexture';
import { Texture } from '@babylonjs/core/Materials/Textures/texture';
import { Color3 } from '@babylonjs/core/Maths/math.color';
import { checkerPixels } from './checker-texture';
import type { RenderMode } from './viewport-options';

const NORMALS_VERTEX = `
precision highp float;
attribute vec3 position;
attribute vec3 normal;
uniform mat4 world;
uniform mat4 worldViewProjection;
varying vec3 vNormalW;
void main(void) {
  vNormalW = mat3(world) * normal;
  gl_Position = worldViewProjection * vec4(position, 1.0);
}`;

// World normal n in [-1, 1]³ shown as the colour n/2 + 1/2 (the usual normal-map convention).
const NORMALS_FRAGMENT = `
precision highp float;
varying vec3 vNormalW;
void main(void) {
  gl_FragColor = vec4(normalize(vNormalW) * 0.5 + 0.5, 1.0);
}`;

const CHECKER_SIZE = 512;
const CHECKER_CELLS = 16;

export class ModeMaterials {
  private readonly clay: PBRMaterial;
  private readonly normals: ShaderMaterial;
  private readonly checker: PBRMaterial;

  constructor(scene: Scene) {
    this.clay = new PBRMaterial('mode-clay', scene);
    this.clay.albedoColor = new Color3(0.55, 0.55, 0.55);
    this.clay.metallic = 0;
    this.clay.roughness = 0.65;

    this.normals = new ShaderMaterial(
      'mode-normals',
      scene,
      { vertexSource: NORMALS_VERTEX, fragmentSource: NORMALS_FRAGMENT },
      { attributes: ['position', 'normal'], uniforms: ['world', 'worldViewProjection'] },
    );

    this.checker = new PBRMaterial('mode-uv-checker', scene);
    this.checker.albedoTexture = RawTexture.CreateRGBATexture(
      checkerPixels(CHECKER_SIZE, CHECKER_CELLS),
      CHECKER_SIZE,
      CHECKER_SIZE,
      scene,
      true,
      false,
      Texture.TRILINEAR_SAMPLINGMODE,
    );
    this.checker.metallic = 0;
    this.checker.roughness = 0.8;

    // The glTF loader flips handedness with a mirrored root, so which side is "front" depends on the
    // loader; draw both sides (the meshes are closed shells) and light the inner side as well.
    for (const material of [this.clay, this.normals, this.checker]) material.backFaceCulling = false;
    this.clay.twoSidedLighting = this.checker.twoSidedLighting = true;
  }

  /** The material a mesh wears in a mode; textured and wireframe keep the mesh's own. */
  materialFor(mode: RenderMode, own: Material | null): Material | null {
    if (mode === 'clay') return this.clay;
    if (mode === 'normals') return this.normals;
    if (mode === 'uv-checker') return this.checker;
    return own;
  }

  /** The PBR ones, for the unlit switch of the flat lighting preset. */
  litMaterials(): PBRMaterial[] {
    return [this.clay, this.checker];
  }

  dispose(): void {
    this.checker.albedoTexture?.dispose();
    for (const material of [this.clay, this.normals, this.checker]) material.dispose();
  }
}
