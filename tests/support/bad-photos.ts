/**
 * Files users really drop on the studio by mistake, made from the real sample photo where an image is
 * needed: an empty file, text renamed .jpg, a truncated JPEG, a PNG whose header claims 30000×30000.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';

export const SAMPLE = join(process.cwd(), 'resources/samples/astronaut.png');
export const NO_FACE = join(process.cwd(), 'resources/samples/coffee.png');

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header (signature + IHDR with correct CRC) claiming width × height, with one tiny IDAT. */
export function pngWithClaimedSize(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(64))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function truncatedJpeg(): Promise<Buffer> {
  const jpeg = await sharp(SAMPLE).jpeg({ quality: 90 }).toBuffer();
  return jpeg.subarray(0, Math.floor(jpeg.length * 0.4));
}

/** Writes the bad files into dir; returns [file, expected error code] pairs. */
export async function writeBadPhotos(dir: string): Promise<[string, string][]> {
  const files: [string, Buffer, string][] = [
    ['empty.jpg', Buffer.alloc(0), 'empty-file'],
    ['notes.jpg', Buffer.from('These are my notes, not a photo.\n'.repeat(20)), 'not-an-image'],
    ['truncated.jpg', await truncatedJpeg(), 'corrupt-image'],
    ['huge.png', pngWithClaimedSize(30000, 30000), 'image-too-large'],
  ];
  const out: [string, string][] = [];
  for (const [name, bytes, code] of files) {
    await writeFile(join(dir, name), bytes);
    out.push([join(dir, name), code]);
  }
  return out;
}
