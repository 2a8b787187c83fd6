/**
 * One PNG per photo: the photo, then the head from every turntable azimuth, one row per generator,
 * each row labelled — the sheet to look at beside the eval table.
 */
import sharp, { type OverlayOptions } from 'sharp';

const CELL = 256;
const LABEL = 22;

export interface ContactRow {
  label: string;
  /** Turntable renders (encoded), in turning order; empty when the job failed. */
  views: Buffer[];
}

export async function contactSheetPng(photo: Buffer, rows: readonly ContactRow[]): Promise<Buffer> {
  const columns = 1 + Math.max(1, ...rows.map((r) => r.views.length));
  const rowHeight = CELL + LABEL;
  const fit = (image: Buffer): Promise<Buffer> =>
    sharp(image)
      .resize(CELL, CELL, { fit: 'contain', background: '#ffffff' })
      .flatten({ background: '#ffffff' })
      .png()
      .toBuffer();
  const layers: OverlayOptions[] = [];
  for (const [r, row] of rows.entries()) {
    const top = r * rowHeight;
    layers.push({ input: labelSvg(row.label, columns * CELL), left: 0, top });
    layers.push({ input: await fit(photo), left: 0, top: top + LABEL });
    for (const [c, view] of row.views.entries())
      layers.push({ input: await fit(view), left: (c + 1) * CELL, top: top + LABEL });
  }
  return sharp({
    create: {
      width: columns * CELL,
      height: Math.max(1, rows.length) * rowHeight,
      channels: 3,
      background: '#ffffff',
    },
  })
    .composite(layers)
    .png()
    .toBuffer();
}

function labelSvg(text: string, width: number): Buffer {
  const safe = text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${LABEL}">` +
      `<rect width="100%" height="100%" fill="#e8eaee"/>` +
      `<text x="6" y="16" font-family="sans-serif" font-size="14" fill="#222">${safe}</text></svg>`,
  );
}
