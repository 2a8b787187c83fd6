/**
 * The generated views of a job as reconstruction input: `views/cameras.json` (docs/multiview-diffusion.md:
 * per view K, world-to-camera R and t in head-frame metres, the file name) and each view's PNG.
 *
 * Masks: `views/NN.mask.png` when the generator wrote one (any channel; > 127 = head), else derived
 * from the view itself — the views are on white, so a pixel is the head when its darkest channel is
 * below 245 (`NON_WHITE_BELOW`); holes are filled (eye whites, teeth and highlights are white too, and
 * a hole would be carved through the head) and only the largest 8-connected region is kept (specks).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { PinholeCamera } from '../geometry/camera';
import { decodeRawImage, type RawImage } from '../image/raw-image';
import { StageError } from '../stage-error';

export const VIEWS_DIR = 'views';
export const CAMERAS_FILE = 'cameras.json';
export const NON_WHITE_BELOW = 245;

const finite = z.number().finite();
const CameraEntry = z.object({
  K: z.array(z.number()).length(9),
  R: z.array(z.number()).length(9),
  t: z.array(z.number()).length(3),
  file: z.string().min(1).optional(),
  azimuth: z.number().optional(),
  elevation: z.number().optional(),
});
const CamerasJson = z.object({
  frame: z.literal('head').optional(),
  units: z.literal('m').optional(),
  resolution: z.number().int().positive().optional(),
  headFrameOrigin: z.array(finite).length(3).optional(),
  views: z.array(CameraEntry).min(1),
});

export interface InputView {
  file: string;
  camera: PinholeCamera;
  image: RawImage;
  /** One byte per pixel, 255 = head. */
  mask: Uint8Array;
  maskSource: 'file' | 'non-white';
  azimuth?: number;
  elevation?: number;
}

export interface InputViews {
  views: InputView[];
  /** The head frame's origin in the prior's coordinates ([0,0,0] when the file has none). */
  headFrameOrigin: [number, number, number];
}

function badViews(message: string): StageError {
  return new StageError(
    'bad-views',
    message,
    'The generated views are incomplete or inconsistent; re-run the generate stage.',
  );
}

