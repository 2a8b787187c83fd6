/**
 * Temp folders for tests, removed when the test file's process exits (node --test runs each file in
 * its own process), so a run leaves nothing behind in the OS temp dir; a run of the suite used to leave
 * ~0.7 GB there. KEEP_TEST_OUTPUT=1 keeps them, to look at.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

const created = new Set<string>();
let hooked = false;

/** A fresh folder `<os temp>/gen3d-test-<prefix>-XXXXXX`. */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `gen3d-test-${prefix}-`));
  created.add(dir);
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      if (process.env.KEEP_TEST_OUTPUT === '1') return;
      for (const d of created) rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

/** Removes the folders made so far now (a file whose folders are large, or that checks the temp dir). */
export async function removeScratchDirs(): Promise<void> {
  if (process.env.KEEP_TEST_OUTPUT === '1') return;
  for (const dir of [...created]) {
    created.delete(dir);
    await rm(dir, { recursive: true, force: true });
  }
}
