/**
 * The sampler's saved state in a job (`views/sampling-state.json` + the latents it names), so an
 * engine killed mid-sampling resumes at the step after the last save with identical results: the
 * seeded noise of a step depends only on (seed, step), so the state is the latents, the next step
 * and the noise source's description. The latents go to a file named after their step first, then the
 * JSON (atomically) points at it — a kill between the two leaves the previous state whole.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic, writeJsonAtomic } from '../../../shared/atomic-file';

export const SAMPLING_STATE_FILE = 'sampling-state.json';

const SamplingState = z
  .object({
    version: z.literal(1),
    /** What must match for the saved latents to continue this run (pack, steps, guidance, noise…). */
    fingerprint: z.string(),
    nextStep: z.number().int().nonnegative(),
    latentsFile: z.string().regex(/^sampling-state\.\d+\.bin$/),
    values: z.number().int().positive(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    noise: z.unknown(),
  })
  .strict();

export function samplingFingerprint(parts: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export async function saveSamplingState(
  dir: string,
  state: { fingerprint: string; nextStep: number; latents: Float32Array; noise: unknown },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const bytes = new Uint8Array(state.latents.buffer, state.latents.byteOffset, state.latents.byteLength);
  const latentsFile = `sampling-state.${state.nextStep}.bin`;
  await writeFileAtomic(path.join(dir, latentsFile), bytes);
  await writeJsonAtomic(path.join(dir, SAMPLING_STATE_FILE), {
    version: 1,
    fingerprint: state.fingerprint,
    nextStep: state.nextStep,
    latentsFile,
    values: state.latents.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    noise: state.noise,
  } satisfies z.infer<typeof SamplingState>);
  await removeOtherLatents(dir, latentsFile);
}

/** The saved state if there is one for this run and it is whole; undefined otherwise (start afresh). */
export async function loadSamplingState(
  dir: string,
  fingerprint: string,
): Promise<{ nextStep: number; latents: Float32Array } | { stale: string } | undefined> {
  const text = await readFile(path.join(dir, SAMPLING_STATE_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { stale: `${SAMPLING_STATE_FILE} is not JSON` };
  }
  const parsed = SamplingState.safeParse(raw);
  if (!parsed.success) return { stale: `${SAMPLING_STATE_FILE} is not a sampling state` };
  const s = parsed.data;
  if (s.fingerprint !== fingerprint) return { stale: 'it was saved with other settings, pack or inputs' };
  const bytes = await readFile(path.join(dir, s.latentsFile)).catch(() => undefined);
  if (!bytes || bytes.length !== s.values * 4) return { stale: `${s.latentsFile} is missing or truncated` };
  if (createHash('sha256').update(bytes).digest('hex') !== s.sha256)
    return { stale: `${s.latentsFile} is corrupt` };
  const latents = new Float32Array(s.values);
  new Uint8Array(latents.buffer).set(bytes);
  return { nextStep: s.nextStep, latents };
}

export async function clearSamplingState(dir: string): Promise<void> {
  await rm(path.join(dir, SAMPLING_STATE_FILE), { force: true });
  await removeOtherLatents(dir, undefined);
}

async function removeOtherLatents(dir: string, keep: string | undefined): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (/^sampling-state\.\d+\.bin$/.test(name) && name !== keep)
      await rm(path.join(dir, name), { force: true });
  }
}
