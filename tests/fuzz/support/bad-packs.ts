/**
 * Bad model packs: a small valid pack (an array file and an ONNX network file) with one thing wrong —
 * hashes, sizes, paths that climb out or are absolute or odd, symlinks out of the pack, broken
 * manifests, random bytes named .onnx. Each goes through verifyPack and then ONNX Runtime for every
 * network, as an estimator loads its pack. A pack accepted while one of its files resolves outside the
 * pack folder has escaped; a pack folder changed by being verified has lost data.
 */
import { createHash } from 'node:crypto';
import { mkdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createPackSession } from '../../../src-main/engine/packs/pack-session';
import { verifyPack } from '../../../src-main/engine/packs/verify-pack';
import { accepted, classifyThrown, escaped, lost, type FuzzCase, type Outcome } from './outcome';
import { listTree } from './run-cases';
import { seededRandom } from './seeded-random';

type Manifest = Record<string, unknown> & { files: { path: string; bytes: number; sha256: string }[] };

interface PackBuild {
  /** The pack folder (inside the case's root); `elsewhere` is beside it, outside the pack. */
  dir: string;
  elsewhere: string;
  /** The shared canary folder outside every case's root. */
  outside: string;
  manifest: Manifest;
  write(rel: string, bytes: Buffer | string): Promise<void>;
}

interface PackCaseSpec {
  name: string;
  /** Whether the base pack has an ONNX network (random bytes: ONNX Runtime must refuse it). */
  network?: boolean;
  /** Changes files and the manifest; return text to write as manifest.json instead of the object. */
  edit?(pack: PackBuild): Promise<string | void> | string | void;
}

const sha = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** A manifest network entry of one float input and one float output, reading `file`. */
const oneInOneOut = (file: string) => ({
  file,
  inputs: [{ name: 'x', shape: [1], dtype: 'float32' }],
  outputs: [{ name: 'y', shape: [1], dtype: 'float32' }],
});

