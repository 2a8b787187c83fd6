/**
 * Screenshots of the studio's 3D viewport, saved into the job folder as `screenshots/viewport-<n>.png`
 * (n counts up from 1; an existing file is never overwritten). Only PNG bytes are accepted: the name
 * is fixed here, so the renderer cannot choose where the file goes.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const SCREENSHOTS_DIR = 'screenshots';
/** A viewport PNG is a few MB at most; refuse anything absurd before it reaches the disk. */
export const MAX_SCREENSHOT_BYTES = 64 * 1024 * 1024;
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const NAME = /^viewport-(\d+)\.png$/;

export function isPng(bytes: Uint8Array): boolean {
  return bytes.length > PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** The next free number after the highest `viewport-<n>.png` among the names. */
export function nextScreenshotNumber(names: readonly string[]): number {
  let highest = 0;
  for (const name of names) {
    const match = NAME.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

/** Writes the PNG into `<jobDir>/screenshots/`; returns its path relative to the job folder. */
export async function saveViewportScreenshot(jobDir: string, png: Uint8Array): Promise<string> {
  if (!isPng(png)) throw new Error('a viewport screenshot must be a PNG');
  if (png.length > MAX_SCREENSHOT_BYTES) throw new Error('the screenshot is too large');
  const dir = join(jobDir, SCREENSHOTS_DIR);
  await mkdir(dir, { recursive: true });
  for (let n = nextScreenshotNumber(await readdir(dir)); ; n++) {
    const name = `viewport-${n}.png`;
    try {
      // 'wx': two saves at once get two numbers instead of one overwriting the other.
      await writeFile(join(dir, name), png, { flag: 'wx' });
      return `${SCREENSHOTS_DIR}/${name}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
