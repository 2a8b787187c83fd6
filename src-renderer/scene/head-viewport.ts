/**
 * The 3D viewport: a Babylon.js engine on one canvas, an orbit camera, soft lights, and the job's GLB
 * loaded from bytes by Babylon's glTF loader. No Vue here; ModelViewport.vue owns one of these.
 */
import { Engine } from '@babylonjs/core/Engines/engine';
import { Scene } from '@babylonjs/core/scene';
import { ArcRotateCamera } from '@babylonjs/core/Cameras/arcRotateCamera';
import { HemisphericLight } from '@babylonjs/core/Lights/hemisphericLight';
import { DirectionalLight } from '@babylonjs/core/Lights/directionalLight';
import { Vector3 } from '@babylonjs/core/Maths/math.vector';
import { Color3, Color4 } from '@babylonjs/core/Maths/math.color';
import { LoadAssetContainerAsync, SceneLoader } from '@babylonjs/core/Loading/sceneLoader';
import type { AssetContainer } from '@babylonjs/core/assetContainer';
import '@babylonjs/loaders/glTF';

// Babylon's default loading screen injects inline CSS, which our CSP refuses; the pane shows its own.
SceneLoader.ShowLoadingScreen = false;

export class HeadViewport {
  private readonly engine: Engine;
  private readonly scene: Scene;
  private readonly camera: ArcRotateCamera;
  private container: AssetContainer | undefined;
  private wireframe = false;
  /** Frames still to draw; the viewport renders only when something changed (idle = no GPU/CPU use). */
  private pendingFrames = 2;

  constructor(canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer: the canvas can be read back (screenshots, the browser test). canvasTabIndex 0:
    // in the page's focus order (Babylon's default 1 jumps ahead of everything).
    this.engine = new Engine(
      canvas,
      true,
      { preserveDrawingBuffer: true, stencil: true, canvasTabIndex: 0 },
      true,
    );
    this.scene = new Scene(this.engine);
    this.scene.clearColor = new Color4(0.13, 0.14, 0.16, 1);
    // glTF faces look +Z; after the loader's handedness flip that is still +Z, so look from +Z.
    this.camera = new ArcRotateCamera('orbit', Math.PI / 2, Math.PI / 2.15, 0.7, Vector3.Zero(), this.scene);
    this.camera.attachControl(true);
    this.camera.wheelDeltaPercentage = 0.02;
    this.camera.minZ = 0.005;

    const sky = new HemisphericLight('sky', new Vector3(0, 1, 0.4), this.scene);
    sky.intensity = 0.8;
    sky.groundColor = new Color3(0.35, 0.33, 0.32);
    const key = new DirectionalLight('key', new Vector3(-0.4, -0.5, -1), this.scene);
    key.intensity = 1.6;

    // Orbit/zoom move the camera by inertia from pointer and wheel handlers; keys act inside render.
    for (const type of ['pointerdown', 'pointermove', 'wheel', 'keydown'] as const)
      canvas.addEventListener(type, () => this.invalidate(type === 'keydown' ? 30 : 2), { passive: true });
    this.engine.runRenderLoop(() => {
      const c = this.camera;
      const moving =
        c.inertialAlphaOffset ||
        c.inertialBetaOffset ||
        c.inertialRadiusOffset ||
        c.inertialPanningX ||
        c.inertialPanningY;
      if (this.pendingFrames <= 0 && !moving && this.scene.isReady()) return;
      this.pendingFrames = Math.max(0, this.pendingFrames - 1);
      this.scene.render();
    });
  }

  /** Draw the next few frames (after any change the render loop cannot see). */
  invalidate(frames = 2): void {
    this.pendingFrames = Math.max(this.pendingFrames, frames);
  }

  /** Replace the shown model with a GLB; resolves once it is in the scene and framed. */
  async showModel(glb: Uint8Array): Promise<void> {
    const container = await LoadAssetContainerAsync(glb, this.scene, { pluginExtension: '.glb' });
    this.container?.dispose();
    this.container = container;
    container.addAllToScene();
    this.setWireframe(this.wireframe);
    this.frame();
    // Textures and shaders finish after this; draw again once the scene is complete.
    this.scene.executeWhenReady(() => this.invalidate());
  }

  clear(): void {
    this.container?.dispose();
    this.container = undefined;
    this.invalidate();
  }

  setWireframe(on: boolean): void {
    this.wireframe = on;
    for (const material of this.container?.materials ?? []) material.wireframe = on;
    this.invalidate();
  }

  /** Aim the camera at the model's bounding box, from the front, at a distance that fits it. */
  frame(): void {
    const meshes = (this.container?.meshes ?? []).filter((m) => m.getTotalVertices() > 0);
    if (meshes.length === 0) return;
    let min = new Vector3(Infinity, Infinity, Infinity);
    let max = new Vector3(-Infinity, -Infinity, -Infinity);
    for (const mesh of meshes) {
      mesh.computeWorldMatrix(true);
      const box = mesh.getBoundingInfo().boundingBox;
      min = Vector3.Minimize(min, box.minimumWorld);
      max = Vector3.Maximize(max, box.maximumWorld);
    }
    const size = max.subtract(min).length();
    this.camera.setTarget(min.add(max).scale(0.5));
    this.camera.alpha = Math.PI / 2;
    this.camera.beta = Math.PI / 2.15;
    this.camera.radius = size * 1.25;
    this.camera.lowerRadiusLimit = size * 0.3;
    this.camera.upperRadiusLimit = size * 6;
    this.camera.minZ = size * 0.01;
    this.invalidate();
  }

  resize(): void {
    this.engine.resize();
    this.invalidate();
  }

  dispose(): void {
    this.engine.stopRenderLoop();
    this.scene.dispose();
    this.engine.dispose();
  }
}
