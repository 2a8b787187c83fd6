/** PyTorch vs ONNX Runtime on the pack's own network: the reference input through the verified session. */
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import * as ort from 'onnxruntime-node';
import path from 'node:path';
import { createPackSession } from '../../../src-main/engine/packs/pack-session';
import { verifyPack } from '../../../src-main/engine/packs/verify-pack';
import { maxAbsDiff, readRef, type EstimatorFixtures } from './estimator-fixtures';

export async function networkParity(
  fx: EstimatorFixtures,
  id: string,
): Promise<Record<string, { maxAbsDiff: number; maxAbs: number }>> {
  const pack = await verifyPack(path.join(fx.packsDir, id));
  const { session, spec } = await createPackSession(pack, 'estimator');
  try {
    const input = await readRef(fx, id, 'input');
    const inputName = spec.inputs[0]!.name;
    const result = await session.run({ [inputName]: new ort.Tensor('float32', input.data, input.shape) });
    const out: Record<string, { maxAbsDiff: number; maxAbs: number }> = {};
    for (const o of spec.outputs) {
      const ref = await readRef(fx, id, `output.${o.name}`);
      const got = result[o.name]!.data as Float32Array;
      out[o.name] = {
        maxAbsDiff: maxAbsDiff(got, ref.data),
        maxAbs: ref.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0),
      };
    }
    return out;
  } finally {
    await session.release();
  }
}

/** Every output of the pack's network within `tolerance` of PyTorch's (and exactly `outputs` there). */
export async function assertNetworkParity(
  t: TestContext,
  fx: EstimatorFixtures,
  id: string,
  label: string,
  outputs: string[],
  tolerance = 1e-4,
): Promise<void> {
  const parity = await networkParity(fx, id);
  assert.deepEqual(Object.keys(parity).sort(), [...outputs].sort(), 'network outputs');
  for (const [name, p] of Object.entries(parity)) {
    t.diagnostic(
      `${label} ${name}: max |Δ| ${p.maxAbsDiff.toExponential(2)} (max |value| ${p.maxAbs.toFixed(3)})`,
    );
    assert.ok(p.maxAbsDiff <= tolerance, `${name} differs by ${p.maxAbsDiff}`);
  }
}
