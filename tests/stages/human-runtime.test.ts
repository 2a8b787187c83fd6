/**
 * The runtime works from a folder holding only HUMAN_MODEL_FILES and the TFJS .wasm files (as a
 * packaged app ships them), with every network request refused.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, it } from 'node:test';
import { detectFaces } from '../../src-main/engine/estimate/landmarks/detect-faces';
import {
  getHumanRuntime,
  HUMAN_MODEL_FILES,
  humanAssetRoots,
  setHumanAssetRoots,
  TFJS_WASM_FILES,
} from '../../src-main/engine/runtime/human-runtime';
import { segmentPerson } from '../../src-main/engine/segment/segment-person';
import { ASTRONAUT, loadPhoto } from '../support/photos';

const networkRequests: string[] = [];
const realFetch = globalThis.fetch;
globalThis.fetch = async (input: string | URL | Request): Promise<Response> => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  networkRequests.push(url);
  throw new Error(`network is off in this test: ${url}`);
};
let tmp = '';
after(async () => {
  globalThis.fetch = realFetch;
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

it('runs offline from a folder with only the listed model and wasm files', async () => {
  const installed = humanAssetRoots();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'human-assets-'));
  const roots = { modelsDir: path.join(tmp, 'models'), wasmDir: path.join(tmp, 'wasm') };
  await mkdir(roots.modelsDir);
  await mkdir(roots.wasmDir);
  for (const f of HUMAN_MODEL_FILES)
    await copyFile(path.join(installed.modelsDir, f), path.join(roots.modelsDir, f));
  for (const f of TFJS_WASM_FILES)
    await copyFile(path.join(installed.wasmDir, f), path.join(roots.wasmDir, f));
  setHumanAssetRoots(roots);

  const runtime = await getHumanRuntime();
  assert.equal(runtime.tf.getBackend(), 'wasm');
  assert.throws(() => setHumanAssetRoots(roots), /before getHumanRuntime/);
  const photo = await loadPhoto(ASTRONAUT);
  const faces = await detectFaces(photo);
  assert.equal(faces.length, 1);
  const seg = await segmentPerson(photo);
  assert.ok(seg.coverage > 0.1 && seg.coverage < 0.9);
  assert.deepEqual(networkRequests, []);
  assert.equal((await readdir(roots.modelsDir)).length, HUMAN_MODEL_FILES.length);
});
