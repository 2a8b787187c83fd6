/**
 * SSIM/PSNR of generated views against a ground truth from the same cameras (the paper's measure on
 * held-out identities): each truth view paired with the generated view of the same file name (the
 * rig's index, `NN.png`), the truth resized to the generated size, alpha flattened on white.
 */
import sharp from 'sharp';
import type { RawImage } from '../image/raw-image';
import { psnr, ssim } from './image-similarity';

const PSNR_CAP_DB = 100;

export interface ViewSetSimilarity {
  views: { name: string; ssim: number; psnrDb: number }[];
  ssim: number;
  /** Mean over the views, each capped at 100 dB (identical images). */
  psnrDb: number;
}

export async function compareViewSets(
  generated: readonly { name: string; png: Buffer }[],
  truth: readonly { name: string; png: Buffer }[],
): Promise<ViewSetSimilarity | undefined> {
  const views: ViewSetSimilarity['views'] = [];
  for (const t of truth) {
    const g = generated.find((x) => x.name === t.name);
    if (!g) continue;
    const a = await rgb(g.png);
    const b = await rgb(t.png, a.width, a.height);
    views.push({
      name: t.name,
      ssim: round(ssim(a, b)),
      psnrDb: round(Math.min(PSNR_CAP_DB, psnr(a, b))),
    });
  }
  if (views.length === 0) return undefined;
  const mean = (xs: number[]): number => round(xs.reduce((s, x) => s + x, 0) / xs.length);
  return { views, ssim: mean(views.map((v) => v.ssim)), psnrDb: mean(views.map((v) => v.psnrDb)) };
}

async function rgb(png: Buffer, width?: number, height?: number): Promise<RawImage> {
  let image = sharp(png).flatten({ background: '#ffffff' });
  if (width && height) image = image.resize(width, height, { fit: 'fill', kernel: 'lanczos3' });
  const { data, info } = await image.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
