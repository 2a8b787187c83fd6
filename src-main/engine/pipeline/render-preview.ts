/**
 * The headless preview of a result: front, three-quarter, profile and back, each kept as its own
 * PNG and side by side in one strip — the views where a head made from one photo falls apart first.
 */
import type { RenderableObject } from './render-views';
import { renderViews, viewPng, viewStripPng } from './render-views';

export const PREVIEW_VIEWS = [
  { name: 'front', azimuthDeg: 0 },
  { name: 'three-quarter', azimuthDeg: 45 },
  { name: 'profile', azimuthDeg: 90 },
  { name: 'back', azimuthDeg: 180 },
] as const;
const PANEL = 512;

export interface PreviewPngs {
  strip: Buffer;
  views: { name: (typeof PREVIEW_VIEWS)[number]['name']; png: Buffer }[];
}

export async function renderPreviewPngs(objects: readonly RenderableObject[]): Promise<PreviewPngs> {
  const rendered = await renderViews(
    objects,
    PREVIEW_VIEWS.map((v) => v.azimuthDeg),
    { size: PANEL },
  );
  return {
    strip: await viewStripPng(rendered),
    views: await Promise.all(
      PREVIEW_VIEWS.map(async (v, i) => ({ name: v.name, png: await viewPng(rendered[i]!) })),
    ),
  };
}

/** `count` views evenly around the head, starting at the front (azimuth 0, 360/count apart). */
export function turntableAzimuths(count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(((i * 360) / count) * 10) / 10);
}

/** File name of a turntable view: its azimuth, zero-padded, so names sort in turning order. */
export function turntableFileName(azimuthDeg: number): string {
  return `${azimuthDeg.toFixed(1).padStart(5, '0').replace('.0', '')}deg.png`;
}
