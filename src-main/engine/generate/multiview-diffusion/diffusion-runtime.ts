/**
 * The five ONNX Runtime sessions of a diffusion pack on one execution provider, chosen in the order
 * CUDA → DirectML → WebGPU → CPU; a provider whose sessions cannot be made is passed over with its
 * reason. `fallBackToCpu` re-creates every session on the CPU (after an out-of-memory error that
 * smaller batches did not cure). All sessions or none: a failure releases what was made.
 */
import * as ort from 'onnxruntime-node';
import type { ProviderId } from '../../../shared/protocol';
import { withSilence } from '../../engine-heartbeat';
import { createPackSession } from '../../packs/pack-session';
import { DIFFUSION_NETWORKS, type DiffusionNetwork } from '../../packs/diffusion-manifest';
import { PackError } from '../../packs/pack-error';
import type { VerifiedPack } from '../../packs/verify-pack';
import { frustumAssemblyModel } from './frustum-assembly';
import {
  describeError,
  ortProviderName,
  providerCandidates,
  type ConcreteProvider,
  type ProviderFallback,
} from './providers';

export type DiffusionSessions = Record<DiffusionNetwork, ort.InferenceSession> & {
  /** WebGPU only: the frustum assembly graph, whose outputs (and the volume net's) stay on the GPU. */
  assembly?: ort.InferenceSession;
};

export interface RuntimeOptions {
  /** CPU threads (0 = ONNX Runtime's default). */
  threads?: number;
  /** Keep the frustums on the GPU with WebGPU (default true). */
  deviceFrustums?: boolean;
  /** Installed backends, for tests of the order (default: onnxruntime-node's list). */
  backends?: ReadonlySet<string>;
}

export class DiffusionRuntime {
  private constructor(
    private readonly pack: VerifiedPack,
    public provider: ConcreteProvider,
    public sessions: DiffusionSessions,
    readonly fallbacks: ProviderFallback[],
    private readonly options: RuntimeOptions,
  ) {}

  static async open(
    pack: VerifiedPack,
    requested: ProviderId,
    options: RuntimeOptions = {},
  ): Promise<DiffusionRuntime> {
    const { candidates, skipped } = providerCandidates(requested, options.backends);
    const fallbacks = [...skipped];
    for (const provider of candidates) {
      try {
        const sessions = await createSessions(pack, provider, options);
        return new DiffusionRuntime(pack, provider, sessions, fallbacks, options);
      } catch (error) {
        if (error instanceof PackError && provider === 'cpu') throw error;
        fallbacks.push({ provider, reason: `its sessions could not be made: ${sessionProblem(error)}` });
      }
    }
    throw new PackError(
      'pack-corrupt',
      pack.dir,
      'manifest.json',
      `no execution provider could load the networks (${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}).`,
    );
  }

  /** Re-create every session on the CPU provider; the reason is kept for the report. */
  async fallBackToCpu(reason: string): Promise<void> {
    if (this.provider === 'cpu') throw new Error(`already on the CPU: ${reason}`);
    const sessions = await createSessions(this.pack, 'cpu', this.options);
    await releaseAll(this.sessions);
    this.fallbacks.push({ provider: this.provider, reason });
    this.provider = 'cpu';
    this.sessions = sessions;
  }

  async run(
    network: DiffusionNetwork,
    feeds: Record<string, ort.Tensor>,
  ): Promise<Record<string, ort.Tensor>> {
    // one UNet batch on a slow CPU may hold the event loop (no heartbeat) for minutes
    const session = this.sessions[network];
    return (await withSilence(`${this.provider} ${network}`, FIRST_RUN_SILENCE_MS, () =>
      session.run(feeds),
    )) as Record<string, ort.Tensor>;
  }

  /**
   * On WebGPU the volume net's frustums stay on the GPU: its outputs are gpu-buffer tensors and the
   * frustum assembly graph (frustum-assembly.ts) builds each UNet batch's frustums there.
   */
  get deviceFrustums(): boolean {
    return this.sessions.assembly !== undefined;
  }

  async assemble(feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
    if (!this.sessions.assembly) throw new Error('no frustum assembly session on this provider');
    const assembly = this.sessions.assembly;
    return (await withSilence(`${this.provider} assembly`, FIRST_RUN_SILENCE_MS, () =>
      assembly.run(feeds),
    )) as Record<string, ort.Tensor>;
  }

  async release(): Promise<void> {
    await releaseAll(this.sessions);
  }
}

/** How long the first run of a network may hold the engine's event loop (the watchdog's allowance). */
const FIRST_RUN_SILENCE_MS = 10 * 60_000;

async function createSessions(
  pack: VerifiedPack,
  provider: ConcreteProvider,
  options: RuntimeOptions,
): Promise<DiffusionSessions> {
  const made: Partial<DiffusionSessions> = {};
  const onDevice = provider === 'webgpu' && options.deviceFrustums !== false;
  try {
    for (const name of Object.keys(DIFFUSION_NETWORKS) as DiffusionNetwork[]) {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: [ortProviderName(provider)],
        graphOptimizationLevel: 'all',
        ...(provider === 'cpu' && options.threads ? { intraOpNumThreads: options.threads } : {}),
        ...(onDevice && name === 'volume' ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
      };
      made[name] = (await createPackSession(pack, name, sessionOptions)).session;
    }
    if (onDevice) {
      const ranks = pack.manifest.networks.volume!.outputs.map((o) => o.shape.length);
      made.assembly = await ort.InferenceSession.create(frustumAssemblyModel(ranks), {
        executionProviders: [ortProviderName(provider)],
        preferredOutputLocation: 'gpu-buffer',
      });
    }
    return made as DiffusionSessions;
  } catch (error) {
    await releaseAll(made);
    throw error;
  }
}

async function releaseAll(sessions: Partial<DiffusionSessions>): Promise<void> {
  for (const s of Object.values(sessions)) await s?.release().catch(() => undefined);
}

/** The runtime's own words (without the pack wrapper), with a plain reading of the usual cases. */
function sessionProblem(error: unknown): string {
  const text = describeError(error);
  const inner = /cannot load it \((.*)$/.exec(text)?.[1] ?? text;
  if (/RequestAdapter|adapter/i.test(inner))
    return `no WebGPU adapter (GPU driver) on this machine (${inner.slice(0, 160)})`;
  return inner;
}
