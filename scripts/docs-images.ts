/**
 * The README's pictures, small, from what `npm test` saved: the Blender turntables of the test
 * photos (tests/turntable) and the studio after a job (tests/renderer). Run after `npm test`:
 *   npx tsx scripts/docs-images.ts
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT = path.join(ROOT, 'docs');
const TURNTABLES = [
  'astronaut',
  'grace_hopper',
  'cameraman',
  'kpa_jesper',
  'kpa_new_wave',
  'petsc_dave',
  'petsc_dinesh',
  'marie_curie',
  'child_headscarf',
  'mendeleev',
].map((n) => path.join(ROOT, 'test-output/turntable', `${n}-blender.png`));
const STUDIO = path.join(ROOT, 'test-output/renderer/studio-done.png');
const WIDTH = 1024;

await mkdir(OUT, { recursive: true });
const rows = await Promise.all(TURNTABLES.map((f) => sharp(f).resize({ width: WIDTH }).png().toBuffer()));
const rowHeight = (await sharp(rows[0]!).metadata()).height!;
await sharp({ create: { width: WIDTH, height: rowHeight * rows.length, channels: 3, background: '#ccc' } })
  .composite(rows.map((input, i) => ({ input, left: 0, top: i * rowHeight })))
  .png({ palette: true, quality: 90 })
  .toFile(path.join(OUT, 'turntable.png'));
console.log(`wrote ${path.join(OUT, 'turntable.png')}`);
// Only after the browser tests (a turntable test file run on its own leaves the studio's picture as it is).
if (existsSync(STUDIO)) {
  await sharp(STUDIO)
    .resize({ width: WIDTH })
    .png({ palette: true, quality: 90 })
    .toFile(path.join(OUT, 'studio.png'));
  console.log(`wrote ${path.join(OUT, 'studio.png')}`);
} else console.log(`${STUDIO} not there (the browser tests make it): docs/studio.png left as it is`);