export function badPackCases(seed: number, outside: string): FuzzCase[] {
  const rnd = seededRandom(seed);
  const weights = rnd.bytes(64);
  const onnx = rnd.bytes(300);
  const secret = Buffer.from('not part of any pack or job\n');
  const specs: PackCaseSpec[] = [];
  const entry = (m: Manifest, p = 'weights.bin'): Manifest['files'][number] =>
    m.files.find((f) => f.path === p)!;
  /** Lists `rel` (written with `bytes` unless `write` is false) in place of weights.bin. */
  const renameWeights =
    (rel: string, write = true) =>
    async (p: PackBuild) => {
      if (write) await p.write(rel, weights).catch(() => undefined);
      entry(p.manifest).path = rel;
      (p.manifest.arrays as Record<string, { file: string }>).w!.file = rel;
    };

  specs.push({ name: 'the valid pack (arrays only)' });
  specs.push({ name: 'the valid pack with random bytes as its .onnx', network: true });
  for (let k = 0; k < 4; k++) {
    const bytes = seededRandom(seed + 500 + k).bytes([0, 16, 1000, 20_000][k]!);
    specs.push({
      name: `${bytes.length} random bytes named .onnx (seed ${seed + 500 + k})`,
      network: true,
      edit: async (p) => {
        await p.write('net.onnx', bytes);
        Object.assign(entry(p.manifest, 'net.onnx'), { bytes: bytes.length, sha256: sha(bytes) });
      },
    });
  }
  specs.push({
    name: '.onnx that starts like a protobuf ModelProto, then random',
    network: true,
    edit: async (p) => {
      const bytes = Buffer.concat([
        Buffer.from([0x08, 0x07, 0x12, 0x04]),
        Buffer.from('test'),
        rnd.bytes(400),
      ]);
      await p.write('net.onnx', bytes);
      Object.assign(entry(p.manifest, 'net.onnx'), { bytes: bytes.length, sha256: sha(bytes) });
    },
  });
  // hashes and sizes
  for (let k = 0; k < 3; k++) {
    const wrong = seededRandom(seed + 900 + k)
      .bytes(32)
      .toString('hex');
    specs.push({
      name: `wrong sha256 (seed ${seed + 900 + k})`,
      edit: (p) => void (entry(p.manifest).sha256 = wrong),
    });
  }
  for (const [what, value] of [
    ['uppercase', sha(weights).toUpperCase()],
    ['63 digits', sha(weights).slice(1)],
    ['non-hex', 'g'.repeat(64)],
    ['empty', ''],
    ['a number', 12345],
    ['null', null],
  ] as const) {
    specs.push({
      name: `sha256 ${what}`,
      edit: (p) => void ((entry(p.manifest) as Record<string, unknown>).sha256 = value),
    });
  }
  specs.push({
    name: "another file's sha256",
    network: true,
    edit: (p) => void (entry(p.manifest).sha256 = sha(onnx)),
  });
  for (const bytes of [63, 65, 0, -1, 1.5, 1e20, '64', null]) {
    specs.push({
      name: `bytes listed as ${JSON.stringify(bytes)}`,
      edit: (p) => void ((entry(p.manifest) as Record<string, unknown>).bytes = bytes),
    });
  }
  // paths that climb out, are absolute, or are odd
  for (const rel of [
    '../outside/secret.bin',
    'sub/../../elsewhere/secret.bin',
    '..',
    '.',
    '',
    'C:\\pack\\weights.bin',
    '\\\\server\\share\\weights.bin',
    'C:/Windows/weights.bin',
    '~/weights.bin',
    '$HOME/weights.bin',
    '%2e%2e/weights.bin',
    'weights.bin/',
    'nul\0byte.bin',
    'x'.repeat(300) + '.bin',
    'a/'.repeat(3000) + 'weights.bin',
  ]) {
    specs.push({ name: `file path ${JSON.stringify(rel).slice(0, 60)}`, edit: renameWeights(rel, false) });
  }
  specs.push({
    name: 'absolute path to a file outside, with its right hash',
    edit: (p) => {
      const abs = path.join(p.outside, 'secret.bin');
      Object.assign(entry(p.manifest), { path: abs, bytes: secret.length, sha256: sha(secret) });
      (p.manifest.arrays as Record<string, unknown>) = {};
    },
  });
  for (const rel of [
    './weights.bin',
    'a//weights.bin',
    'sub/./weights.bin',
    '...',
    '.hidden.bin',
    'name with spaces.bin',
    'ünïcødé 名前.bin',
    'new\nline.bin',
    'tab\there.bin',
    'CON',
    'weights.bin ',
    '-rf',
    'manifest.json.bin',
  ]) {
    specs.push({ name: `odd file name ${JSON.stringify(rel)}`, edit: renameWeights(rel) });
  }
  // symlinks
  const linkWeights = (target: (p: PackBuild) => string, content: Buffer) => async (p: PackBuild) => {
    await rm(path.join(p.dir, 'weights.bin'));
    await symlink(target(p), path.join(p.dir, 'weights.bin'));
    Object.assign(entry(p.manifest), { bytes: content.length, sha256: sha(content) });
    (p.manifest.arrays as Record<string, unknown>) = {};
  };
  specs.push({
    name: 'weights.bin: symlink to a file outside the pack, right hash',
    edit: linkWeights((p) => path.join(p.outside, 'secret.bin'), secret),
  });
  specs.push({
    name: 'weights.bin: relative symlink climbing out of the pack, right hash',
    edit: async (p) => {
      await p.write('../elsewhere/secret.bin', secret);
      await linkWeights(() => '../elsewhere/secret.bin', secret)(p);
    },
  });
  specs.push({
    name: 'a listed folder that is a symlink out of the pack, right hash',
    edit: async (p) => {
      await p.write('../elsewhere/secret.bin', secret);
      await symlink(p.elsewhere, path.join(p.dir, 'sub'));
      Object.assign(entry(p.manifest), { path: 'sub/secret.bin', bytes: secret.length, sha256: sha(secret) });
      (p.manifest.arrays as Record<string, unknown>) = {};
    },
  });
  specs.push({
    name: 'manifest.json: symlink to a manifest outside the pack',
    edit: async (p) => {
      await p.write('../elsewhere/manifest.json', JSON.stringify(p.manifest));
      await symlink(path.join(p.elsewhere, 'manifest.json'), path.join(p.dir, 'manifest.json'));
      return undefined;
    },
  });
  specs.push({ name: 'weights.bin: symlink to itself', edit: linkWeights(() => 'weights.bin', weights) });
  specs.push({ name: 'weights.bin: dangling symlink', edit: linkWeights(() => 'missing.bin', weights) });
  specs.push({
    name: 'weights.bin: symlink to another file inside the pack',
    edit: async (p) => {
      await p.write('real/weights.bin', weights);
      await rm(path.join(p.dir, 'weights.bin'));
      await symlink('real/weights.bin', path.join(p.dir, 'weights.bin'));
    },
  });
  // broken manifests
  const big = 'x'.repeat(5_000_000);
  for (const [what, text] of [
    ['empty', ''],
    ['cut off', '{"manifestVersion": 1, "id": "fuzz'],
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"manifest"'],
    ['a 5 MB string', JSON.stringify(big)],
    ['with a byte-order mark', '\ufeff{}'],
    ['binary', rnd.bytes(200).toString('latin1')],
    ['200000 nested arrays', '['.repeat(200_000) + ']'.repeat(200_000)],
  ] as const) {
    specs.push({ name: `manifest ${what}`, edit: () => text });
  }
  const set = (key: string, value: unknown) => (p: PackBuild) => void (p.manifest[key] = value);
  for (const [what, edit] of [
    ['manifestVersion 2', set('manifestVersion', 2)],
    ['id "../../x"', set('id', '../../x')],
    ['a 1 MB id', set('id', 'a'.repeat(1_000_000))],
    ['kind "evil"', set('kind', 'evil')],
    ['an unknown key', set('evil', true)],
    ['a 100 kB unknown key', set('k'.repeat(100_000), true)],
    ['a "__proto__" key', () => `{"__proto__": {"polluted": true}, "manifestVersion": 1}`],
    ['files empty', set('files', [])],
    ['files an object', set('files', { path: 'weights.bin' })],
    // written as text: JSON.stringify itself overflows the stack at this depth
    [
      'source nested 10000 deep',
      (p: PackBuild) =>
        JSON.stringify({ ...p.manifest, source: '@' }).replace(
          '"@"',
          '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
        ),
    ],
    [
      '5000 listed files that are missing',
      (p: PackBuild) => {
        for (let i = 0; i < 5000; i++)
          p.manifest.files.push({ path: `missing/${i}.bin`, bytes: 1, sha256: sha(String(i)) });
      },
    ],
    [
      'weights.bin listed twice, different hashes',
      (p: PackBuild) => void p.manifest.files.push({ ...entry(p.manifest), sha256: sha('other') }),
    ],
    [
      'a network whose file is not listed',
      set('networks', {
        estimator: oneInOneOut('other.onnx'),
      }),
    ],
    [
      'a network named by 100 kB, file not listed',
      set('networks', {
        ['n'.repeat(100_000)]: oneInOneOut('other.onnx'),
      }),
    ],
    [
      'a network file "../x.onnx"',
      set('networks', {
        estimator: oneInOneOut('../x.onnx'),
      }),
    ],
    [
      'an array of shape 1e9×1e9',
      set('arrays', { w: { file: 'weights.bin', dtype: 'float32', shape: [1e9, 1e9] } }),
    ],
    ['an array of shape [-1]', set('arrays', { w: { file: 'weights.bin', dtype: 'float32', shape: [-1] } })],
    [
      'an array of dtype float64',
      set('arrays', { w: { file: 'weights.bin', dtype: 'float64', shape: [8] } }),
    ],
    [
      'an array with a wrong size',
      set('arrays', { w: { file: 'weights.bin', dtype: 'float32', shape: [5, 4] } }),
    ],
  ] as const) {
    specs.push({ name: `manifest with ${what}`, edit });
  }
  specs.push({
    name: 'manifest.json is a folder',
    edit: async (p) => void (await mkdir(path.join(p.dir, 'manifest.json'))),
  });
  specs.push({ name: 'no manifest.json', edit: () => undefined });
  specs.push({ name: 'the pack folder is a file', edit: () => undefined });

  return specs.map((spec) => ({
    family: 'pack',
    name: spec.name,
    run: (root) => verifyBuiltPack(root, outside, spec, { weights, onnx }),
  }));
}

