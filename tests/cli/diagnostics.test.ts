import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { DiagnosticsReport } from '../../src-main/shared/diagnostics';
import { COFFEE as NO_FACE } from '../support/photos';
import { scratchDir } from '../support/scratch-dir';

const CLI = join(process.cwd(), 'bin/gen3dface.mjs');

function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A small valid pack: a manifest listing one file with its size and sha256. */
async function writePack(dir: string, id: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const data = Buffer.from(new Float32Array([1, 2, 3, 4]).buffer);
  await writeFile(join(dir, 'weights.bin'), data);
  const manifest = {
    manifestVersion: 1,
    id,
    kind: 'estimate',
    version: '2.1',
    license: 'CC0-1.0',
    files: [
      { path: 'weights.bin', bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') },
    ],
  };
  await writeFile(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

test('diagnostics writes one JSON file: versions, providers, native addon, packs verified, the log tail — no photo data', async () => {
  const dir = await scratchDir('cli-diagnostics');
  const env = { GEN3D_LOG_FILE: join(dir, 'logs', 'gen3dface.log') };
  const packs = join(dir, 'packs');
  await writePack(join(packs, 'good'), 'good-pack');
  await writePack(join(packs, 'flipped'), 'flipped-pack');
  const flipped = join(packs, 'flipped', 'weights.bin');
  const bytes = await readFile(flipped);
  bytes[0] = bytes[0]! ^ 0xff; // same size: only the sha256 can tell
  await writeFile(flipped, bytes);
  await mkdir(join(packs, 'no-manifest'));

  // A real job that fails (no face in the photo) leaves its error in the log.
  const failed = cli(['generate', NO_FACE, '--out', join(dir, 'out')], env);
  assert.equal(failed.status, 1, failed.stdout + failed.stderr);

  const out = join(dir, 'report.json');
  const started = Date.now();
  const run = cli(['diagnostics', '--out', out, '--packs', packs, '--log-lines', '3'], env);
  assert.equal(run.status, 0, run.stdout + run.stderr);
  console.log(`diagnostics in ${Date.now() - started} ms:\n${run.stdout}`);
  assert.match(run.stdout, new RegExp(`wrote ${out}`));
  assert.match(run.stdout, /3, 2 failing verification \(flipped-pack, no-manifest\)/);

  const text = await readFile(out, 'utf8');
  const report = DiagnosticsReport.parse(JSON.parse(text));
  const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
  const require = createRequire(import.meta.url);
  const ortVersion = (require('onnxruntime-node/package.json') as { version: string }).version;
  assert.equal(report.app.version, pkg.version);
  assert.equal(report.engine.versions.node, process.versions.node);
  assert.equal(report.engine.versions.onnxruntimeNode, ortVersion);
  assert.equal(report.engine.versions.electron, undefined, 'the CLI engine runs under plain Node');

  const ort = report.engine.onnxRuntime;
  assert.ok(ort.backends.some((b) => b.name === 'cpu' && b.bundled));
  assert.equal(ort.autoOrder.at(-1), 'cpu');
  assert.ok(ort.skipped.some((s) => s.provider === 'cuda' || s.provider === 'dml'));

  const addon = report.engine.nativeAddon;
  assert.ok(addon.loaded, addon.problem);
  assert.equal(
    addon.sha256,
    createHash('sha256')
      .update(await readFile(addon.path!))
      .digest('hex'),
  );
  assert.ok(addon.backend === 'cpu' || addon.backend === 'cuda');

  const byId = new Map(report.engine.packs.map((p) => [p.id, p]));
  assert.equal(report.engine.packsDir, packs);
  assert.deepEqual(
    { ...byId.get('good-pack') },
    { id: 'good-pack', kind: 'estimate', version: '2.1', builtIn: false, bytes: 16, verified: true },
  );
  assert.equal(byId.get('flipped-pack')?.verified, false);
  assert.match(byId.get('flipped-pack')?.problem ?? '', /weights\.bin/);
  assert.equal(byId.get('no-manifest')?.verified, false);
  assert.ok(byId.get('builtin-head-model')?.builtIn);

  assert.equal(report.log.path, env.GEN3D_LOG_FILE);
  assert.equal(report.log.lines.length, 3);
  assert.ok(
    report.log.lines.some((l) => /error +job \S+ \S+: no-face: /.test(l)),
    report.log.lines.join('\n'),
  );
  // No photo: not its name, not its pixels (no long base64 or binary runs anywhere).
  assert.ok(!/coffee/i.test(text), 'the photo name is not in the report');
  assert.ok(!/[A-Za-z0-9+/]{200,}/.test(text), 'no encoded image data');
});

test('diagnostics usage errors exit 2', () => {
  assert.equal(cli(['diagnostics', 'extra'], {}).status, 2);
  assert.equal(cli(['diagnostics', '--log-lines', '-1'], {}).status, 2);
});
