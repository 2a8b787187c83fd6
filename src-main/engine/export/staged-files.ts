import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { StageError } from '../stage-error';

/** Turn a file-system failure into the error a user can act on; anything else passes through. */
export function fileSystemError(err: unknown, dir: string): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new StageError(
      'export-disk-full',
      `Not enough space to write the export to ${dir} (${code}).`,
      'Free some disk space or choose another folder, then export again.',
    );
  }
  if (['EACCES', 'EPERM', 'EROFS', 'ENOENT', 'ENOTDIR', 'EISDIR', 'EEXIST'].includes(code ?? '')) {
    return new StageError(
      'export-unwritable',
      `Cannot write the export to ${dir} (${code}).`,
      'Choose a folder you can write to.',
    );
  }
  return err;
}

/**
 * Files written under temporary names in their final folder and renamed only once all of them are
 * written and flushed, so a failure part-way (disk full, cancel) never leaves a truncated file under
 * a final name; `discard` removes every temporary. Folders (the views) are staged the same way.
 */
export class StagedFiles {
  private readonly temps = new Map<string, string>(); // final path → temp path
  private readonly folders = new Set<string>();
  private readonly tag = `${process.pid}-${randomBytes(4).toString('hex')}`;

  constructor(readonly dir: string) {}

  private tempFor(finalPath: string): string {
    return path.join(path.dirname(finalPath), `.${path.basename(finalPath)}.${this.tag}.tmp`);
  }

  /** Write `relativeName` (one level of folder allowed, e.g. `head_views/00.png`). */
  async write(relativeName: string, data: Uint8Array | string): Promise<string> {
    const [first, ...rest] = relativeName.split('/');
    const finalPath = path.join(this.dir, relativeName);
    let target: string;
    if (rest.length > 0) {
      const finalDir = path.join(this.dir, first!);
      if (!this.temps.has(finalDir)) {
        this.temps.set(finalDir, this.tempFor(finalDir));
        this.folders.add(finalDir);
        await mkdir(this.temps.get(finalDir)!);
      }
      target = path.join(this.temps.get(finalDir)!, ...rest);
    } else {
      target = this.tempFor(finalPath);
      this.temps.set(finalPath, target);
    }
    const handle = await open(target, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync(); // surface a delayed ENOSPC now, not after the rename
    } finally {
      await handle.close();
    }
    return finalPath;
  }

  /** Rename every temp to its final name; a folder replaces an older one of the same name. */
  async commit(): Promise<void> {
    for (const [finalPath, temp] of this.temps) {
      if (this.folders.has(finalPath)) {
        const old = `${temp}.old`;
        await rename(finalPath, old).catch(() => undefined);
        await rename(temp, finalPath);
        await rm(old, { recursive: true, force: true });
      } else {
        await rename(temp, finalPath);
      }
      this.temps.delete(finalPath);
    }
  }

  async discard(): Promise<void> {
    for (const temp of this.temps.values())
      await rm(temp, { recursive: true, force: true }).catch(() => undefined);
    this.temps.clear();
  }
}
