/**
 * Unpacks a pack zip into a fresh folder, entry by entry, refusing (before anything of it is written)
 * names that climb out, links, odd names, encrypted entries, and archives over the entry or size caps.
 * yauzl checks each entry's real size against its header (validateEntrySizes), so the declared sizes
 * the caps are applied to are the sizes written.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { throwIfCancelled } from '../stage-error';
import { entryNameProblem, isArchiveLitter, type InstallLimits } from './pack-entry-name';
import { PackInstallError } from './pack-install-error';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;

/** Unix file type bits of an entry (0 when the zip was made elsewhere and records none). */
function unixType(entry: yauzl.Entry): number {
  return (entry.externalFileAttributes >>> 16) & S_IFMT;
}

export async function extractPackZip(
  zipPath: string,
  into: string,
  limits: InstallLimits,
  signal?: AbortSignal,
): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, {
      lazyEntries: true,
      autoClose: false,
      decodeStrings: true,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch (error) {
    throw new PackInstallError(
      'pack-source-unreadable',
      `${path.basename(zipPath)} is not a readable zip (${(error as Error).message}).`,
    );
  }
  try {
    if (zip.entryCount > limits.maxEntries)
      throw unsafe(`it has ${zip.entryCount} entries; a pack may have at most ${limits.maxEntries}`);
    const seen = new Set<string>();
    let total = 0;
    for (let entry = await nextEntry(zip); entry; entry = await nextEntry(zip)) {
      throwIfCancelled(signal);
      const name = entry.fileName;
      if (isArchiveLitter(name)) continue;
      const problem = entryNameProblem(name);
      if (problem) throw unsafe(`entry "${name}" has ${problem}`);
      const isDir = name.endsWith('/');
      const type = unixType(entry);
      if (type !== 0 && type !== (isDir ? S_IFDIR : S_IFREG))
        throw unsafe(`entry "${name}" is a link or a special file; a pack holds plain files`);
      if (entry.isEncrypted()) throw unsafe(`entry "${name}" is encrypted`);
      const key = name.replace(/\/$/, '');
      if (seen.has(key)) throw unsafe(`entry "${name}" is in the zip twice`);
      seen.add(key);
      const target = path.join(into, ...key.split('/'));
      if (isDir) {
        await mkdir(target, { recursive: true });
        continue;
      }
      total += entry.uncompressedSize;
      if (total > limits.maxTotalBytes)
        throw unsafe(`its files hold more than ${limits.maxTotalBytes} bytes, the cap for one pack`);
      await mkdir(path.dirname(target), { recursive: true });
      // 'wx': never writes through anything already there
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target, { flags: 'wx' }));
    }
  } catch (error) {
    if (error instanceof PackInstallError) throw error;
    throw new PackInstallError(
      'pack-source-unsafe',
      `${path.basename(zipPath)} cannot be unpacked safely (${(error as Error).message}).`,
    );
  } finally {
    zip.close();
  }
}

function unsafe(problem: string): PackInstallError {
  return new PackInstallError(
    'pack-source-unsafe',
    `The zip was refused: ${problem}.`,
    'Zip the pack folder as it is (manifest.json and its files, no links).',
  );
}

/** The next entry of a lazyEntries zip, or undefined at its end. */
function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry): void => {
      cleanup();
      resolve(entry);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(undefined);
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}
