/**
 * Typed front of the native addon (native/: C++17 core, CUDA when present): triangle rasterization
 * with a z-buffer for preview renders, silhouettes and texture baking.
 *
 * Cameras are OpenCV's: intrinsics in pixels with the centre of pixel (0,0) at image coordinate
 * (0,0); world-to-camera `x_c = R x_w + t`, R row-major; the camera looks along +Z with y down.
 * Meshes follow `TexturedMesh`: metres, uv (0,0) = texture top-left, triangles CCW from outside.
 *
 * Inputs are checked here (lengths, index ranges, sizes) and the call rejects with a plain Error
 * naming the bad field; the addon checks again. Heavy work runs off the JS thread.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NATIVE_ADDON_FILE = 'gen3d_native.node';

export type NativeBackend = 'cpu' | 'cuda';
/** 'auto' = CUDA when compiled in and a device answers (and CPU is not forced), else CPU. */
export type BackendRequest = 'auto' | 'cpu';

export interface BackendInfo {
  backend: NativeBackend;
  /** Why this backend: the device, or why CUDA is not used (e.g. "cudaGetDeviceCount failed: …"). */
  reason: string;
  device?: string;
  /** Whether the addon was compiled with the CUDA backend. */
  cudaCompiled: boolean;
}

export interface PinholeCamera {
  fx: number;
  fy: number;
  cx: number;
  cy: number;
  /** World-to-camera rotation, 9 numbers row-major. */
  R: ArrayLike<number>;
  /** World-to-camera translation, 3 numbers. */
  t: ArrayLike<number>;
}

/** RGBA8, row-major, top row first. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** One byte per pixel (0..255), e.g. a person mask. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface MeshArrays {
  positions: Float32Array;
  /** uv per vertex; (0,0) = texture top-left. */
  uvs?: Float32Array;
  /** Unit normal per vertex; area-weighted vertex normals are computed when absent. */
  normals?: Float32Array;
  indices: Uint32Array;
}

export interface RenderInput extends MeshArrays {
  camera: PinholeCamera;
  width: number;
  height: number;
  /** Base colour; without it (or without uvs) the surface is white. */
  texture?: RgbaImage;
  /** RGBA 0..255 of uncovered pixels; default transparent black. */
  background?: readonly [number, number, number, number];
  cullBackFaces?: boolean;
  /** 'lambert': headlight shading, ambient + (1 - ambient)·|cos|. Default 'none' (unlit). */
  shading?: 'none' | 'lambert';
  /** 0..1, default 0.25. */
  ambient?: number;
  /** Triangles with a vertex nearer than this (camera z, metres) are dropped; default 1e-3. */
  near?: number;
  backend?: BackendRequest;
}

export interface RenderResult {
  image: RgbaImage;
  /** Camera-space z per pixel, +Infinity on background. */
  depth: Float32Array;
  /** Triangle index per pixel, -1 on background. */
  triangleId: Int32Array;
  backend: NativeBackend;
}

export interface BakeInput extends MeshArrays {
  uvs: Float32Array;
  photo: RgbaImage;
  /** Same size as the photo; scales the weight by mask/255. */
  mask?: GrayImage;
  /** The photo's camera. */
  camera: PinholeCamera;
  atlasWidth: number;
  atlasHeight: number;
  /** A texel is visible when its z ≤ depth-buffer z × (1 + depthEpsilon); default 0.01. */
  depthEpsilon?: number;
  near?: number;
  backend?: BackendRequest;
}

export interface BakeResult {
  /** Photo colour per texel; zero where weight is 0. */
  atlas: RgbaImage;
  /** max(0, cos(normal, view direction)) × mask, 0 where not covered or not visible. */
  weight: Float32Array;
  backend: NativeBackend;
}

export interface DilateInput {
  atlas: RgbaImage;
  /** Texels with weight > 0 are known; the others get filled. */
  weight: Float32Array;
  /** How many texels to grow known regions by (0..4096). */
  pixels: number;
}

export interface DilateResult {
  atlas: RgbaImage;
  /** 1 where dilation wrote a texel. */
  filled: Uint8Array;
}

export interface SurfaceView {
  camera: PinholeCamera;
  /** One byte per pixel, > 127 = the object. */
  mask: GrayImage;
}

export interface SurfaceLosses {
  /** Mean squared silhouette violation per ray (voxels²). */
  mask: number;
  /** Mean (|∇φ| − 1)² per grid node. */
  eikonal: number;
  /** Mean (φ − φ_prior)² per grid node (voxels²). */
  prior: number;
}

