/**
 * Damaged job folders in a jobs root (a synced or copied folder, a disk error, a hand edit): job.json
 * truncated, bit-flipped, random, of the wrong shape, with hostile values, a folder or a link in its
 * place, or missing. A good job sits beside the damaged one. The real job store opens the root (as the
 * studio and CLI do at start), lists, reads the damaged job and deletes it. The good job must be listed
 * with its job.json unchanged, the damaged folder must stay until the user deletes it, reading it must
 * give a short message naming job.json (or a record that re-validates), and deleting it must work.
 */
import { readFile, rm, symlink, mkdir, writeFile, access } from 'node:fs/promises';
import { join } from 'node:path';
import { JobStore } from '../../../src-main/host/job-store';
import { JobRecord, parseMessage } from '../../../src-main/shared/protocol';
import { accepted, crashed, lost, refused, type FuzzCase, type Outcome } from './outcome';
import { seededRandom, type SeededRandom } from './seeded-random';

/** A 1×1 PNG: the store does not decode the photo, it only keeps it. */
const PHOTO = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360f8ffff3f0005fe02fea7d6a4' +
    '5b0000000049454e44ae426082',
  'hex',
);

type Damage = (jobJson: string, record: Record<string, unknown>, outside: string) => Promise<void>;

const writeJson = (path: string, value: unknown) => writeFile(path, JSON.stringify(value));

