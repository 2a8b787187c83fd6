/**
 * The UV checker's pixels: a checkerboard in texture space whose light squares are tinted by where they
 * lie (red grows with u, green with v), so stretching, seams and flipped islands read at a glance.
 * Pure; head-viewport turns it into a Babylon RawTexture.
 */

/** RGBA bytes of a size×size checker with `cells` squares per side (row 0 is v = 0). */
export function checkerPixels(size: number, cells: number): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const cell = size / cells;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const cx = Math.floor(x / cell);
      const cy = Math.floor(y / cell);
      const light = (cx + cy) % 2 === 0;
      const u = (cx + 0.5) / cells;
      const v = (cy + 0.5) / cells;
      const i = (y * size + x) * 4;
      if (light) {
        pixels[i] = Math.round(120 + 135 * u);
        pixels[i + 1] = Math.round(120 + 135 * v);
        pixels[i + 2] = 200;
      } else {
        // Dark squares stay clear of the viewport's background colour.
        pixels[i] = pixels[i + 1] = pixels[i + 2] = 56;
      }
      pixels[i + 3] = 255;
    }
  return pixels;
}
