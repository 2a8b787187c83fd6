/**
 * The 3D viewport: a Babylon.js engine on one canvas, an orbit camera (drag: orbit; right-drag or
 * ctrl-drag: pan; wheel: zoom), the job's GLB loaded from bytes by Babylon's glTF loader, and what the
 * toolbar asks for: render mode, lighting preset, which objects show, the prior overlaid or beside,
 * a turntable, a PNG of the view. No Vue here; ModelViewport.vue owns one of these.
 */
import { Engine } from '@babylonjs/core/Engines/engine';
import { Scene } from '@babylonjs/core/scene';
import { ArcRotateCamera } from '@babylonjs/core/Cameras/arcRotateCamera';
import { Vector3 } from '@babylonjs/core/Maths/math.vector';
import { Color4 } from '@babylonjs/core/Maths/math.color';
import { LoadAssetContainerAsync, SceneLoader } from '@babylonjs/core/Loading/sceneLoader';
import type { AssetContainer } from '@babylonjs/core/assetContainer';
import type { AbstractMesh } from '@babylonjs/core/Meshes/abstractMesh';
import type { Material } from '@babylonjs/core/Materials/material';
import type { Light } from '@babylonjs/core/Lights/light';
import type { BaseTexture } from '@babylonjs/core/Materials/Textures/baseTexture';
import '@babylonjs/loaders/glTF';
import { loadStudioEnvironment } from './environment-map';
import { frameBox, worldBox } from './framing';
import { addPresetLights, setUnlit } from './lighting-presets';
import { ModeMaterials } from './mode-materials';
import { PriorLayer, isPriorMesh } from './prior-layer';
import { captureViewportPng } from './viewport-screenshot';
import type { LightingPreset, ObjectVisibility, PriorPlacement, RenderMode } from './viewport-options';

// Babylon's default loading screen injects inline CSS, which our CSP refuses; the pane shows its own.
SceneLoader.ShowLoadingScreen = false;

/** Name of the hair object in an export (engine/export/export-head.ts HAIR_OBJECT). */
const HAIR_OBJECT = 'hair';
/** Turntable speed: one turn in about 12 s. */
const TURNTABLE_RAD_PER_MS = (2 * Math.PI) / 12_000;

export class HeadViewport {
  private readonly engine: Engine;
  private readonly scene: Scene;
  private readonly camera: ArcRotateCamera;
  private readonly modeMaterials: ModeMaterials;
  private readonly prior: PriorLayer;
  private container: AssetContainer | undefined;
  private head: AbstractMesh[] = [];
  private hair: AbstractMesh[] = [];
  /** Each mesh's own (textured) material, to give back after clay/normals/checker. */
  private readonly ownMaterials = new Map<AbstractMesh, Material | null>();
  private mode: RenderMode = 'textured';
  private lighting: LightingPreset = 'studio';
  private lights: Light[] = [];
  private environment: BaseTexture | undefined;
  private visibility: ObjectVisibility = { head: true, hair: true, prior: false };
  private priorPlacement: PriorPlacement = 'overlay';
  private turntable = false;
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
    this.modeMaterials = new ModeMaterials(this.scene);
    this.prior = new PriorLayer(this.scene);
    this.lights = addPresetLights(this.scene, this.lighting, undefined);

