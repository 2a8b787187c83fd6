/**
 * How skin-like a photo colour is, against the face's own skin: clothing, collars and hair strands
 * over the neck, ears and sides of the head are told from skin by this, so they count as unseen
 * and get synthesised skin instead of being projected. Chromaticity carries most of the decision
 * (blue, grey, white or black cloth has another chroma than skin); brightness only rejects colours
 * far darker or brighter than any shading of the skin would make them.
 */
import { smoothstep } from '../../geometry/smoothstep';

export interface SkinColourModel {
  /** Median chromaticity (r, g shares of r + g + b) and luma of the face's skin. */
  chroma: [number, number];
  luma: number;
  /** Spread of the chromaticity (robust, from the median absolute deviation), floored. */
  chromaSigma: number;
}

/** Fewer samples than this: a generic skin model (the photo shows too little face skin). */
const MIN_SAMPLES = 12;

/** Builds the model from skin colour samples (RGB 0..255, three values per sample). */
export function fitSkinColourModel(samples: Float32Array): SkinColourModel {
  const n = samples.length / 3;
  if (n < MIN_SAMPLES) return { chroma: [0.44, 0.32], luma: 150, chromaSigma: 0.05 };
  const r: number[] = [],
    g: number[] = [],
    y: number[] = [];
  for (let i = 0; i < n; i++) {
    const [cr, cg] = chromaticity(samples[i * 3]!, samples[i * 3 + 1]!, samples[i * 3 + 2]!);
    r.push(cr);
    g.push(cg);
    y.push(luma(samples[i * 3]!, samples[i * 3 + 1]!, samples[i * 3 + 2]!));
  }
  const mr = median(r),
    mg = median(g);
  const dev = r.map((v, i) => Math.hypot(v - mr, g[i]! - mg));
  // 1.4826 × MAD estimates σ for a normal spread; the floor keeps a very even face from rejecting
  // its own shadowed neck.
  const chromaSigma = Math.max(0.018, 1.4826 * median(dev));
  return { chroma: [mr, mg], luma: median(y), chromaSigma };
}

/** 0..1: how likely an RGB colour (0..255) is this person's skin, under any plausible shading. */
export function skinLikelihood(model: SkinColourModel, red: number, green: number, blue: number): number {
  const chromaTerm = skinChromaLikelihood(model, red, green, blue);
  // Shading under the chin or behind the ear darkens skin to ~50 %; glare brightens it a little.
  const ratio = luma(red, green, blue) / Math.max(1, model.luma);
  const lumaTerm = smoothstep(0.3, 0.5, ratio) * (1 - smoothstep(1.45, 1.8, ratio));
  return chromaTerm * lumaTerm;
}

function chromaticity(r: number, g: number, b: number): [number, number] {
  const s = r + g + b + 1e-3;
  return [r / s, g / s];
}

function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** The upper median (the middle of an odd count). */
export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** 0..1: how much a surface point is scalp, from the head model's hair weight. */
export function scalpShare(hairWeight: number): number {
  return smoothstep(0.3, 0.6, hairWeight);
}

/**
 * 0..1: how far the skin test applies at a surface point — on skin away from the face's features
 * (neck, ears, sides), not on the features (lips, brows, eyes are not skin-coloured) nor the scalp.
 */
export function skinGate(hairWeight: number, faceDetailWeight: number): number {
  return (1 - scalpShare(hairWeight)) * (1 - smoothstep(0.3, 0.6, faceDetailWeight));
}

/** A broad model around one measured skin colour, to start from before the skin is sampled widely. */
export function skinColourModelAround(rgb: readonly [number, number, number]): SkinColourModel {
  const s = rgb[0] + rgb[1] + rgb[2] + 1e-3;
  return { chroma: [rgb[0] / s, rgb[1] / s], luma: luma(rgb[0], rgb[1], rgb[2]), chromaSigma: 0.04 };
}

/** 0..1: how likely the chromaticity alone is this person's skin (any brightness: lit or shadowed). */
export function skinChromaLikelihood(
  model: SkinColourModel,
  red: number,
  green: number,
  blue: number,
): number {
  const [cr, cg] = chromaticity(red, green, blue);
  const d = Math.hypot(cr - model.chroma[0], cg - model.chroma[1]) / model.chromaSigma;
  return Math.exp(-0.5 * Math.max(0, d - 1.5) ** 2);
}

/**
 * 0..1: how far a skin colour speaks for the skin's own colour rather than a cast shadow (under
 * the chin, behind the ear), by its brightness against the face's skin. Order-2 lighting explains
 * smooth shading, not shadows, so shadowed skin must not set the colour of the whole neck.
 */
export function unshadowedTrust(model: SkinColourModel, red: number, green: number, blue: number): number {
  return smoothstep(0.6, 0.85, luma(red, green, blue) / Math.max(1, model.luma));
}
