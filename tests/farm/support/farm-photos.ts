/** Photos for the farm's test and benchmark, made from the samples (no new binary fixtures). */
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { ASTRONAUT, CAMERAMAN, COFFEE, GRACE_HOPPER } from '../../support/photos';

/** Six different photos with faces (three samples and variants of them) and one without. */
export async function makeFarmPhotos(dir: string): Promise<{ faces: string[]; noFace: string }> {
  await mkdir(dir, { recursive: true });
  const faces = [join(dir, 'astronaut.png'), join(dir, 'grace_hopper.jpg'), join(dir, 'cameraman.png')];
  await copyFile(ASTRONAUT, faces[0]!);
  await copyFile(GRACE_HOPPER, faces[1]!);
  await copyFile(CAMERAMAN, faces[2]!);
  const variants: [string, (s: Sharp) => Sharp][] = [
    ['astronaut_flipped.png', (s) => s.flop()],
    ['grace_hopper_small.png', (s) => s.resize({ width: 400 })],
    ['cameraman_flipped.png', (s) => s.flop()],
  ];
  const sources = [ASTRONAUT, GRACE_HOPPER, CAMERAMAN];
  for (const [i, [name, change]] of variants.entries()) {
    const file = join(dir, name);
    await change(sharp(await readFile(sources[i]!)))
      .png()
      .toFile(file);
    faces.push(file);
  }
  const noFace = join(dir, 'coffee.png');
  await copyFile(COFFEE, noFace);
  return { faces, noFace };
}
