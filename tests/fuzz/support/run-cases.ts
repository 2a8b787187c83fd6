/**
 * Runs fuzz cases one after another, each in an empty folder of its own under a scratch parent that
 * also holds an `outside/` canary folder. Everything under the parent except the case's own folder is
 * listed before and after the case: a file that appeared, vanished or changed there was written
 * outside the case's root, and the case counts as escaped whatever the code under test returned.
 */
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { crashed, escaped, type CaseResult, type FuzzCase, type Outcome } from './outcome';

/** A case that takes longer than this (a hang, a decoded bomb) counts as crashed. */
const CASE_TIMEOUT_MS = 20_000;

export interface FuzzScratch {
  parent: string;
  /** A folder outside every case's root, with a file in it: hostile paths aim here. */
  outside: string;
  /** An absolute path outside the scratch parent that no case may create. */
  sentinel: string;
}

export async function makeFuzzScratch(): Promise<FuzzScratch> {
  const parent = await mkdtemp(path.join(os.tmpdir(), 'gen3d-fuzz-'));
  const outside = path.join(parent, 'outside');
  await mkdir(outside);
  await writeFile(path.join(outside, 'secret.bin'), 'not part of any pack or job\n');
  return { parent, outside, sentinel: `${parent}-escaped` };
}

export async function runFuzzCases(
  cases: readonly FuzzCase[],
  scratch: FuzzScratch,
  onResult?: (result: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const casesDir = path.join(scratch.parent, 'cases');
  for (const [i, fuzzCase] of cases.entries()) {
    const root = path.join(casesDir, String(i));
    await mkdir(root, { recursive: true });
    const before = await listTree(scratch.parent, root);
    const started = performance.now();
    let outcome = await withTimeout(
      fuzzCase.run(root).catch((err: unknown) => crashed(`the case itself threw: ${String(err)}`)),
    );
    const ms = performance.now() - started;
    const after = await listTree(scratch.parent, root);
    const changed = diffTrees(before, after);
    if (changed.length > 0) outcome = escaped(`written outside its root: ${changed.slice(0, 3).join(', ')}`);
    if (existsSync(scratch.sentinel)) {
      outcome = escaped(`created ${scratch.sentinel}`);
      await rm(scratch.sentinel, { recursive: true, force: true });
    }
    await rm(root, { recursive: true, force: true });
    const result = { family: fuzzCase.family, name: fuzzCase.name, outcome, ms };
    results.push(result);
    onResult?.(result);
  }
  return results;
}

async function withTimeout(run: Promise<Outcome>): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve(crashed(`no answer within ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** path → size and content hash (links by their target), for every entry under dir except `skip`. */
export async function listTree(dir: string, skip: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const name of await readdir(d)) {
      const p = path.join(d, name);
      if (p === skip) continue;
      const info = await lstat(p);
      if (info.isDirectory()) {
        out.set(p, 'dir');
        await walk(p);
      } else if (info.isFile()) {
        out.set(
          p,
          createHash('sha256')
            .update(await readFile(p))
            .digest('hex'),
        );
      } else {
        out.set(p, `other:${info.mode}`);
      }
    }
  };
  await walk(dir);
  return out;
}

function diffTrees(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [p, v] of after) if (before.get(p) !== v) changed.push(p);
  for (const p of before.keys()) if (!after.has(p)) changed.push(`${p} (removed)`);
  return changed;
}

/** So many cases of each family, spread evenly over its list, in order. */
export function pickSpread(
  cases: readonly FuzzCase[],
  perFamily: Record<FuzzCase['family'], number>,
): FuzzCase[] {
  const picked: FuzzCase[] = [];
  for (const family of Object.keys(perFamily) as FuzzCase['family'][]) {
    const mine = cases.filter((c) => c.family === family);
    const want = Math.min(mine.length, perFamily[family]);
    for (let k = 0; k < want; k++) picked.push(mine[Math.floor((k * mine.length) / want)]!);
  }
  return picked;
}