export interface ReconstructSurfaceInput {
  views: readonly SurfaceView[];
  /** The prior (head + hair, one or more closed meshes) whose SDF starts the fit and regularises it. */
  prior?: { positions: Float32Array; indices: Uint32Array };
  /** Grid nodes per axis of each coarse-to-fine level, e.g. [32, 64, 128]. */
  resolutions: readonly number[];
  /** Adam steps per level. */
  steps: readonly number[];
  raysPerView?: number;
  learningRate?: number;
  maskWeight?: number;
  eikonalWeight?: number;
  priorWeight?: number;
  smoothWeight?: number;
  /** The grid's cube (metres); default from the prior's bounds × margin. */
  centre?: readonly [number, number, number];
  side?: number;
  margin?: number;
  backend?: BackendRequest;
  onProgress?: (step: number, total: number, losses: SurfaceLosses) => void;
  signal?: AbortSignal;
}

export interface ReconstructSurfaceResult {
  /** Zero level set, largest component; empty when cancelled. */
  positions: Float32Array;
  indices: Uint32Array;
  components: number;
  watertight: boolean;
  steps: number;
  cancelled: boolean;
  backend: NativeBackend;
  seconds: number;
  initial: SurfaceLosses;
  final: SurfaceLosses;
  grid: { n: number; origin: number[]; voxel: number };
}

interface RawAddon {
  renderTexturedMesh(input: object): Promise<{
    rgba: Uint8Array;
    depth: Float32Array;
    triangleId: Int32Array;
    backend: NativeBackend;
  }>;
  bakeProjectedTexture(
    input: object,
  ): Promise<{ rgba: Uint8Array; weight: Float32Array; backend: NativeBackend }>;
  dilateAtlas(input: object): Promise<{ rgba: Uint8Array; filled: Uint8Array }>;
  reconstructSurface?(input: object): Promise<ReconstructSurfaceResult>;
  backendInfo(): BackendInfo;
  setForceCpu(force: boolean): void;
  setCpuThreads(threads: number): void;
}

let addonPathOverride: string | undefined;
let loaded: { path: string; addon: RawAddon } | undefined;

/** Use the addon at this path (packaged apps: e.g. inside `app.asar.unpacked`). Call before first use. */
export function setNativeAddonPath(addonPath: string): void {
  const resolved = path.resolve(addonPath);
  if (loaded && loaded.path !== resolved) {
    throw new Error(`native addon already loaded from ${loaded.path}; cannot switch to ${resolved}`);
  }
  addonPathOverride = resolved;
}

/**
 * Where the addon is looked for: the override, else $GEN3D_NATIVE_ADDON alone (a packaged app or a
 * test names one file), else native/build above this module, then below cwd.
 */
export function nativeAddonCandidates(): string[] {
  if (addonPathOverride) return [addonPathOverride];
  const fromEnv = process.env.GEN3D_NATIVE_ADDON;
  if (fromEnv) return [path.resolve(fromEnv)];
  const found: string[] = [];
  // Walking up works from src-main/engine/native (tsx) and from a bundle under out/ alike.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    found.push(path.join(dir, 'native', 'build', NATIVE_ADDON_FILE));
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  found.push(path.join(process.cwd(), 'native', 'build', NATIVE_ADDON_FILE));
  return [...new Set(found)];
}

function addon(): RawAddon {
  if (loaded) return loaded.addon;
  const candidates = nativeAddonCandidates();
  const addonPath = candidates.find((p) => existsSync(p));
  if (!addonPath) {
    throw new Error(`native addon not built: run npm run build:native (looked for ${candidates.join(', ')})`);
  }
  try {
    const raw = createRequire(import.meta.url)(addonPath) as RawAddon;
    loaded = { path: addonPath, addon: raw };
    return raw;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(
      `native addon at ${addonPath} failed to load (${why}); rebuild with npm run build:native`,
    );
  }
}

/** True when the addon file exists and loads. */
export function isNativeAddonAvailable(): boolean {
  return nativeAddonProblem() === undefined;
}

