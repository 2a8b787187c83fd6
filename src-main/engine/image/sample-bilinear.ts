/** Bilinear sampling of RGBA pixels, the one way the TypeScript side reads an image between pixels. */

export interface RgbaPixels {
  data: Uint8Array;
  width: number;
  height: number;
}

/** RGBA at pixel-centred coordinates (pixel i's centre at i), clamped to the edge, into `out[0..3]`. */
export function sampleBilinear(img: RgbaPixels, x: number, y: number, out: Float32Array): void {
  const fx = Math.min(Math.max(x, 0), img.width - 1);
  const fy = Math.min(Math.max(y, 0), img.height - 1);
  const x0 = Math.floor(fx),
    y0 = Math.floor(fy);
  const x1 = Math.min(x0 + 1, img.width - 1),
    y1 = Math.min(y0 + 1, img.height - 1);
  const tx = fx - x0,
    ty = fy - y0;
  const d = img.data;
  const i00 = (y0 * img.width + x0) * 4,
    i10 = (y0 * img.width + x1) * 4;
  const i01 = (y1 * img.width + x0) * 4,
    i11 = (y1 * img.width + x1) * 4;
  for (let c = 0; c < 4; c++) {
    const top = d[i00 + c]! * (1 - tx) + d[i10 + c]! * tx;
    const bottom = d[i01 + c]! * (1 - tx) + d[i11 + c]! * tx;
    out[c] = top * (1 - ty) + bottom * ty;
  }
}
