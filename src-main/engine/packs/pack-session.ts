/**
 * An ONNX Runtime session for one of a verified pack's networks, created from the verified bytes and
 * checked against the manifest: input/output names in order and every fixed dimension. A mismatch
 * names the .onnx file; the session is released before the error is thrown.
 */
import * as ort from 'onnxruntime-node';
import { expectSilence } from '../engine-heartbeat';
import { PackError } from './pack-error';
import type { NetworkSpec, TensorSpec } from './pack-manifest';
import type { VerifiedPack } from './verify-pack';

export interface PackSession {
  session: ort.InferenceSession;
  spec: NetworkSpec;
  file: string;
}

export async function createPackSession(
  pack: VerifiedPack,
  network: string,
  options: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'] },
): Promise<PackSession> {
  const spec = pack.manifest.networks[network];
  if (!spec)
    throw new PackError('pack-mismatch', pack.dir, 'manifest.json', `the pack has no network "${network}".`);
  let session: ort.InferenceSession;
  try {
    // A graph with external data (or too large to hold) loads by path: ONNX Runtime finds
    // `<file>.data` beside it. Its bytes were hashed as they were streamed.
    const byPath =
      !pack.inMemory(spec.file) || pack.manifest.files.some((f) => f.path === `${spec.file}.data`);
    // Creating a big graph's session may hold the engine's event loop for minutes (no heartbeat).
    expectSilence(sessionSilenceMs(pack, spec.file), `creating the ONNX Runtime session of ${spec.file}`);
    session = byPath
      ? await ort.InferenceSession.create(pack.path(spec.file), options)
      : await ort.InferenceSession.create(pack.file(spec.file), options);
  } catch (err) {
    expectSilence(0, `${spec.file} failed to load`);
    throw new PackError(
      'pack-corrupt',
      pack.dir,
      spec.file,
      `ONNX Runtime cannot load it (${(err as Error).message}).`,
    );
  }
  expectSilence(0, `${spec.file} loaded`);
  try {
    checkSide(pack, spec.file, 'input', spec.inputs, session.inputMetadata);
    checkSide(pack, spec.file, 'output', spec.outputs, session.outputMetadata);
  } catch (err) {
    await session.release();
    throw err;
  }
  return { session, spec, file: spec.file };
}

/** How long creating a session may take: 2 min, plus 2 min per GiB of graph and external data. */
export function sessionSilenceMs(pack: VerifiedPack, file: string): number {
  const bytes = pack.manifest.files
    .filter((f) => f.path === file || f.path === `${file}.data`)
    .reduce((sum, f) => sum + f.bytes, 0);
  return 120_000 + Math.ceil((bytes / 2 ** 30) * 120_000);
}

function checkSide(
  pack: VerifiedPack,
  file: string,
  side: 'input' | 'output',
  expected: readonly TensorSpec[],
  actual: readonly ort.InferenceSession.ValueMetadata[],
): void {
  const names = actual.map((m) => m.name);
  if (names.length !== expected.length || expected.some((e, i) => e.name !== names[i])) {
    throw new PackError(
      'pack-mismatch',
      pack.dir,
      file,
      `the network's ${side}s are [${names.join(', ')}], the manifest says [${expected.map((e) => e.name).join(', ')}].`,
    );
  }
  expected.forEach((e, i) => {
    const meta = actual[i];
    if (!meta?.isTensor) return;
    const shape = meta.shape;
    const fits =
      shape.length === 0 ||
      (shape.length === e.shape.length && shape.every((d, k) => fitsDimension(d, e.shape[k]!)));
    if (!fits || meta.type !== e.dtype) {
      throw new PackError(
        'pack-mismatch',
        pack.dir,
        file,
        `${side} "${e.name}" is ${meta.type}[${shape.join('×')}] in the network, the manifest says ${e.dtype}[${e.shape.join('×')}].`,
      );
    }
  });
}

/** A network dimension fits the manifest's when either is dynamic (symbolic, or -1) or both agree. */
function fitsDimension(actual: number | string, listed: number): boolean {
  return typeof actual !== 'number' || actual < 0 || listed === -1 || actual === listed;
}