/** Why the addon cannot be used (not built, or fails to load), or undefined when it loads. */
export function nativeAddonProblem(): string | undefined {
  try {
    addon();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** The backend an 'auto' call uses now, and why. */
export function backendInfo(): BackendInfo {
  return addon().backendInfo();
}

/** Make 'auto' mean CPU for every later call (also: env GEN3D_NATIVE_FORCE_CPU=1). */
export function setForceCpu(force: boolean): void {
  addon().setForceCpu(force);
}

/** Worker threads of the CPU path; 0 = one per hardware thread. */
export function setCpuThreads(threads: number): void {
  checkInt(threads, 'threads', 0, 1024);
  addon().setCpuThreads(threads);
}

/** Rasterize a textured mesh: colour, depth and triangle id per pixel. */
export async function renderTexturedMesh(input: RenderInput): Promise<RenderResult> {
  checkMesh(input, false);
  checkCamera(input.camera);
  checkSize(input.width, input.height, 'render');
  if (input.texture) checkImage(input.texture, 4, 'texture');
  if (input.background) {
    if (
      input.background.length !== 4 ||
      !input.background.every((c) => Number.isFinite(c) && c >= 0 && c <= 255)
    ) {
      throw new Error('background must be 4 numbers in 0..255');
    }
  }
  if (input.ambient !== undefined && !(input.ambient >= 0 && input.ambient <= 1)) {
    throw new Error('ambient must be in 0..1');
  }
  checkNear(input.near);
  const raw = await addon().renderTexturedMesh({
    positions: input.positions,
    uvs: input.uvs,
    normals: input.normals,
    indices: input.indices,
    texture: input.texture,
    camera: cameraObject(input.camera),
    width: input.width,
    height: input.height,
    background: input.background ? [...input.background] : undefined,
    cullBackFaces: input.cullBackFaces ?? false,
    lambert: (input.shading ?? 'none') === 'lambert',
    ambient: input.ambient,
    near: input.near,
    backend: input.backend ?? 'auto',
  });
  return {
    image: { width: input.width, height: input.height, data: raw.rgba },
    depth: raw.depth,
    triangleId: raw.triangleId,
    backend: raw.backend,
  };
}

/** Project a photo onto the mesh's UV atlas: colour and view weight per texel. */
export async function bakeProjectedTexture(input: BakeInput): Promise<BakeResult> {
  checkMesh(input, true);
  checkCamera(input.camera);
  checkSize(input.atlasWidth, input.atlasHeight, 'atlas');
  checkImage(input.photo, 4, 'photo');
  if (input.mask) {
    checkImage(input.mask, 1, 'mask');
    if (input.mask.width !== input.photo.width || input.mask.height !== input.photo.height) {
      throw new Error('mask must have the photo size');
    }
  }
  if (input.depthEpsilon !== undefined && !(input.depthEpsilon >= 0 && Number.isFinite(input.depthEpsilon))) {
    throw new Error('depthEpsilon must be a finite number >= 0');
  }
  checkNear(input.near);
  const raw = await addon().bakeProjectedTexture({
    positions: input.positions,
    uvs: input.uvs,
    normals: input.normals,
    indices: input.indices,
    photo: input.photo,
    mask: input.mask,
    camera: cameraObject(input.camera),
    atlasWidth: input.atlasWidth,
    atlasHeight: input.atlasHeight,
    depthEpsilon: input.depthEpsilon,
    near: input.near,
    backend: input.backend ?? 'auto',
  });
  return {
    atlas: { width: input.atlasWidth, height: input.atlasHeight, data: raw.rgba },
    weight: raw.weight,
    backend: raw.backend,
  };
}

/** Grow known texels (weight > 0) into unknown ones by `pixels` texels, so seams sample real colour. */
export async function dilateAtlas(input: DilateInput): Promise<DilateResult> {
  checkImage(input.atlas, 4, 'atlas');
  if (!(input.weight instanceof Float32Array)) throw new Error('weight must be a Float32Array');
  if (input.weight.length !== input.atlas.width * input.atlas.height) {
    throw new Error(`weight length ${input.weight.length} must be atlas width × height`);
  }
  checkInt(input.pixels, 'pixels', 0, 4096);
  const raw = await addon().dilateAtlas({ atlas: input.atlas, weight: input.weight, pixels: input.pixels });
  return {
    atlas: { width: input.atlas.width, height: input.atlas.height, data: raw.rgba },
    filled: raw.filled,
  };
}

/**
 * Fit a signed distance field to the views' silhouettes, starting from (and regularised towards) the
 * prior's, coarse to fine; return its zero level set as a closed mesh (largest component).
 */
export async function reconstructSurface(input: ReconstructSurfaceInput): Promise<ReconstructSurfaceResult> {
  if (input.views.length === 0) throw new Error('reconstructSurface: at least one view is required');
  input.views.forEach((view, i) => {
    checkCamera(view.camera);
    checkImage(view.mask, 1, `views[${i}].mask`);
  });
  if (input.prior) checkMesh(input.prior, false);
  if (input.resolutions.length === 0 || input.resolutions.length !== input.steps.length) {
    throw new Error('resolutions and steps must be non-empty lists of the same length');
  }
  input.resolutions.forEach((n) => checkInt(n, 'resolution', 8, 512));
  input.steps.forEach((n) => checkInt(n, 'steps', 0, 100000));
  const raw = addon();
  if (!raw.reconstructSurface)
    throw new Error('the native addon is older than reconstructSurface: rebuild it');
  const cancel = new Int32Array(1);
  const onAbort = (): void => {
    cancel[0] = 1;
  };
  input.signal?.addEventListener('abort', onAbort);
  if (input.signal?.aborted) cancel[0] = 1;
  const { onProgress } = input;
  try {
    return await raw.reconstructSurface({
      views: input.views.map((v) => ({
        camera: cameraObject(v.camera),
        width: v.mask.width,
        height: v.mask.height,
        mask: v.mask.data,
      })),
      prior: input.prior,
      resolutions: [...input.resolutions],
      steps: [...input.steps],
      raysPerView: input.raysPerView,
      learningRate: input.learningRate,
      maskWeight: input.maskWeight,
      eikonalWeight: input.eikonalWeight,
      priorWeight: input.priorWeight,
      smoothWeight: input.smoothWeight,
      centre: input.centre ? [...input.centre] : undefined,
      side: input.side,
      margin: input.margin,
      backend: input.backend ?? 'auto',
      cancel,
      onProgress: onProgress
        ? (step: number, total: number, mask: number, eikonal: number, prior: number) =>
            onProgress(step, total, { mask, eikonal, prior })
        : undefined,
    });
  } finally {
    input.signal?.removeEventListener('abort', onAbort);
  }
}

// ---- input checks: a clear message naming the field, before anything crosses into C++ ----

const MAX_SIZE = 16384;

function checkInt(value: number, name: string, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer in ${min}..${max} (got ${value})`);
  }
}

function checkSize(width: number, height: number, what: string): void {
  checkInt(width, `${what} width`, 1, MAX_SIZE);
  checkInt(height, `${what} height`, 1, MAX_SIZE);
}

function checkImage(image: RgbaImage | GrayImage, channels: number, name: string): void {
  checkSize(image.width, image.height, name);
  if (!(image.data instanceof Uint8Array)) throw new Error(`${name}.data must be a Uint8Array`);
  const want = image.width * image.height * channels;
  if (image.data.length !== want) {
    throw new Error(
      `${name}.data has ${image.data.length} bytes, expected ${image.width}×${image.height}×${channels} = ${want}`,
    );
  }
}

function checkNear(near: number | undefined): void {
  if (near !== undefined && !(near > 0 && Number.isFinite(near)))
    throw new Error('near must be a finite number > 0');
}

function checkMesh(mesh: MeshArrays, needUvs: boolean): void {
  if (!(mesh.positions instanceof Float32Array)) throw new Error('positions must be a Float32Array');
  if (!(mesh.indices instanceof Uint32Array)) throw new Error('indices must be a Uint32Array');
  if (mesh.positions.length % 3 !== 0) {
    throw new Error(`positions length ${mesh.positions.length} is not a multiple of 3`);
  }
  if (mesh.indices.length % 3 !== 0)
    throw new Error(`indices length ${mesh.indices.length} is not a multiple of 3`);
  const vertexCount = mesh.positions.length / 3;
  if (mesh.uvs !== undefined) {
    if (!(mesh.uvs instanceof Float32Array)) throw new Error('uvs must be a Float32Array');
    if (mesh.uvs.length !== vertexCount * 2) {
      throw new Error(`uvs length ${mesh.uvs.length} must be 2 × vertex count (${vertexCount * 2})`);
    }
  } else if (needUvs) {
    throw new Error('uvs are required');
  }
  if (mesh.normals !== undefined) {
    if (!(mesh.normals instanceof Float32Array)) throw new Error('normals must be a Float32Array');
    if (mesh.normals.length !== vertexCount * 3) {
      throw new Error(`normals length ${mesh.normals.length} must be 3 × vertex count (${vertexCount * 3})`);
    }
  }
  for (let i = 0; i < mesh.indices.length; i++) {
    const index = mesh.indices[i]!;
    if (index >= vertexCount) {
      throw new Error(`indices[${i}] = ${index} is out of range (vertex count ${vertexCount})`);
    }
  }
}

function checkCamera(camera: PinholeCamera): void {
  for (const key of ['fx', 'fy', 'cx', 'cy'] as const) {
    if (!Number.isFinite(camera[key])) throw new Error(`camera.${key} must be a finite number`);
  }
  if (camera.fx === 0 || camera.fy === 0) throw new Error('camera.fx and camera.fy must be non-zero');
  if (camera.R?.length !== 9) throw new Error('camera.R must hold 9 numbers (row-major world-to-camera)');
  if (camera.t?.length !== 3) throw new Error('camera.t must hold 3 numbers');
  for (const list of [camera.R, camera.t]) {
    for (let i = 0; i < list.length; i++) {
      if (!Number.isFinite(list[i])) throw new Error('camera.R and camera.t must be finite numbers');
    }
  }
}

function cameraObject(camera: PinholeCamera): object {
  return {
    fx: camera.fx,
    fy: camera.fy,
    cx: camera.cx,
    cy: camera.cy,
    R: Array.from(camera.R),
    t: Array.from(camera.t),
  };
}