/** Read and check `views/` of a job: one camera per view, finite numbers, matching sizes, non-empty masks. */
export async function readInputViews(viewsDir: string): Promise<InputViews> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(viewsDir, CAMERAS_FILE), 'utf8'));
  } catch (error) {
    throw badViews(
      `${CAMERAS_FILE} cannot be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = CamerasJson.safeParse(json);
  if (!parsed.success) {
    throw badViews(
      `${CAMERAS_FILE} is malformed: ${parsed.error.issues[0]?.path.join('.')} ${parsed.error.issues[0]?.message}`,
    );
  }
  const file = parsed.data;
  const pngs = await listViewPngs(viewsDir);
  if (file.views.some((v) => !v.file) && pngs.length !== file.views.length) {
    throw badViews(
      `${CAMERAS_FILE} has ${file.views.length} cameras but views/ has ${pngs.length} view images`,
    );
  }
  const views: InputView[] = [];
  for (const [i, entry] of file.views.entries()) {
    const name = entry.file ?? pngs[i]!;
    const numbers = [...entry.K, ...entry.R, ...entry.t];
    if (!numbers.every(Number.isFinite)) throw badViews(`camera of view ${name} has non-finite numbers`);
    const [fx, , cx, , fy, cy] = entry.K as [number, number, number, number, number, number];
    if (fx === 0 || fy === 0) throw badViews(`camera of view ${name} has a zero focal length`);
    let png: Buffer;
    try {
      png = await readFile(join(viewsDir, name));
    } catch {
      throw badViews(`view image ${name} named in ${CAMERAS_FILE} is missing`);
    }
    const image = await decodeRawImage(png, 4);
    if (file.resolution && (image.width !== file.resolution || image.height !== file.resolution)) {
      throw badViews(
        `view ${name} is ${image.width}×${image.height}, ${CAMERAS_FILE} says ${file.resolution}`,
      );
    }
    const maskFile = name.replace(/\.png$/i, '.mask.png');
    const fromFile = await readMaskFile(join(viewsDir, maskFile), image);
    const mask = fromFile ?? maskFromNonWhite(image);
    let count = 0;
    for (let p = 0; p < mask.length; p++) count += mask[p]! > 127 ? 1 : 0;
    if (count === 0) throw badViews(`the mask of view ${name} is empty: no head pixel`);
    views.push({
      file: name,
      camera: { fx, fy, cx, cy, R: entry.R, t: entry.t, width: image.width, height: image.height },
      image,
      mask,
      maskSource: fromFile ? 'file' : 'non-white',
      ...(entry.azimuth !== undefined ? { azimuth: entry.azimuth } : {}),
      ...(entry.elevation !== undefined ? { elevation: entry.elevation } : {}),
    });
  }
  const origin = file.headFrameOrigin ?? [0, 0, 0];
  return { views, headFrameOrigin: [origin[0]!, origin[1]!, origin[2]!] };
}

async function listViewPngs(viewsDir: string): Promise<string[]> {
  try {
    return (await readdir(viewsDir)).filter((f) => /^\d+\.png$/.test(f)).sort();
  } catch {
    return [];
  }
}

async function readMaskFile(path: string, image: RawImage): Promise<Uint8Array | undefined> {
  let png: Buffer;
  try {
    png = await readFile(path);
  } catch {
    return undefined;
  }
  const raw = await decodeRawImage(png, 1);
  if (raw.width !== image.width || raw.height !== image.height) {
    throw badViews(`${path} is ${raw.width}×${raw.height}, its view ${image.width}×${image.height}`);
  }
  const mask = new Uint8Array(raw.width * raw.height);
  for (let p = 0; p < mask.length; p++) mask[p] = raw.data[p]! > 127 ? 255 : 0;
  return mask;
}

/** Head = darker than near-white, holes filled, largest 8-connected region only. */
export function maskFromNonWhite(image: RawImage): Uint8Array {
  const { width, height, data } = image;
  const n = width * height;
  const channels = data.length / n;
  const object = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const o = p * channels;
    const darkest = Math.min(data[o]!, data[o + 1]!, data[o + 2]!);
    const transparent = channels === 4 && data[o + 3]! < 128;
    object[p] = !transparent && darkest < NON_WHITE_BELOW ? 1 : 0;
  }
  return fillHolesKeepLargest(object, width, height);
}

function fillHolesKeepLargest(object: Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height;
  // Background reachable from the border (4-connected); the rest is the object with its holes filled.
  const outside = new Uint8Array(n);
  const stack: number[] = [];
  const seed = (p: number): void => {
    if (!object[p] && !outside[p]) {
      outside[p] = 1;
      stack.push(p);
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  while (stack.length) {
    const p = stack.pop()!;
    const x = p % width;
    if (x > 0) seed(p - 1);
    if (x < width - 1) seed(p + 1);
    if (p >= width) seed(p - width);
    if (p < n - width) seed(p + width);
  }
  // Largest 8-connected region of the filled object.
  const label = new Int32Array(n).fill(-1);
  let best = -1;
  let bestSize = 0;
  let next = 0;
  for (let start = 0; start < n; start++) {
    if (outside[start] || label[start]! >= 0) continue;
    const id = next++;
    let size = 0;
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const p = stack.pop()!;
      size++;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          const q = yy * width + xx;
          if (outside[q] || label[q]! >= 0) continue;
          label[q] = id;
          stack.push(q);
        }
      }
    }
    if (size > bestSize) {
      bestSize = size;
      best = id;
    }
  }
  const mask = new Uint8Array(n);
  for (let p = 0; p < n; p++) mask[p] = best >= 0 && label[p] === best ? 255 : 0;
  return mask;
}
