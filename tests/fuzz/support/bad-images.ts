/**
 * Bad photos, made from a real test photo: each format sharp writes, truncated, bit-flipped, with a
 * scrambled header, declaring a huge size, under a wrong extension; plus empty files, random bytes
 * and documents named as photos. Each goes through the engine's real ingest stage in a job folder
 * of its own: the photo in `input/`, the working copy written as `photo.png`.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { ingestStage } from '../../../src-main/engine/pipeline/stages/ingest-stage';
import { createStageContext } from '../../../src-main/engine/pipeline/stage-context';
import { INPUT_DIR } from '../../../src-main/shared/job-folder';
import { JOB_PATHS, JobSettings, PROTOCOL_VERSION, type JobRecord } from '../../../src-main/shared/protocol';
import { GRACE_HOPPER } from '../../support/photos';
import { declareHugeSize, type PhotoFormat } from './image-bombs';
import { accepted, classifyThrown, lost, type FuzzCase, type Outcome } from './outcome';
import { flipBits, seededRandom } from './seeded-random';

const FORMATS: PhotoFormat[] = ['png', 'jpeg', 'webp', 'tiff', 'avif', 'gif'];
const EXTENSION: Record<PhotoFormat, string> = {
  png: '.png',
  jpeg: '.jpg',
  webp: '.webp',
  tiff: '.tif',
  avif: '.avif',
  gif: '.gif',
};
/** Side of the photo the bad files are made from: small, so that a few hundred decode in seconds. */
const BASE_SIDE = 128;
const TRUNCATIONS = [0.001, 0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];
const FLIP_COUNTS = [1, 2, 8, 64];
const FLIP_SEEDS_PER_COUNT = 10;

export async function badImageCases(seed: number): Promise<FuzzCase[]> {
  const base = sharp(await readFile(GRACE_HOPPER)).resize(BASE_SIDE, BASE_SIDE, { fit: 'cover' });
  const cases: FuzzCase[] = [];
  const add = (name: string, bytes: Buffer, fileName = 'photo.jpg'): void => {
    cases.push({ family: 'image', name, run: (root) => ingestInJob(root, fileName, bytes) });
  };
  for (const format of FORMATS) {
    const encoded = await base.clone().toFormat(format).toBuffer();
    const ext = EXTENSION[format];
    add(`${format}: the photo itself`, encoded, `photo${ext}`);
    for (const keep of TRUNCATIONS) {
      add(
        `${format}: cut to ${keep * 100}%`,
        encoded.subarray(0, Math.max(1, Math.floor(encoded.length * keep))),
        `photo${ext}`,
      );
    }
    add(`${format}: last byte cut`, encoded.subarray(0, encoded.length - 1), `photo${ext}`);
    FLIP_COUNTS.forEach((flips, c) => {
      for (let k = 0; k < FLIP_SEEDS_PER_COUNT; k++) {
        const s = seed + 1000 * c + k;
        add(`${format}: ${flips} bits flipped (seed ${s})`, flipBits(encoded, flips, s), `photo${ext}`);
      }
    });
    for (let k = 0; k < 3; k++) {
      // magic bytes kept, the rest of the header random
      const scrambled = Buffer.from(encoded);
      seededRandom(seed + 77 + k)
        .bytes(60)
        .copy(scrambled, 4);
      add(`${format}: header scrambled (seed ${seed + 77 + k})`, scrambled, `photo${ext}`);
    }
    for (const side of [100_000, 60_000]) {
      const bomb = declareHugeSize(format, encoded, side);
      if (bomb) add(`${format}: header declares ${side}×${side}`, bomb, `photo${ext}`);
    }
    for (const wrong of ['.png', '.jpg', '.onnx', '.txt', ''].filter((e) => e !== ext)) {
      add(`${format}: named photo${wrong || ' (no extension)'}`, encoded, `photo${wrong}`);
    }
  }
  const rnd = seededRandom(seed);
  add('zero bytes named .jpg', Buffer.alloc(0));
  add('zero bytes named .png', Buffer.alloc(0), 'photo.png');
  for (const size of [1, 7, 100, 4096, 100_000]) add(`${size} random bytes named .jpg`, rnd.bytes(size));
  add('a letter named .jpg', Buffer.from('Dear team,\nthis is a letter, not a photo.\n'.repeat(40)));
  add(
    'an HTML page named .png',
    Buffer.from('<!doctype html><html><body><img src=x></body></html>'),
    'photo.png',
  );
  add(
    'an SVG drawing',
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64"/></svg>',
    ),
    'photo.svg',
  );
  add(
    'an SVG declaring 100000×100000',
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"><rect width="10" height="10"/></svg>',
    ),
    'photo.svg',
  );
  add('a PDF header named .jpg', Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n'));
  add('a ZIP header named .jpg', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), rnd.bytes(200)]));
  for (const [format, magic] of [
    ['png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
    ['jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0])],
    ['gif', Buffer.from('GIF89a')],
    ['webp', Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1')],
    ['tiff', Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00])],
  ] as const) {
    add(`${format} magic bytes alone`, magic);
    add(`${format} magic bytes, then random bytes`, Buffer.concat([magic, rnd.bytes(500)]));
  }
  return cases;
}

/** The ingest stage on a job whose input is `bytes` named `fileName`; checks what it leaves behind. */
async function ingestInJob(jobDir: string, fileName: string, bytes: Buffer): Promise<Outcome> {
  const inputFile = path.join(jobDir, INPUT_DIR, fileName);
  await mkdir(path.dirname(inputFile), { recursive: true });
  await writeFile(inputFile, bytes);
  const job: JobRecord = {
    id: 'fuzz',
    protocolVersion: PROTOCOL_VERSION,
    state: 'running',
    sourceName: fileName,
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
    settings: JobSettings.parse({}),
    stages: {},
    versions: {},
  };
  const ctx = createStageContext({
    jobDir,
    job,
    signal: new AbortController().signal,
    onProgress: () => undefined,
    onArtifact: () => undefined,
  });
  let outcome: Outcome;
  try {
    await ingestStage.run(ctx);
    outcome = await checkWorkingCopy(path.join(jobDir, JOB_PATHS.photo), job.settings.workingMaxSide);
  } catch (err) {
    outcome = classifyThrown(err);
  }
  const kept = await readFile(inputFile).catch(() => undefined);
  if (!kept || sha256(kept) !== sha256(bytes)) return lost('the input photo was changed or removed');
  return outcome;
}

async function checkWorkingCopy(file: string, maxSide: number): Promise<Outcome> {
  const png = await readFile(file).catch(() => undefined);
  if (!png) return lost('ingest finished but wrote no working copy');
  const meta = await sharp(png).metadata();
  const ok =
    meta.format === 'png' &&
    meta.channels === 3 &&
    (meta.width ?? 0) >= 1 &&
    (meta.height ?? 0) >= 1 &&
    Math.max(meta.width ?? 0, meta.height ?? 0) <= maxSide;
  return ok
    ? accepted(`${meta.width}×${meta.height} RGB working copy`)
    : lost(
        `the working copy is not an RGB PNG within ${maxSide} px (${meta.format}, ${meta.channels} channels)`,
      );
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
