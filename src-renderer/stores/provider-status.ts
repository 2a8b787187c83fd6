/**
 * Which ONNX Runtime execution provider a setting ends up on, from the engine's diagnostics (its
 * 'auto' order and the reasons the others are passed over), the same rule as the engine's
 * providerCandidates: a provider this install cannot run falls back to the CPU, and says why.
 */
import type { EngineDiagnostics } from '../../src-main/shared/diagnostics';
import type { ProviderId } from '../../src-main/shared/protocol';

export const PROVIDER_LABELS: Record<ProviderId, string> = {
  auto: 'Auto',
  cuda: 'CUDA',
  dml: 'DirectML',
  webgpu: 'WebGPU',
  cpu: 'CPU',
};

export interface ProviderStatus {
  /** The provider the setting runs on. */
  inUse: string;
  /** Why it is not the one asked for (or, for auto, why the ones before it are passed over). */
  fallbackReasons: { provider: string; reason: string }[];
}

export function providerStatus(
  onnx: EngineDiagnostics['onnxRuntime'],
  requested: ProviderId,
): ProviderStatus {
  if (requested === 'auto') return { inUse: onnx.autoOrder[0] ?? 'cpu', fallbackReasons: onnx.skipped };
  if (requested === 'cpu' || onnx.autoOrder.includes(requested))
    return { inUse: requested, fallbackReasons: [] };
  const skipped = onnx.skipped.find((s) => s.provider === requested);
  return {
    inUse: 'cpu',
    fallbackReasons: [
      { provider: requested, reason: skipped?.reason ?? `${requested} is not available here` },
    ],
  };
}