function damages(rnd: SeededRandom): [string, Damage][] {
  const list: [string, Damage][] = [
    ['job.json empty', (p) => writeFile(p, '')],
    ['job.json missing', (p) => rm(p)],
    ['job.json a folder', async (p) => (await rm(p), mkdir(p))],
    ['job.json a link to a file outside', async (p, _r, outside) => (await rm(p), symlink(outside, p))],
    ['job.json a dangling link', async (p) => (await rm(p), symlink('/nonexistent/job.json', p))],
    ['job.json a JSON array', (p) => writeJson(p, [1, 2, 3])],
    ['job.json null', (p) => writeFile(p, 'null')],
    ['job.json 10 000 nested arrays', (p) => writeFile(p, '['.repeat(10_000) + ']'.repeat(10_000))],
    [
      'job.json with a UTF-8 BOM',
      async (p) => writeFile(p, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), await readFile(p)])),
    ],
    ['job.json in UTF-16', async (p) => writeFile(p, Buffer.from(await readFile(p, 'utf8'), 'utf16le'))],
    ['protocolVersion 999', (p, r) => writeJson(p, { ...r, protocolVersion: 999 })],
    ['an unknown state', (p, r) => writeJson(p, { ...r, state: 'exploded' })],
    ['an unknown stage', (p, r) => writeJson(p, { ...r, stages: { teleport: { state: 'done' } } })],
    ['id "../../outside"', (p, r) => writeJson(p, { ...r, id: '../../outside' })],
    ['id of the good job', (p, r) => writeJson(p, { ...r, id: 'good-job' })],
    ['sourceName "../../etc/passwd"', (p, r) => writeJson(p, { ...r, sourceName: '../../etc/passwd' })],
    ['a 20 MB sourceName', (p, r) => writeJson(p, { ...r, sourceName: 's'.repeat(20 * 2 ** 20) })],
    [
      'workingMaxSide 1e12',
      (p, r) => writeJson(p, { ...r, settings: { ...(r.settings as object), workingMaxSide: 1e12 } }),
    ],
    [
      'maxInputPixels -1',
      (p, r) => writeJson(p, { ...r, settings: { ...(r.settings as object), maxInputPixels: -1 } }),
    ],
    [
      '__proto__ in settings',
      (p, r) =>
        writeFile(p, JSON.stringify(r).replace('"settings":{', '"settings":{"__proto__":{"polluted":true},')),
    ],
    ['an extra top-level key', (p, r) => writeJson(p, { ...r, extra: 'x' })],
    [
      'an artifact path "../../../outside"',
      (p, r) =>
        writeJson(p, {
          ...r,
          stages: {
            ingest: { state: 'done', artifacts: [{ kind: 'photo', path: '../../../outside/secret.bin' }] },
          },
        }),
    ],
  ];
  for (let k = 0; k < 8; k++) {
    const at = rnd.next();
    list.push([
      `job.json cut at ${(at * 100).toFixed(0)} %`,
      async (p) => {
        const bytes = await readFile(p);
        await writeFile(p, bytes.subarray(0, Math.floor(at * bytes.length)));
      },
    ]);
  }
  for (let k = 0; k < 12; k++) {
    const seed = rnd.int(1 << 30);
    list.push([
      `job.json with 4 bits flipped (seed ${seed})`,
      async (p) => {
        const bytes = await readFile(p);
        const flips = seededRandom(seed);
        for (let f = 0; f < 4; f++) {
          const i = flips.int(bytes.length);
          bytes[i] = bytes[i]! ^ (1 << flips.int(8));
        }
        await writeFile(p, bytes);
      },
    ]);
  }
  for (const size of [1, 64, 4096, 1 << 20]) {
    const bytes = rnd.bytes(size);
    list.push([`job.json ${size} random bytes`, (p) => writeFile(p, bytes)]);
  }
  return list;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function runCase(root: string, outside: string, damage: Damage): Promise<Outcome> {
  const jobsRoot = join(root, 'jobs');
  const store = new JobStore(jobsRoot);
  await store.open();
  const good = await store.create({ id: 'good-job', photoBytes: PHOTO, sourceName: 'good.png' });
  const goodJson = await readFile(join(store.jobDir(good.id), 'job.json'));
  const bad = await store.create({ id: 'bad-job', photoBytes: PHOTO, sourceName: 'bad.png' });
  const badDir = store.jobDir(bad.id);
  await damage(
    join(badDir, 'job.json'),
    JSON.parse(await readFile(join(badDir, 'job.json'), 'utf8')),
    outside,
  );

  // The next start of the studio or CLI on this root.
  const next = new JobStore(jobsRoot);
  try {
    await next.open();
  } catch (error) {
    return crashed(`opening the jobs root failed: ${String(error).slice(0, 200)}`);
  }
  const listed = await next.list().catch((error: Error) => error);
  if (listed instanceof Error) return crashed(`listing failed: ${listed.message.slice(0, 200)}`);
  if (!listed.some((j) => j.id === good.id)) return lost('the good job is no longer listed');
  if (!goodJson.equals(await readFile(join(next.jobDir(good.id), 'job.json'))))
    return lost("the good job's job.json changed");
  if (!(await exists(badDir))) return lost('the damaged job folder was removed without being asked');

  let outcome: Outcome;
  try {
    const record = await next.get(bad.id);
    const again = parseMessage(JobRecord, JSON.parse(JSON.stringify(record)));
    if (!again.ok) return crashed(`read a record that does not re-validate: ${again.error}`);
    outcome = accepted(`still a valid record (state ${record.state})`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    outcome = /job\.json|ENOENT|EISDIR/.test(message)
      ? refused('job-record-unreadable', message)
      : crashed(`unclear error reading it: ${message.slice(0, 200)}`);
  }
  // The user removes the damaged job from the list (or the studio's delete).
  try {
    await next.delete(bad.id);
  } catch (error) {
    return crashed(`the damaged job cannot be deleted: ${String(error).slice(0, 200)}`);
  }
  if (await exists(badDir)) return crashed('the damaged job is still there after delete');
  if (!(await next.list()).some((j) => j.id === good.id))
    return lost('deleting the damaged job lost the good one');
  return outcome;
}

export function badJobRecordCases(seed: number, outside: string): FuzzCase[] {
  const rnd = seededRandom(seed + 900);
  return damages(rnd).map(([name, damage]) => ({
    family: 'job-record' as const,
    name,
    run: (root: string) => runCase(root, join(outside, 'secret.bin'), damage),
  }));
}
