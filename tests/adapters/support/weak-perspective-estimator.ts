/**
 * The run DECA's and RingNet's tests share: the estimator on astronaut.png, the checks every FLAME
 * output passes, and our camera against the network's own weak-perspective projection. Each test
 * adds its own assertions on what comes back.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { createEstimator } from '../../../src-main/engine/estimate/create-estimator';
import type { Estimator, EstimatorOutput, RgbPhoto } from '../../../src-main/engine/estimate/estimator';
import { checkFlameOutput } from './check-output';
import { ASTRONAUT, ASTRONAUT_FACE_BOX, loadRgb } from './estimator-fixtures';
import { weakPerspectiveError } from './weak-perspective-check';
import { DECA_REGRESSOR } from '../../../src-main/engine/estimate/adapters/deca';
import { RINGNET_REGRESSOR } from '../../../src-main/engine/estimate/adapters/ringnet';

export interface WeakPerspectiveRun {
  out: EstimatorOutput;
  photo: RgbPhoto;
  estimator: Estimator;
  /** Share of the head's vertices that project into the photo. */
  inside: number;
}

export async function runWeakPerspectiveEstimator(
  t: TestContext,
  args: {
    id: 'deca' | 'ringnet';
    label: string;
    packsDir: string;
    landmarks: { count: number; why: string };
    cropScale: number;
    flipYZ: boolean;
  },
  ownChecks: (run: WeakPerspectiveRun) => void | Promise<void>,
): Promise<void> {
  const photo = await loadRgb(ASTRONAUT);
  const estimator = await createEstimator(args.id, args.packsDir);
  try {
    const started = performance.now();
    const out = await estimator.estimate({ photo, cropBox: ASTRONAUT_FACE_BOX });
    t.diagnostic(`estimate ${(performance.now() - started).toFixed(0)} ms`);
    assert.equal(out.estimatorId, args.id);
    const { inside } = checkFlameOutput(out, photo);
    assert.equal(out.landmarks2d.length, args.landmarks.count * 2, args.landmarks.why);
    const err = await weakPerspectiveError({
      out,
      packDir: path.join(args.packsDir, args.id),
      crop: (args.id === 'deca' ? DECA_REGRESSOR : RINGNET_REGRESSOR).crop(
        { photo, cropBox: ASTRONAUT_FACE_BOX },
        224,
        args.cropScale,
      ).crop,
      flipYZ: args.flipYZ,
    });
    t.diagnostic(
      `camera vs ${args.label}'s projection: median ${err.median.toExponential(1)} px, max ${err.max.toExponential(1)} px`,
    );
    assert.ok(
      err.median < 3 && err.max < 20,
      `camera disagrees with ${args.label}'s projection by ${err.median} / ${err.max} px`,
    );
    await ownChecks({ out, photo, estimator, inside });
  } finally {
    await estimator.dispose();
  }
}
