/**
 * Finds, verifies and loads an estimator pack: the FLAME arrays and the ONNX session, both checked
 * against the official shapes the adapter expects. All or nothing: on any failure the session is
 * released and a StageError names the pack folder and the file at fault.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import type { EstimatorId } from '../../../shared/protocol';
import { PackError } from '../../packs/pack-error';
import { MANIFEST_FILE, type TensorSpec } from '../../packs/pack-manifest';
import { createPackSession } from '../../packs/pack-session';
import { verifyPack, type VerifiedPack } from '../../packs/verify-pack';
import { StageError } from '../../stage-error';
import { FlameLayer } from '../flame/flame-layer';

export interface ExpectedTensor {
  name: string;
  shape: number[];
  /** Required layout of the last dimension, when the adapter slices it by name. */
  layout?: { name: string; size: number }[];
}

export interface LoadedEstimatorPack {
  pack: VerifiedPack;
  flame: FlameLayer;
  session: InferenceSession;
  /** The .onnx file, for messages. */
  networkFile: string;
}

const CONVERTERS: Record<Exclude<EstimatorId, 'builtin'>, string> = {
  ringnet: 'training/convert_ringnet.py',
  deca: 'training/convert_deca.py',
  mica: 'training/convert_mica.py',
};

/** `packsDir/<id>` if it is a pack, else the first pack folder whose manifest says `"estimator": id`. */
export async function findEstimatorPack(
  packsDir: string,
  id: Exclude<EstimatorId, 'builtin'>,
): Promise<string> {
  const direct = path.join(packsDir, id);
  if (await hasManifest(direct)) return direct;
  const entries = await readdir(packsDir, { withFileTypes: true }).catch(() => []);
  // Dot-folders are installs and removals in progress (install-pack.ts, remove-pack.ts), never packs.
  const folders = entries.filter((d) => d.isDirectory() && !d.name.startsWith('.'));
  for (const e of folders.sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = path.join(packsDir, e.name);
    try {
      const manifest = JSON.parse(await readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as {
        estimator?: unknown;
      };
      if (manifest.estimator === id) return dir;
    } catch {
      // not a pack, or a broken one that is not this estimator's
    }
  }
  throw new StageError(
    'pack-not-installed',
    `No ${id} model pack in ${packsDir}.`,
    installHint(packsDir, id),
  );
}

/** How to make the `id` pack: the converter command, writing into its folder in `packsDir`. */
export function installHint(packsDir: string, id: Exclude<EstimatorId, 'builtin'>): string {
  return `Convert the official ${id} checkpoint with your FLAME model: ${CONVERTERS[id]} --out ${path.join(packsDir, id)} (see training/README.md).`;
}

async function hasManifest(dir: string): Promise<boolean> {
  return readFile(path.join(dir, MANIFEST_FILE)).then(
    () => true,
    () => false,
  );
}

export async function loadEstimatorPack(
  packsDir: string,
  id: Exclude<EstimatorId, 'builtin'>,
  expected: { inputs: ExpectedTensor[]; outputs: ExpectedTensor[] },
  signal?: AbortSignal,
): Promise<LoadedEstimatorPack> {
  const dir = await findEstimatorPack(packsDir, id);
  const pack = await verifyPack(dir, signal);
  const m = pack.manifest;
  if (m.kind !== 'estimate' || m.estimator !== id) {
    throw new PackError(
      'pack-mismatch',
      dir,
      MANIFEST_FILE,
      `this is a ${m.kind} pack for "${m.estimator ?? m.role ?? '?'}", not a ${id} pack.`,
    );
  }
  const net = m.networks.estimator;
  if (!net) throw new PackError('pack-mismatch', dir, MANIFEST_FILE, 'the pack has no "estimator" network.');
  checkTensors(dir, net.file, 'input', net.inputs, expected.inputs);
  checkTensors(dir, net.file, 'output', net.outputs, expected.outputs);
  const flame = FlameLayer.fromPack(pack);
  const { session } = await createPackSession(pack, 'estimator');
  return { pack, flame, session, networkFile: net.file };
}

function checkTensors(
  dir: string,
  file: string,
  side: string,
  actual: TensorSpec[],
  expected: ExpectedTensor[],
): void {
  const describe = (t: { name: string; shape: number[] }): string => `${t.name}[${t.shape.join('×')}]`;
  const fits =
    actual.length === expected.length &&
    expected.every((e, i) => {
      const a = actual[i]!;
      const sameLayout =
        !e.layout ||
        (a.layout?.length === e.layout.length &&
          e.layout.every((l, k) => a.layout?.[k]?.name === l.name && a.layout[k]?.size === l.size));
      return (
        a.name === e.name && a.dtype === 'float32' && a.shape.join(',') === e.shape.join(',') && sameLayout
      );
    });
  if (!fits) {
    throw new PackError(
      'pack-mismatch',
      dir,
      file,
      `${side}s are ${actual.map(describe).join(', ')} in the manifest; this estimator needs ${expected.map(describe).join(', ')} (official shapes and layout).`,
    );
  }
}
