/**
 * Colour statistics of a PNG (a screenshot of the 3D viewport) over its foreground: the pixels further
 * than 24 (sum of |dRGB|) from the viewport's clear colour. Pure apart from decoding with sharp.
 */
import sharp from 'sharp';

export interface ColourStats {
  width: number;
  height: number;
  /** Share of pixels that are foreground. */
  foreground: number;
  /** Mean red, green, blue of the foreground, 0..255. */
  meanRgb: [number, number, number];
  /** Mean luminance of the foreground, 0..255. */
  meanLuma: number;
  /** Mean HSV saturation of the foreground, 0..1 (0: greys only). */
  meanSaturation: number;
  /** Of 12 hue sectors, how many hold at least 3 % of the saturated (> 0.25) foreground pixels. */
  hueSectors: number;
  /** Share of foreground pixels whose luminance jumps by more than 40 to the right or below neighbour. */
  edgeShare: number;
}

export async function pngColourStats(
  png: Buffer,
  background: [number, number, number],
): Promise<ColourStats> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = info;
  const at = (x: number, y: number) => (y * width + x) * 3;
  const luma = (i: number) => 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
  const isForeground = (i: number) =>
    Math.abs(data[i]! - background[0]) +
      Math.abs(data[i + 1]! - background[1]) +
      Math.abs(data[i + 2]! - background[2]) >
    24;
  let count = 0;
  let lumaSum = 0;
  let saturationSum = 0;
  let edges = 0;
  let saturated = 0;
  const rgbSum = [0, 0, 0];
  const sectors = new Array<number>(12).fill(0);
  for (let y = 0; y < height - 1; y++)
    for (let x = 0; x < width - 1; x++) {
      const i = at(x, y);
      if (!isForeground(i)) continue;
      count++;
      const l = luma(i);
      lumaSum += l;
      for (let c = 0; c < 3; c++) rgbSum[c]! += data[i + c]!;
      if (Math.abs(l - luma(at(x + 1, y))) > 40 || Math.abs(l - luma(at(x, y + 1))) > 40) edges++;
      const r = data[i]! / 255;
      const g = data[i + 1]! / 255;
      const b = data[i + 2]! / 255;
      const max = Math.max(r, g, b);
      const min = Math.min(r, g, b);
      const saturation = max === 0 ? 0 : (max - min) / max;
      saturationSum += saturation;
      if (saturation > 0.25) {
        saturated++;
        const d = max - min;
        const hue = max === r ? ((g - b) / d + 6) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
        sectors[Math.min(11, Math.floor(hue * 2))]!++;
      }
    }
  const n = Math.max(1, count);
  return {
    width,
    height,
    foreground: count / (width * height),
    meanRgb: [rgbSum[0]! / n, rgbSum[1]! / n, rgbSum[2]! / n],
    meanLuma: lumaSum / n,
    meanSaturation: saturationSum / n,
    hueSectors: sectors.filter((s) => saturated > 0 && s / saturated >= 0.03).length,
    edgeShare: edges / n,
  };
}
