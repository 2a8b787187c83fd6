/**
 * Real test photos and photos derived from them in code (no binary fixtures beyond the samples),
 * including the bad files users really drop on the studio by mistake.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import sharp, { type Sharp } from 'sharp';

export const SAMPLES_DIR = path.resolve(import.meta.dirname, '../../resources/samples');
export const ASTRONAUT = path.join(SAMPLES_DIR, 'astronaut.png');
export const COFFEE = path.join(SAMPLES_DIR, 'coffee.png');
export const GRACE_HOPPER = path.join(SAMPLES_DIR, 'grace_hopper.jpg');
export const CAMERAMAN = path.join(SAMPLES_DIR, 'cameraman.png');
/** KPhotoAlbum's demo portrait of its author (CC BY-SA 4.0, resources/samples/SOURCES.md). */
export const JESPER = path.join(SAMPLES_DIR, 'kpa_jesper.jpg');
/** The same man in a tight close-up, head rolled ~25°, the top of his head cut off by the frame. */
export const JESPER_TILT = path.join(SAMPLES_DIR, 'kpa_jesper_tilt.jpg');
/** KPhotoAlbum's demo: its author as a young new-waver, tall quiff, broad smile (CC BY-SA 4.0). */
export const NEW_WAVE = path.join(SAMPLES_DIR, 'kpa_new_wave.jpg');
/** PETSc's team photos (BSD-2-clause, SOURCES.md): a full beard; darker skin, moustache; glasses. */
export const PETSC_DAVE = path.join(SAMPLES_DIR, 'petsc_dave.jpg');
export const PETSC_DINESH = path.join(SAMPLES_DIR, 'petsc_dinesh.jpg');
export const PETSC_DMITRY = path.join(SAMPLES_DIR, 'petsc_dmitry.jpg');
/** Black and white, turned ~30°, black hair against a dark background with bright lights (200 px). */
export const PETSC_SEAN = path.join(SAMPLES_DIR, 'petsc_sean.jpg');
/** A tiny photo (89×90, a 36 px face): short brown hair, glasses, dark foliage behind. */
export const PETSC_SARICH = path.join(SAMPLES_DIR, 'petsc_sarich.jpg');
/** Marie Curie, black and white, turned ~25°, grey curly hair pinned up (public domain). */
export const MARIE_CURIE = path.join(SAMPLES_DIR, 'marie_curie.jpg');
/** Dmitri Mendeleev, elderly, long hair and beard, half-length, greyscale (public domain). */
export const MENDELEEV = path.join(SAMPLES_DIR, 'mendeleev.jpg');
/** A 10-month-old child in a knitted headscarf, head rolled ~30° (LPPL 1.3, © 2008 Alpha Huang). */
export const CHILD_HEADSCARF = path.join(SAMPLES_DIR, 'child_headscarf.jpg');

export interface Photo {
  png: Buffer;
  width: number;
  height: number;
}

export async function loadPhoto(file: string): Promise<Photo> {
  const png = await sharp(await readFile(file))
    .removeAlpha()
    .png()
    .toBuffer();
  const { width, height } = await sharp(png).metadata();
  return { png, width: width!, height: height! };
}

export async function toPhoto(image: Sharp): Promise<Photo> {
  const { data, info } = await image.removeAlpha().png().toBuffer({ resolveWithObject: true });
  return { png: data, width: info.width, height: info.height };
}

/** Eileen Collins's head and shoulders cut from astronaut.png (photo pixels of the 512² original). */
export const ASTRONAUT_HEAD = { left: 110, top: 0, width: 230, height: 260 } as const;

/**
 * Two people side by side, both cut from the real photo: the left copy at full size, the right one
 * at 75 %, so "largest" has one right answer.
 */
export async function twoFacesPhoto(): Promise<{ photo: Photo; leftScale: number; rightScale: number }> {
  const head = await sharp(ASTRONAUT).removeAlpha().extract(ASTRONAUT_HEAD).png().toBuffer();
  const small = await sharp(head)
    .resize(Math.round(ASTRONAUT_HEAD.width * 0.75))
    .png()
    .toBuffer();
  const image = sharp({
    create: { width: 440, height: 290, channels: 3, background: '#d8d8d8' },
  }).composite([
    { input: head, left: 10, top: 20 },
    { input: small, left: 255, top: 60 },
  ]);
  return { photo: await toPhoto(image), leftScale: 1, rightScale: 0.75 };
}

/**
 * A PNG that declares width × height in a valid IHDR (correct CRC) with a tiny IDAT: a decompression
 * bomb's header. Readers that trust the header would try to allocate width × height × 3 bytes.
 */
export function pngWithDeclaredSize(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  // compression, filter, interlace: 0
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(1024))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** Mean absolute difference per channel value between two same-size RGB images. */
export async function meanAbsDiff(a: Buffer, b: Buffer): Promise<number> {
  const ra = await sharp(a).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const rb = await sharp(b).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (ra.info.width !== rb.info.width || ra.info.height !== rb.info.height) {
    throw new Error(`size differs: ${ra.info.width}×${ra.info.height} vs ${rb.info.width}×${rb.info.height}`);
  }
  let sum = 0;
  for (let i = 0; i < ra.data.length; i++) sum += Math.abs(ra.data[i]! - rb.data[i]!);
  return sum / ra.data.length;
}

export async function truncatedJpeg(): Promise<Buffer> {
  const jpeg = await sharp(ASTRONAUT).jpeg({ quality: 90 }).toBuffer();
  return jpeg.subarray(0, Math.floor(jpeg.length * 0.4));
}

/**
 * Writes an empty file, text renamed .jpg, a truncated JPEG and a PNG whose header claims
 * 30000×30000 into dir; returns [file, expected error code] pairs.
 */
export async function writeBadPhotos(dir: string): Promise<[string, string][]> {
  const files: [string, Buffer, string][] = [
    ['empty.jpg', Buffer.alloc(0), 'empty-file'],
    ['notes.jpg', Buffer.from('These are my notes, not a photo.\n'.repeat(20)), 'not-an-image'],
    ['truncated.jpg', await truncatedJpeg(), 'corrupt-image'],
    ['huge.png', pngWithDeclaredSize(30000, 30000), 'image-too-large'],
  ];
  const out: [string, string][] = [];
  for (const [name, bytes, code] of files) {
    await writeFile(path.join(dir, name), bytes);
    out.push([path.join(dir, name), code]);
  }
  return out;
}
