import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alphasCumprod,
  ddimSchedule,
  ddimSigma,
  ddimStep,
} from '../../src-main/engine/generate/multiview-diffusion/ddim-schedule';

// Stable Diffusion's schedule (the contract's manifest example)
const SD = { betaStart: 0.00085, betaEnd: 0.012, trainSteps: 1000, beta: 'scaled-linear' as const };

test('ᾱ of the scaled-linear schedule at known indices (numpy float64 cumprod)', () => {
  const a = alphasCumprod(SD);
  const known: [number, number][] = [
    [0, 0.99915],
    [1, 0.9982960278384514],
    [500, 0.2763326838229746],
    [981, 0.005775500139495751],
    [999, 0.004660098513077238],
  ];
  for (const [i, v] of known) assert.ok(Math.abs(a[i]! - v) < 1e-12, `ᾱ[${i}] = ${a[i]}, expected ${v}`);
});

test('50 DDIM steps walk 981, 961, …, 21, 1; ᾱ_prev of the last is ᾱ[0]', () => {
  const s = ddimSchedule(SD, 50);
  assert.equal(s.timesteps.length, 50);
  assert.deepEqual(s.timesteps.slice(0, 3), [981, 961, 941]);
  assert.deepEqual(s.timesteps.slice(-2), [21, 1]);
  const a = alphasCumprod(SD);
  assert.equal(s.alpha[0], a[981]);
  assert.equal(s.alphaPrev[0], a[961]);
  assert.equal(s.alphaPrev[49], a[0]);
  assert.deepEqual(ddimSchedule(SD, 1).timesteps, [1]);
  assert.throws(() => ddimSchedule(SD, 0), RangeError);
});

test('one DDIM update follows the contract formulas (x̂0, σ, direction, noise)', () => {
  const s = ddimSchedule(SD, 50);
  const x = new Float32Array([0.3, -1.2, 2.0]);
  const eps = new Float32Array([0.1, 0.5, -0.7]);
  const z = new Float32Array([1, -1, 0.5]);
  const x0 = new Float32Array(3);
  const [A, P] = [s.alpha[3]!, s.alphaPrev[3]!];
  const sigma = ddimSigma(A, P, 1);
  const expected = [...x].map((xi, i) => {
    const hat = (xi - Math.sqrt(1 - A) * eps[i]!) / Math.sqrt(A);
    return Math.sqrt(P) * hat + Math.sqrt(1 - P - sigma * sigma) * eps[i]! + sigma * z[i]!;
  });
  ddimStep({ x, eps, alpha: A, alphaPrev: P, eta: 1, z, x0Out: x0 });
  expected.forEach((e, i) => assert.ok(Math.abs(x[i]! - e) < 1e-5, `${x[i]} vs ${e}`));
  assert.ok(Math.abs(x0[0]! - (0.3 - Math.sqrt(1 - A) * 0.1) / Math.sqrt(A)) < 1e-4);
  // eta 0 is deterministic: σ = 0
  assert.equal(ddimSigma(A, P, 0), 0);
});
