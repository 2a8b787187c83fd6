/**
 * The generation presets: one table of what each sets. A preset only sets the fields it names; the
 * rest of the choice (seed, pack, albedo, provider) stays the user's.
 */
import type { GenerationChoice } from './generation-choice';

export type PresetId = 'fast' | 'balanced' | 'best';

export interface GenerationPreset {
  id: PresetId;
  label: string;
  /** One line on what it is for. */
  note: string;
  sets: Partial<GenerationChoice>;
}

export const GENERATION_PRESETS: readonly GenerationPreset[] = [
  {
    id: 'fast',
    label: 'Fast preview',
    note: 'projection, 512 px texture: a head in well under a minute',
    sets: { generator: 'projection', textureSize: 512 },
  },
  {
    id: 'balanced',
    label: 'Balanced',
    note: 'projection, 1024 px texture (the default)',
    sets: { generator: 'projection', textureSize: 1024 },
  },
  {
    id: 'best',
    label: 'Best quality',
    note: "diffusion views (the pack's steps and guidance), reconstructed mesh, 2048 px texture",
    sets: {
      generator: 'diffusion',
      steps: undefined,
      guidance: undefined,
      reconstructMesh: 'reconstructed',
      textureSize: 2048,
    },
  },
];

export function applyPreset(choice: GenerationChoice, id: PresetId): GenerationChoice {
  const preset = GENERATION_PRESETS.find((p) => p.id === id);
  if (!preset) return choice;
  const next: GenerationChoice = { ...choice, ...preset.sets };
  // "unset" in the table means the pack's own value: drop the key rather than store undefined
  for (const [field, value] of Object.entries(preset.sets))
    if (value === undefined) delete (next as Record<string, unknown>)[field];
  return next;
}

/** The preset the choice matches exactly in every field the preset sets, or 'custom'. */
export function presetOf(choice: GenerationChoice): PresetId | 'custom' {
  const matches = (p: GenerationPreset) =>
    Object.entries(p.sets).every(([field, value]) => choice[field as keyof GenerationChoice] === value);
  return GENERATION_PRESETS.find(matches)?.id ?? 'custom';
}
