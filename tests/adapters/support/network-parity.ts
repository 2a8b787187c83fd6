/** PyTorch vs ONNX Runtime on the pack's own network: the reference input through the verified session. */
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
