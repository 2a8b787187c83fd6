/**
 * Pixel statistics of every <img> a selector matches, from the decoded image itself (its natural size),
 * not from a screenshot, so CSS dimming or scaling does not change them. The function handed to
 * page.evaluate must be self-contained.
 */
import type { Page } from 'playwright-core';
import type { PageCanvas } from './page-canvas';

export interface ImageStats {
  width: number;
  height: number;
  /** Standard deviation of luminance, 0..255: 0 for a blank (one-colour) picture. */
  lumaStd: number;
  /** Share of pixels that are neither near-black nor near-white. */
  inked: number;
}

/** The little of the DOM the page function uses (tests are type-checked without the DOM library). */
interface PageImage {
  naturalWidth: number;
  naturalHeight: number;
}
interface PageDocument {
  querySelectorAll(selector: string): ArrayLike<PageImage>;
  createElement(tag: 'canvas'): PageCanvas;
}

export function imageStats(page: Page, selector: string): Promise<ImageStats[]> {
  return page.evaluate((selector) => {
    const document = (globalThis as unknown as { document: PageDocument }).document;
    return Array.from(document.querySelectorAll(selector)).map((image) => {
      const canvas = document.createElement('canvas');
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0) return { width: 0, height: 0, lumaStd: 0, inked: 0 };
      ctx.drawImage(image, 0, 0);
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let sum = 0;
      let sumSq = 0;
      let inked = 0;
      const n = data.length / 4;
      for (let i = 0; i < data.length; i += 4) {
        const luma = 0.299 * (data[i] ?? 0) + 0.587 * (data[i + 1] ?? 0) + 0.114 * (data[i + 2] ?? 0);
        sum += luma;
        sumSq += luma * luma;
        if (luma > 12 && luma < 243) inked++;
      }
      const mean = sum / n;
      return {
        width: canvas.width,
        height: canvas.height,
        lumaStd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)),
        inked: inked / n,
      };
    });
  }, selector);
}