    // Orbit/zoom move the camera by inertia from pointer and wheel handlers; keys act inside render.
    for (const type of ['pointerdown', 'pointermove', 'wheel', 'keydown'] as const)
      canvas.addEventListener(type, () => this.invalidate(type === 'keydown' ? 30 : 2), { passive: true });
    // Right-drag pans: no context menu over the canvas.
    canvas.addEventListener('contextmenu', (event) => event.preventDefault());
    this.engine.runRenderLoop(() => this.renderIfNeeded());
  }

  private renderIfNeeded(): void {
    const c = this.camera;
    // Babylon's movement system carries the pan on by itself; the inertial fields show orbit and zoom.
    const pan = c.movement.panDeltaCurrentFrame;
    const moving =
      c.inertialAlphaOffset ||
      c.inertialBetaOffset ||
      c.inertialRadiusOffset ||
      c.inertialPanningX ||
      c.inertialPanningY ||
      pan.x ||
      pan.y;
    if (this.turntable) c.alpha += this.engine.getDeltaTime() * TURNTABLE_RAD_PER_MS;
    if (this.pendingFrames <= 0 && !moving && !this.turntable && this.scene.isReady()) return;
    this.pendingFrames = Math.max(0, this.pendingFrames - 1);
    this.scene.render();
  }

  /** Draw the next few frames (after any change the render loop cannot see). */
  invalidate(frames = 2): void {
    this.pendingFrames = Math.max(this.pendingFrames, frames);
  }

  /** Replace the shown model with a GLB; resolves once it is in the scene and framed. */
  async showModel(glb: Uint8Array): Promise<void> {
    const container = await LoadAssetContainerAsync(glb, this.scene, { pluginExtension: '.glb' });
    this.dropModel();
    this.container = container;
    container.addAllToScene();
    const meshes = container.meshes.filter((m) => m.getTotalVertices() > 0);
    for (const mesh of meshes) this.ownMaterials.set(mesh, mesh.material);
    this.hair = meshes.filter((m) => m.name === HAIR_OBJECT);
    const priors = meshes.filter(isPriorMesh);
    this.head = meshes.filter((m) => !this.hair.includes(m) && !priors.includes(m));
    if (priors.length > 0) this.prior.useEmbedded(priors);
    this.applyAll();
    this.frame();
    // Textures and shaders finish after this; draw again once the scene is complete.
    this.scene.executeWhenReady(() => this.invalidate());
  }

  /** Whether a prior is at hand (in the GLB or loaded); if not, the owner loads one with showPrior. */
  hasPrior(): boolean {
    return this.prior.present;
  }

  /** The job's prior mesh (`prior/mesh.glb`) and the offset the export moved the head by. */
  async showPrior(glb: Uint8Array, offset: readonly [number, number, number]): Promise<void> {
    await this.prior.load(glb, offset);
    this.applyAll();
    this.scene.executeWhenReady(() => this.invalidate());
  }

  clear(): void {
    this.dropModel();
    this.invalidate();
  }

  setRenderMode(mode: RenderMode): void {
    this.mode = mode;
    this.applyAll();
  }

  /** Resolves once the preset is on screen (the environment preset loads its map the first time). */
  async setLighting(preset: LightingPreset): Promise<void> {
    this.lighting = preset;
    if (preset === 'environment' && !this.environment) {
      const texture = await loadStudioEnvironment(this.scene);
      this.environment ??= texture;
      if (this.environment !== texture) texture.dispose();
      if (this.lighting !== preset) return; // another preset was chosen meanwhile
    }
    for (const light of this.lights) light.dispose();
    this.lights = addPresetLights(this.scene, preset, this.environment);
    this.applyAll();
    await new Promise<void>((resolve) => this.scene.executeWhenReady(() => resolve()));
  }

  setVisibility(visibility: ObjectVisibility): void {
    this.visibility = { ...visibility };
    this.applyAll();
  }

  setPriorPlacement(placement: PriorPlacement): void {
    this.priorPlacement = placement;
    this.applyAll();
  }

  setTurntable(on: boolean): void {
    this.turntable = on;
    this.invalidate();
  }

  /** Aim the camera at what is shown (head, hair, and the prior when beside the head). */
  frame(): void {
    const box = worldBox(
      [...this.head, ...this.hair, ...this.prior.shownMeshes].filter((m) => m.isEnabled()),
    );
    if (box) frameBox(this.camera, box);
    this.invalidate();
  }

  /** The view as PNG bytes, at the canvas's size. */
  screenshotPng(): Promise<Uint8Array> {
    this.invalidate();
    return captureViewportPng(this.engine, this.camera);
  }

  resize(): void {
    this.engine.resize();
    this.invalidate();
  }

  dispose(): void {
    this.engine.stopRenderLoop();
    this.prior.dispose();
    this.modeMaterials.dispose();
    this.scene.dispose();
    this.engine.dispose();
  }

  /** Materials, visibility, prior placement and unlit switch from the current settings. */
  private applyAll(): void {
    const wireframe = this.mode === 'wireframe';
    for (const [mesh, own] of this.ownMaterials) {
      if (own) own.wireframe = wireframe;
      if (!isPriorMesh(mesh)) mesh.material = this.modeMaterials.materialFor(this.mode, own);
    }
    for (const mesh of this.head) mesh.setEnabled(this.visibility.head);
    for (const mesh of this.hair) mesh.setEnabled(this.visibility.hair);
    // The head's box is measured with the prior put back on top of it (placement must not move it).
    const headBox = worldBox(this.head);
    this.prior.place(this.priorPlacement, headBox, this.visibility.prior, wireframe);
    setUnlit(
      [...this.ownMaterials.values(), ...this.modeMaterials.litMaterials(), ...this.prior.materials],
      this.lighting === 'flat',
    );
    this.invalidate();
  }

  private dropModel(): void {
    this.container?.dispose();
    this.container = undefined;
    this.head = [];
    this.hair = [];
    this.ownMaterials.clear();
    this.prior.clear();
  }
}
