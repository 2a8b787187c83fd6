/**
 * Paints the photo pane: the photo, then (each optional) the person mask as a tint, the projected
 * prior's wireframe and silhouette, and the landmarks. Plain 2D canvas; no Vue here.
 */
import type { PriorOverlay } from '../../src-main/shared/protocol';

export interface OverlayLayers {
  mask: boolean;
  landmarks: boolean;
  wireframe: boolean;
  silhouette: boolean;
}

export interface OverlayScene {
  photo?: ImageBitmap;
  mask?: ImageBitmap;
  overlay?: PriorOverlay;
  layers: OverlayLayers;
  /** 0..1, applied to every overlay layer. */
  opacity: number;
}

/** Colours chosen to stand out from skin, hair and sky (the test looks for the landmark green). */
export const OVERLAY_COLOURS = {
  mask: [64, 140, 255] as const,
  wireframe: 'rgb(255, 214, 64)',
  silhouette: 'rgb(255, 80, 200)',
  landmarks: 'rgb(0, 255, 110)',
};

const tintCache = new WeakMap<ImageBitmap, HTMLCanvasElement>();

/** The mask as a blue layer whose alpha is the mask value (cached per mask bitmap). */
function maskTint(mask: ImageBitmap): HTMLCanvasElement {
  const cached = tintCache.get(mask);
  if (cached) return cached;
  const canvas = document.createElement('canvas');
  canvas.width = mask.width;
  canvas.height = mask.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  ctx.drawImage(mask, 0, 0);
  const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const [r, g, b] = OVERLAY_COLOURS.mask;
  for (let i = 0; i < image.data.length; i += 4) {
    // Grey or alpha masks alike: the brighter/more opaque, the stronger the tint.
    const value = ((image.data[i] ?? 0) * (image.data[i + 3] ?? 0)) / 255;
    image.data[i] = r;
    image.data[i + 1] = g;
    image.data[i + 2] = b;
    image.data[i + 3] = value * 0.55;
  }
  ctx.putImageData(image, 0, 0);
  tintCache.set(mask, canvas);
  return canvas;
}

/** Size the canvas to the photo (or the overlay's frame) and paint everything. */
export function paintOverlayScene(canvas: HTMLCanvasElement, scene: OverlayScene): void {
  const width = scene.photo?.width ?? scene.overlay?.width ?? 1;
  const height = scene.photo?.height ?? scene.overlay?.height ?? 1;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.globalAlpha = 1;
  ctx.clearRect(0, 0, width, height);
  if (scene.photo) ctx.drawImage(scene.photo, 0, 0);

  ctx.globalAlpha = Math.min(1, Math.max(0, scene.opacity));
  if (scene.layers.mask && scene.mask) ctx.drawImage(maskTint(scene.mask), 0, 0, width, height);
  const overlay = scene.overlay;
  if (!overlay) return;
  // Overlay coordinates are photo pixels of the frame the estimator saw; scale if the photo differs.
  const sx = width / overlay.width;
  const sy = height / overlay.height;
  const lineWidth = Math.max(1, Math.round(Math.max(width, height) / 900));

  if (scene.layers.wireframe) {
    ctx.strokeStyle = OVERLAY_COLOURS.wireframe;
    ctx.lineWidth = lineWidth * 0.6;
    ctx.beginPath();
    const v = overlay.vertices;
    for (let e = 0; e + 1 < overlay.edges.length; e += 2) {
      const a = (overlay.edges[e] ?? 0) * 2;
      const b = (overlay.edges[e + 1] ?? 0) * 2;
      if (b + 1 >= v.length || a + 1 >= v.length) continue;
      ctx.moveTo((v[a] ?? 0) * sx, (v[a + 1] ?? 0) * sy);
      ctx.lineTo((v[b] ?? 0) * sx, (v[b + 1] ?? 0) * sy);
    }
    ctx.stroke();
  }
  if (scene.layers.silhouette) {
    ctx.strokeStyle = OVERLAY_COLOURS.silhouette;
    ctx.lineWidth = lineWidth * 2;
    for (const ring of overlay.silhouette) {
      if (ring.length < 4) continue;
      ctx.beginPath();
      ctx.moveTo((ring[0] ?? 0) * sx, (ring[1] ?? 0) * sy);
      for (let i = 2; i + 1 < ring.length; i += 2) ctx.lineTo((ring[i] ?? 0) * sx, (ring[i + 1] ?? 0) * sy);
      ctx.closePath();
      ctx.stroke();
    }
  }
  if (scene.layers.landmarks) {
    ctx.fillStyle = OVERLAY_COLOURS.landmarks;
    const radius = lineWidth * 1.6;
    for (let i = 0; i + 1 < overlay.landmarks.length; i += 2) {
      ctx.beginPath();
      ctx.arc((overlay.landmarks[i] ?? 0) * sx, (overlay.landmarks[i + 1] ?? 0) * sy, radius, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;
}
