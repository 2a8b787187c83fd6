/**
 * What the viewport toolbar can ask for: render modes, lighting presets and where the prior goes.
 * Plain data (no Babylon), so the toolbar component and the tests can import it cheaply.
 */

export const RENDER_MODES = ['textured', 'clay', 'normals', 'wireframe', 'uv-checker'] as const;
export type RenderMode = (typeof RENDER_MODES)[number];

export const RENDER_MODE_LABELS: Record<RenderMode, string> = {
  textured: 'Textured',
  clay: 'Clay',
  normals: 'Normals',
  wireframe: 'Wireframe',
  'uv-checker': 'UV checker',
};

export const LIGHTING_PRESETS = ['studio', 'flat', 'outdoor', 'environment'] as const;
export type LightingPreset = (typeof LIGHTING_PRESETS)[number];

export const LIGHTING_LABELS: Record<LightingPreset, string> = {
  studio: 'Studio (key, fill, rim)',
  flat: 'Flat (unlit)',
  outdoor: 'Outdoor (sun and sky)',
  environment: 'Environment map',
};

/** The mesh prior drawn over the result (semi-transparent) or beside it. */
export const PRIOR_PLACEMENTS = ['overlay', 'side'] as const;
export type PriorPlacement = (typeof PRIOR_PLACEMENTS)[number];

export const PRIOR_PLACEMENT_LABELS: Record<PriorPlacement, string> = {
  overlay: 'Overlaid',
  side: 'Side by side',
};

/** Which objects of the scene are shown. */
export interface ObjectVisibility {
  head: boolean;
  hair: boolean;
  prior: boolean;
}
