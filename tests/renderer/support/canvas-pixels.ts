/**
 * Pixel statistics of a canvas in the page (2D or WebGL: both are drawn into a 2D canvas first).
 * The function handed to page.evaluate must be self-contained.
 */
import type { Page } from 'playwright-core';
import type { PageCanvas } from './page-canvas';

export interface CanvasStats {
  width: number;
  height: number;
  /** Standard deviation of luminance, 0..255. */
  lumaStd: number;
  /** Share of pixels further than 24 (sum of |dRGB|) from the given background colour. */
  offBackground: number;
  /** Pixels close to the landmark green (0, 255, 110). */
  landmarkGreen: number;
  /** Luminance sampled on a THUMB×THUMB grid, to compare two frames. */
  thumb: number[];
}

export const THUMB = 96;

/** Share of thumbnail samples whose luminance differs by more than 24 between two frames. */
export function changedShare(a: CanvasStats, b: CanvasStats): number {
  let changed = 0;
  for (let i = 0; i < a.thumb.length; i++)
    if (Math.abs((a.thumb[i] ?? 0) - (b.thumb[i] ?? 0)) > 24) changed++;
  return changed / Math.max(1, a.thumb.length);
}

/** The little of the DOM the page function uses (tests are type-checked without the DOM library). */
interface PageDocument {
  querySelector(selector: string): PageCanvas | null;
  createElement(tag: 'canvas'): PageCanvas;
}

export function canvasStats(
  page: Page,
  selector: string,
  background: [number, number, number],
): Promise<CanvasStats> {
  return page.evaluate(
    ({ selector, background, thumbSize }) => {
      const document = (globalThis as unknown as { document: PageDocument }).document;
      const source = document.querySelector(selector);
      if (!source) throw new Error(`no canvas ${selector}`);
      const copy = document.createElement('canvas');
      copy.width = source.width;
      copy.height = source.height;
      const ctx = copy.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      ctx.drawImage(source, 0, 0);
      const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
      let sum = 0;
      let sumSq = 0;
      let off = 0;
      let green = 0;
      const n = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i] ?? 0;
        const g = data[i + 1] ?? 0;
        const b = data[i + 2] ?? 0;
        const luma = 0.299 * r + 0.587 * g + 0.114 * b;
        sum += luma;
        sumSq += luma * luma;
        if (Math.abs(r - background[0]) + Math.abs(g - background[1]) + Math.abs(b - background[2]) > 24)
          off++;
        if (g > 200 && r < 90 && b > 50 && b < 170) green++;
      }
      const mean = sum / n;
      const thumb: number[] = [];
      for (let ty = 0; ty < thumbSize; ty++)
        for (let tx = 0; tx < thumbSize; tx++) {
          const x = Math.floor(((tx + 0.5) * copy.width) / thumbSize);
          const y = Math.floor(((ty + 0.5) * copy.height) / thumbSize);
          const i = (y * copy.width + x) * 4;
          thumb.push(0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0));
        }
      return {
        width: copy.width,
        height: copy.height,
        lumaStd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
        offBackground: off / n,
        landmarkGreen: green,
        thumb,
      };
    },
    { selector, background, thumbSize: THUMB },
  );
}
