/**
 * The mesh prior beside or over the result. It comes either inside the result's GLB (the export's
 * "include the prior" option: an object named `<name>_prior`, already placed like the head) or from the
 * job's `prior/mesh.glb`, which stays in the estimator's camera frame: that one is moved by the offset
 * the export applied to the head (report.json → mesh.offset), so the two line up.
 */
import type { Scene } from '@babylonjs/core/scene';
import type { AbstractMesh } from '@babylonjs/core/Meshes/abstractMesh';
import type { AssetContainer } from '@babylonjs/core/assetContainer';
import { LoadAssetContainerAsync } from '@babylonjs/core/Loading/sceneLoader';
import { PBRMaterial } from '@babylonjs/core/Materials/PBR/pbrMaterial';
import { Color3 } from '@babylonjs/core/Maths/math.color';
import { Vector3 } from '@babylonjs/core/Maths/math.vector';
import type { WorldBox } from './framing';
import type { PriorPlacement } from './viewport-options';

/** Name ending of the prior object in an export (engine/export/export-head.ts). */
const PRIOR_SUFFIX = '_prior';

export const isPriorMesh = (mesh: AbstractMesh): boolean => mesh.name.endsWith(PRIOR_SUFFIX);

/** Gap between result and prior side by side, as a share of the head's width. */
const SIDE_GAP = 0.15;

export class PriorLayer {
  private container: AssetContainer | undefined;
  private meshes: AbstractMesh[] = [];
  /** Where the meshes sit when overlaid (in their glTF parent's frame). */
  private base = Vector3.Zero();
  private readonly overlay: PBRMaterial;
  private readonly solid: PBRMaterial;

  constructor(private readonly scene: Scene) {
    // Overlaid: a cool translucent skin over the result; beside it: opaque pale clay.
    this.overlay = new PBRMaterial('prior-overlay', scene);
    this.overlay.albedoColor = new Color3(0.2, 0.45, 1);
    this.overlay.alpha = 0.5;
    this.overlay.metallic = 0;
    this.overlay.roughness = 0.5;
    this.solid = new PBRMaterial('prior-solid', scene);
    this.solid.albedoColor = new Color3(0.62, 0.66, 0.72);
    this.solid.metallic = 0;
    this.solid.roughness = 0.7;
    for (const material of [this.overlay, this.solid]) {
      material.backFaceCulling = false;
      material.twoSidedLighting = true;
    }
  }

  get present(): boolean {
    return this.meshes.length > 0;
  }

  get shownMeshes(): AbstractMesh[] {
    return this.meshes.filter((m) => m.isEnabled());
  }

  get materials(): PBRMaterial[] {
    return [this.overlay, this.solid];
  }

  /** The prior objects found inside the result's GLB (they belong to that container). */
  useEmbedded(meshes: AbstractMesh[]): void {
    this.dropLoaded();
    this.meshes = meshes;
    this.base = Vector3.Zero();
  }

  /** The job's `prior/mesh.glb`, moved by the export's offset (metres, glTF frame). */
  async load(glb: Uint8Array, offset: readonly [number, number, number]): Promise<void> {
    const container = await LoadAssetContainerAsync(glb, this.scene, { pluginExtension: '.glb' });
    this.dropLoaded();
    this.container = container;
    container.addAllToScene();
    this.meshes = container.meshes.filter((m) => m.getTotalVertices() > 0);
    this.base = new Vector3(offset[0], offset[1], offset[2]);
  }

  /** Show or hide, overlaid or beside the head's box, solid or as wires. */
  place(placement: PriorPlacement, head: WorldBox | undefined, visible: boolean, wireframe: boolean): void {
    const width = head ? head.max.x - head.min.x : 0;
    // Local -x is the viewer's left after the loader's handedness flip: the prior reads first.
    const shift = placement === 'side' ? -width * (1 + SIDE_GAP) : 0;
    const material = placement === 'overlay' ? this.overlay : this.solid;
    material.wireframe = wireframe;
    for (const mesh of this.meshes) {
      mesh.setEnabled(visible);
      mesh.material = material;
      mesh.position = this.base.add(new Vector3(shift, 0, 0));
    }
  }

  clear(): void {
    this.dropLoaded();
    this.meshes = [];
  }

  dispose(): void {
    this.clear();
    this.overlay.dispose();
    this.solid.dispose();
  }

  private dropLoaded(): void {
    this.container?.dispose();
    this.container = undefined;
  }
}