async function verifyBuiltPack(
  root: string,
  outside: string,
  spec: PackCaseSpec,
  bytes: { weights: Buffer; onnx: Buffer },
): Promise<Outcome> {
  const dir = path.join(root, 'pack');
  const elsewhere = path.join(root, 'elsewhere');
  await mkdir(elsewhere, { recursive: true });
  const files: Manifest['files'] = [
    { path: 'weights.bin', bytes: bytes.weights.length, sha256: sha(bytes.weights) },
  ];
  if (spec.network) files.push({ path: 'net.onnx', bytes: bytes.onnx.length, sha256: sha(bytes.onnx) });
  const manifest: Manifest = {
    manifestVersion: 1,
    id: 'fuzz-pack',
    kind: 'estimate',
    version: '1',
    license: 'test only',
    files,
    arrays: { w: { file: 'weights.bin', dtype: 'float32', shape: [4, 4] } },
    ...(spec.network
      ? {
          networks: {
            estimator: {
              file: 'net.onnx',
              inputs: [{ name: 'x', shape: [1, 3], dtype: 'float32' }],
              outputs: [{ name: 'y', shape: [1, 3], dtype: 'float32' }],
            },
          },
        }
      : {}),
  };
  const write = async (rel: string, data: Buffer | string): Promise<void> => {
    const abs = path.join(dir, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, data);
  };
  if (spec.name === 'the pack folder is a file') {
    await writeFile(dir, 'not a folder');
  } else {
    await mkdir(dir, { recursive: true });
    await write('weights.bin', bytes.weights);
    if (spec.network) await write('net.onnx', bytes.onnx);
    const text = await spec.edit?.({ dir, elsewhere, outside, manifest, write });
    if (spec.name !== 'no manifest.json' && spec.name !== 'manifest.json is a folder') {
      if (typeof text === 'string') await write('manifest.json', text);
      else if (!spec.name.startsWith('manifest.json: symlink'))
        await write('manifest.json', JSON.stringify(manifest));
    }
  }
  const before = await listTree(root, '');
  let outcome: Outcome;
  try {
    const pack = await verifyPack(dir);
    for (const network of Object.keys(pack.manifest.networks)) {
      const { session } = await createPackSession(pack, network);
      await session.release();
    }
    outcome = await checkInsidePack(
      dir,
      pack.manifest.files.map((f) => pack.path(f.path)),
    );
  } catch (err) {
    outcome = classifyThrown(err);
  }
  const after = await listTree(root, '');
  const changed =
    [...after].filter(([p, v]) => before.get(p) !== v).length +
    [...before.keys()].filter((p) => !after.has(p)).length;
  return changed > 0 ? lost(`verifying changed ${changed} entries of the pack`) : outcome;
}

/** Every accepted file, links followed, must lie inside the pack folder. */
async function checkInsidePack(dir: string, files: string[]): Promise<Outcome> {
  const realDir = await realpath(dir);
  for (const file of files) {
    const rel = path.relative(realDir, await realpath(file));
    if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel))
      return escaped(`accepted ${file}, which resolves outside the pack`);
  }
  return accepted(`${files.length} files verified`);
}
