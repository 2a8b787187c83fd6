/**
 * SSIM and PSNR of a result against a ground truth of the same size (a held-out synthetic identity's
 * render from the same camera). SSIM as Wang et al. 2004: luminance (BT.601 Y) of 8-bit images, an
 * 11 × 11 Gaussian window (σ 1.5), C1 = (0.01·255)², C2 = (0.03·255)², averaged over the image.
 * PSNR over R, G, B: 10·log10(255² / MSE), Infinity for identical images.
 */
import type { RawImage } from '../image/raw-image';

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;
const WINDOW_RADIUS = 5;
const WINDOW_SIGMA = 1.5;

function channelsOf(image: RawImage): number {
  const c = image.data.length / (image.width * image.height);
  if (c !== 3 && c !== 4) throw new Error(`image similarity: ${c} channels (3 or 4 expected)`);
  return c;
}

function checkSameSize(a: RawImage, b: RawImage): void {
  if (a.width !== b.width || a.height !== b.height)
    throw new Error(`image similarity: ${a.width}×${a.height} against ${b.width}×${b.height}`);
}

export function psnr(a: RawImage, b: RawImage): number {
  checkSameSize(a, b);
  const ca = channelsOf(a);
  const cb = channelsOf(b);
  let sum = 0;
  const n = a.width * a.height;
  for (let p = 0; p < n; p++) {
    for (let k = 0; k < 3; k++) sum += (a.data[p * ca + k]! - b.data[p * cb + k]!) ** 2;
  }
  const mse = sum / (n * 3);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

export function ssim(a: RawImage, b: RawImage): number {
  checkSameSize(a, b);
  const { width, height } = a;
  const x = luminance(a);
  const y = luminance(b);
  const n = width * height;
  const xx = new Float64Array(n);
  const yy = new Float64Array(n);
  const xy = new Float64Array(n);
  for (let p = 0; p < n; p++) {
    xx[p] = x[p]! * x[p]!;
    yy[p] = y[p]! * y[p]!;
    xy[p] = x[p]! * y[p]!;
  }
  const kernel = gaussianKernel(WINDOW_RADIUS, WINDOW_SIGMA);
  const [mx, my, sxx, syy, sxy] = [x, y, xx, yy, xy].map((c) => blur(c, width, height, kernel));
  let total = 0;
  for (let p = 0; p < n; p++) {
    const ux = mx![p]!;
    const uy = my![p]!;
    const vx = sxx![p]! - ux * ux;
    const vy = syy![p]! - uy * uy;
    const cov = sxy![p]! - ux * uy;
    total += ((2 * ux * uy + C1) * (2 * cov + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
  }
  return total / n;
}

function luminance(image: RawImage): Float64Array {
  const c = channelsOf(image);
  const n = image.width * image.height;
  const out = new Float64Array(n);
  const d = image.data;
  for (let p = 0; p < n; p++) out[p] = 0.299 * d[p * c]! + 0.587 * d[p * c + 1]! + 0.114 * d[p * c + 2]!;
  return out;
}

function gaussianKernel(radius: number, sigma: number): Float64Array {
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  return k.map((v) => v / sum);
}

/** Separable Gaussian blur; the window is renormalised where it leaves the image. */
function blur(src: Float64Array, width: number, height: number, kernel: Float64Array): Float64Array {
  const r = (kernel.length - 1) / 2;
  const tmp = new Float64Array(src.length);
  const out = new Float64Array(src.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      let w = 0;
      for (let i = -r; i <= r; i++) {
        const xi = x + i;
        if (xi < 0 || xi >= width) continue;
        s += src[y * width + xi]! * kernel[i + r]!;
        w += kernel[i + r]!;
      }
      tmp[y * width + x] = s / w;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let s = 0;
      let w = 0;
      for (let i = -r; i <= r; i++) {
        const yi = y + i;
        if (yi < 0 || yi >= height) continue;
        s += tmp[yi * width + x]! * kernel[i + r]!;
        w += kernel[i + r]!;
      }
      out[y * width + x] = s / w;
    }
  }
  return out;
}
