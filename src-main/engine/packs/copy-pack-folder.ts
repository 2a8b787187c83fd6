/**
 * Copies a pack folder into a fresh folder: plain files and folders only (a link could pull in files
 * from anywhere), names checked as a zip's entries are, within the same caps.
 */
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { throwIfCancelled } from '../stage-error';
import { entryNameProblem, isArchiveLitter, type InstallLimits } from './pack-entry-name';
import { PackInstallError } from './pack-install-error';

export async function copyPackFolder(
  source: string,
  into: string,
  limits: InstallLimits,
  signal?: AbortSignal,
): Promise<void> {
  let entries = 0;
  let total = 0;
  const walk = async (rel: string): Promise<void> => {
    const items = await readdir(path.join(source, ...rel.split('/').filter(Boolean)), {
      withFileTypes: true,
    });
    for (const item of items) {
      throwIfCancelled(signal);
      const name = rel ? `${rel}/${item.name}` : item.name;
      if (isArchiveLitter(name)) continue;
      const problem = entryNameProblem(name);
      if (problem) throw unsafe(`"${name}" has ${problem}`);
      if (++entries > limits.maxEntries)
        throw unsafe(`it has more than ${limits.maxEntries} files and folders, the cap for one pack`);
      const from = path.join(source, ...name.split('/'));
      const to = path.join(into, ...name.split('/'));
      if (item.isDirectory()) {
        await mkdir(to);
        await walk(name);
      } else if (item.isFile()) {
        total += (await stat(from)).size;
        if (total > limits.maxTotalBytes)
          throw unsafe(`its files hold more than ${limits.maxTotalBytes} bytes, the cap for one pack`);
        await copyFile(from, to);
      } else {
        throw unsafe(`"${name}" is a link or a special file; a pack holds plain files`);
      }
    }
  };
  await walk('');
}

function unsafe(problem: string): PackInstallError {
  return new PackInstallError(
    'pack-source-unsafe',
    `The folder was refused: ${problem}.`,
    'Copy the linked files into the pack folder instead of linking to them.',
  );
}
