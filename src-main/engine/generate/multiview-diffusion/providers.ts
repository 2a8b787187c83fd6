/**
 * Which ONNX Runtime execution provider runs the diffusion (DESIGN.md): CUDA where the installed
 * onnxruntime-node lists it, DirectML on Windows, WebGPU, then CPU. Every provider passed over is
 * recorded with its reason, so the report can say why the studio runs where it runs.
 */
import * as ort from 'onnxruntime-node';
import type { ProviderId } from '../../../shared/protocol';

export type ConcreteProvider = Exclude<ProviderId, 'auto'>;

export const PROVIDER_ORDER: readonly ConcreteProvider[] = ['cuda', 'dml', 'webgpu', 'cpu'];

export interface ProviderCandidate {
  provider: ConcreteProvider;
}

export interface ProviderFallback {
  provider: ConcreteProvider;
  reason: string;
}

/**
 * The providers this onnxruntime-node install can run (`listSupportedBackends`, 1.30): listed AND
 * bundled — a listed but unbundled one (CUDA when its download was skipped) is not there.
 */
export function installedBackends(): Set<string> {
  const list = (ort as unknown as { listSupportedBackends?: () => { name: string; bundled?: boolean }[] })
    .listSupportedBackends;
  if (typeof list !== 'function') return new Set(['cpu']);
  return new Set(
    list()
      .filter((b) => b.bundled !== false)
      .map((b) => b.name.toLowerCase()),
  );
}

/**
 * The providers to try in order for a setting, with the reasons the others are skipped before any
 * session is made. A provider the user asks for that this install lacks falls back to CPU, said so.
 */
export function providerCandidates(
  requested: ProviderId,
  backends: ReadonlySet<string> = installedBackends(),
  platform: NodeJS.Platform = process.platform,
): { candidates: ConcreteProvider[]; skipped: ProviderFallback[] } {
  const skipped: ProviderFallback[] = [];
  const available = (p: ConcreteProvider): string | undefined => {
    if (p === 'cpu') return undefined;
    if (p === 'dml' && platform !== 'win32') return 'DirectML runs on Windows only';
    if (!backends.has(p))
      return `this onnxruntime-node install does not have "${p}" (not listed, or listed but not installed)`;
    return undefined;
  };
  const wanted =
    requested === 'auto' ? PROVIDER_ORDER : [requested, ...(requested === 'cpu' ? [] : ['cpu' as const])];
  const candidates: ConcreteProvider[] = [];
  for (const p of wanted) {
    const why = available(p);
    if (why) skipped.push({ provider: p, reason: why });
    else candidates.push(p);
  }
  return { candidates, skipped };
}

/** ONNX Runtime's name of a provider in `executionProviders`. */
export function ortProviderName(p: ConcreteProvider): string {
  return p;
}

/** Whether an ORT error means the device ran out of memory (CPU allocator, CUDA, DirectML, WebGPU). */
export function isOutOfMemory(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);
  return /out of memory|bad_alloc|failed to allocate|allocation fail|OOM\b|E_OUTOFMEMORY|CUDNN_STATUS_ALLOC_FAILED|CUBLAS_STATUS_ALLOC_FAILED/i.test(
    text,
  );
}

export function describeError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.slice(0, 300);
}
