/**
 * The PyTorch side's tiny random-weight diffusion pack with its reference run, made once per change
 * of training/'s sources: `python3 -m training.mvdiffusion.make_fixture --config tiny --steps 50
 * --seed 0`, cached under the OS temp folder keyed by the sources' hash (made into a temp folder and
 * renamed, so a killed run never leaves half a fixture). test.sh makes it ahead, beside its checks
 * (tests/support/prepare-fixtures.ts).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = process.cwd();
const PYTHON = '/usr/bin/python3';

async function sourcesHash(): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && e.name !== '__pycache__') await walk(p);
      else if (e.isFile() && /\.(py|json|yaml|txt)$/.test(e.name)) {
        hash.update(path.relative(ROOT, p));
        hash.update(await readFile(p));
      }
    }
  };
  await walk(path.join(ROOT, 'training', 'mvdiffusion'));
  for (const f of ['training/packs']) if (existsSync(path.join(ROOT, f))) await walk(path.join(ROOT, f));
  return hash.digest('hex').slice(0, 16);
}

export interface DiffusionFixture {
  /** The folder make_fixture wrote. */
  dir: string;
  /** The pack folder (with manifest.json). */
  packDir: string;
  /** The PyTorch reference run (`reference/`). */
  referenceDir: string;
}

let cached: Promise<DiffusionFixture> | undefined;

export function diffusionFixture(): Promise<DiffusionFixture> {
  cached ??= makeFixture();
  return cached;
}

async function makeFixture(): Promise<DiffusionFixture> {
  const given = process.env.GEN3D_DIFFUSION_FIXTURE; // a make_fixture output folder made beforehand
  if (given)
    return { dir: given, packDir: await findPack(given), referenceDir: path.join(given, 'reference') };
  const dir = path.join(tmpdir(), `gen3d-mvd-fixture-${await sourcesHash()}`);
  if (!existsSync(path.join(dir, '.complete'))) {
    // Under flock, so the test files running side by side (and test.sh, which starts it beside its
    // checks) wait for one maker (~30 s of two cores) instead of each making its own.
    const make = [
      'rm -rf "$1.tmp"',
      '"$2" -m training.mvdiffusion.make_fixture --config tiny --out "$1.tmp" --steps 50 --seed 0',
      'touch "$1.tmp/.complete"',
      'rm -rf "$1"',
      'mv "$1.tmp" "$1"',
    ].join(' && ');
    const once = `test -f "$1/.complete" || { ${make}; }`;
    const run = spawnSync('flock', [`${dir}.lock`, 'sh', '-c', once, 'sh', dir, PYTHON], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 600_000,
    });
    if (run.status !== 0)
      throw new Error(`make_fixture failed (${run.status}):\n${run.stderr}\n${run.stdout}`);
  }
  return { dir, packDir: await findPack(dir), referenceDir: path.join(dir, 'reference') };
}

async function findPack(dir: string): Promise<string> {
  if (existsSync(path.join(dir, 'manifest.json'))) return dir;
  for (const e of await readdir(dir)) {
    const p = path.join(dir, e);
    if ((await stat(p)).isDirectory() && existsSync(path.join(p, 'manifest.json'))) return p;
  }
  throw new Error(`make_fixture wrote no pack (manifest.json) in ${dir}`);
}
