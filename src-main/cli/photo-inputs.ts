/** The photos a command line names: files as given, folders opened one level. */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UsageError } from './cli-args';

const PHOTO_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.heic',
  '.heif',
  '.avif',
  '.tif',
  '.tiff',
]);

/** Photos named directly, plus the photos inside named folders (not recursive), in a stable order. */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const photos: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new UsageError(`${input} does not exist`);
    if (info.isDirectory()) {
      const names = (await readdir(input))
        .filter((n) => PHOTO_EXTENSIONS.has(extname(n).toLowerCase()))
        .sort();
      if (names.length === 0)
        throw new UsageError(`${input} holds no photos (${[...PHOTO_EXTENSIONS].join(' ')})`);
      photos.push(...names.map((n) => join(input, n)));
    } else {
      photos.push(input);
    }
  }
  return photos;
}
