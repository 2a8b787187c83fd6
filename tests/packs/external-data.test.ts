/**
 * A graph whose weights are ONNX external data (`net.onnx` + `net.onnx.data`, as the full-size UNet's
 * 3.7 GB must be) verifies and loads by path, and computes with those weights; a changed `.data` file
 * is refused like any other corrupt file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { createPackSession } from '../../src-main/engine/packs/pack-session';
import { verifyPack } from '../../src-main/engine/packs/verify-pack';

const ROOT = path.resolve(import.meta.dirname, '../..');
const scratch = mkdtemp(path.join(os.tmpdir(), 'packs-ext-'));
after(async () => rm(await scratch, { recursive: true, force: true }));

// y = x + w, w = [1, 2, 3, 4] stored outside the .onnx; the pack written by training/'s PackWriter.
const WRITE_PACK = `
import sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto
sys.path.insert(0, sys.argv[2])
from training.packs.pack_writer import PackWriter
out = sys.argv[1]
w = numpy_helper.from_array(np.array([1, 2, 3, 4], np.float32), "w")
g = helper.make_graph([helper.make_node("Add", ["x", "w"], ["y"])], "g",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
writer = PackWriter(out, "external-data-test", "generate", "1", "Apache-2.0")
onnx.save_model(m, str(writer.path("net.onnx")), save_as_external_data=True, all_tensors_to_one_file=True,
                location="net.onnx.data", size_threshold=0)
spec = [{"name": "x", "shape": [4], "dtype": "float32"}], [{"name": "y", "shape": [4], "dtype": "float32"}]
writer.add_network("net", "net.onnx", *spec)
writer.finish()
`;

test('a graph with external data verifies, loads by path and computes with its weights', async () => {
  const dir = path.join(await scratch, 'pack');
  execFileSync('/usr/bin/python3', ['-c', WRITE_PACK, dir, ROOT], { stdio: 'pipe' });
  const pack = await verifyPack(dir);
  assert.ok(pack.manifest.files.some((f) => f.path === 'net.onnx.data'));
  const { session } = await createPackSession(pack, 'net');
  try {
    const x = new ort.Tensor('float32', Float32Array.of(10, 20, 30, 40), [4]);
    const { y } = await session.run({ x });
    assert.deepEqual(Array.from(y!.data as Float32Array), [11, 22, 33, 44]);
  } finally {
    await session.release();
  }
  await appendFile(path.join(dir, 'net.onnx.data'), Buffer.alloc(4));
  await assert.rejects(verifyPack(dir), /net\.onnx\.data.*longer than listed/s);
});
