/**
 * Random-weight estimator fixtures, made by the real Python side (training/fixtures/
 * make_estimator_fixtures.py with Debian's /usr/bin/python3): random FLAME of the official keys and
 * shapes, official-layout checkpoints, packs from the real convert_* scripts, PyTorch references.
 * Cached under test-output/ by a hash of training/**.py; `flock` keeps parallel test files from
 * generating the same folder twice.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { RgbPhoto } from '../../../src-main/engine/estimate/estimator';

const run = promisify(execFile);
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const TRAINING = path.join(ROOT, 'training');
const PYTHON = '/usr/bin/python3';

export type FixtureName = 'flame' | 'deca' | 'mica' | 'ringnet';

export interface EstimatorFixtures {
  dir: string;
  packsDir: string;
  refs: Record<string, Record<string, { file: string; shape: number[] }>>;
}

async function trainingHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = (await readdir(TRAINING, { recursive: true }))
    .filter((f) => f.endsWith('.py') && !f.includes('__pycache__') && !f.startsWith('tests'))
    .sort();
  for (const f of files) hash.update(f).update(await readFile(path.join(TRAINING, f)));
  return hash.digest('hex').slice(0, 16);
}

export async function estimatorFixtures(names: FixtureName[]): Promise<EstimatorFixtures> {
  const key = [...names].sort().join('-');
  const dir = path.join(ROOT, 'test-output', 'estimator-fixtures', key);
  const stampFile = path.join(dir, 'stamp.json');
  const stamp = JSON.stringify({ key, training: await trainingHash() });
  const current = await readFile(stampFile, 'utf8').catch(() => '');
  if (current !== stamp) {
    // a fresh clone has no test-output/ yet, and flock needs its lock file's folder
    await mkdir(path.join(ROOT, 'test-output'), { recursive: true });
    const script = `if [ "$(cat '${stampFile}' 2>/dev/null)" != '${stamp}' ]; then rm -rf '${dir}' && ${PYTHON} '${path.join(TRAINING, 'fixtures', 'make_estimator_fixtures.py')}' --out '${dir}' --only ${names.join(',')} && printf '%s' '${stamp}' > '${stampFile}'; fi`;
    await run(
      'flock',
      [path.join(ROOT, 'test-output', `estimator-fixtures-${key}.lock`), 'bash', '-c', script],
      {
        maxBuffer: 1 << 24,
        env: { ...process.env, PYTHONWARNINGS: 'ignore' },
      },
    );
  }
  const refs = JSON.parse(
    await readFile(path.join(dir, 'refs', 'refs.json'), 'utf8'),
  ) as EstimatorFixtures['refs'];
  return { dir, packsDir: path.join(dir, 'packs'), refs };
}

export async function readRef(
  fx: EstimatorFixtures,
  group: string,
  name: string,
): Promise<{ data: Float32Array; shape: number[] }> {
  const entry = fx.refs[group]?.[name];
  if (!entry) throw new Error(`no reference ${group}.${name}`);
  const bytes = await readFile(path.join(fx.dir, 'refs', entry.file));
  const data = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(data.buffer).set(bytes);
  return { data, shape: entry.shape };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export const ASTRONAUT = path.join(ROOT, 'resources', 'samples', 'astronaut.png');
/** Blazeface's box on astronaut.png (x, y, w, h), as detect-faces finds it. */
export const ASTRONAUT_FACE_BOX = { x: 152, y: 49, width: 145, height: 145 };

export async function loadRgb(file: string): Promise<RgbPhoto> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
}

export async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, JSON.stringify(value, null, 2));
}
