/**
 * The generation settings a new job starts with, as the side panel edits them: pure functions from
 * the panel's choice to job settings, and the studio's saved defaults (checked when read back).
 */
import { z } from 'zod';
import {
  DiffusionSettings,
  ExportSettings,
  JobSettings,
  type JobSettingsInput,
  type PackInfo,
} from '../../src-main/shared/protocol';

const diffusion = DiffusionSettings.shape;

export const GenerationChoice = z
  .object({
    generator: JobSettings.shape.generator.unwrap(),
    /** A diffusion pack id; unset = the first diffusion pack installed. */
    pack: diffusion.pack,
    steps: diffusion.steps,
    guidance: diffusion.guidance,
    seed: diffusion.seed.unwrap(),
    reconstructMesh: JobSettings.shape.reconstructMesh.unwrap(),
    albedoTexture: z.boolean(),
    /** Side of the exported texture; defaults kept so choices saved before it existed still read. */
    textureSize: ExportSettings.shape.textureSize,
    provider: JobSettings.shape.provider,
  })
  .strict();
export type GenerationChoice = z.infer<typeof GenerationChoice>;

export const DEFAULT_CHOICE: GenerationChoice = {
  generator: 'projection',
  seed: 0,
  reconstructMesh: 'reconstructed',
  albedoTexture: false,
  textureSize: 1024,
  provider: 'auto',
};

/** Job settings for a new job (or a re-generate) from the panel's choice. */
export function jobSettingsOf(choice: GenerationChoice): Partial<JobSettingsInput> {
  const base = {
    generator: choice.generator,
    albedoTexture: choice.albedoTexture,
    provider: choice.provider,
    export: { textureSize: choice.textureSize },
  };
  if (choice.generator !== 'diffusion') return base;
  return {
    ...base,
    reconstructMesh: choice.reconstructMesh,
    diffusion: {
      seed: choice.seed,
      ...(choice.pack ? { pack: choice.pack } : {}),
      ...(choice.steps !== undefined ? { steps: choice.steps } : {}),
      ...(choice.guidance !== undefined ? { guidance: choice.guidance } : {}),
    },
  };
}

/** The saved defaults, or the built-in ones when nothing (or something unreadable) was saved. */
export function readSavedChoice(saved: string | null): GenerationChoice {
  if (!saved) return { ...DEFAULT_CHOICE };
  try {
    const parsed = GenerationChoice.safeParse(JSON.parse(saved));
    return parsed.success ? parsed.data : { ...DEFAULT_CHOICE };
  } catch {
    return { ...DEFAULT_CHOICE };
  }
}

/** Packs the diffusion generator can run: multi-view diffusion packs whose files check out. */
export function diffusionPacks(packs: readonly PackInfo[]): PackInfo[] {
  return packs.filter((p) => p.kind === 'generate' && p.role === 'multiview-diffusion' && p.ok);
}

/** A new random seed (the noise's seed range). */
export function randomSeed(random: () => number = Math.random): number {
  return Math.floor(random() * 0xffffffff);
}
