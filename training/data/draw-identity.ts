/**
 * One synthetic person as data, drawn from a seed: head shape, skin (tone over the whole range,
 * pores, freckles, stubble, beard, make-up), eyes, brows, lips, a hairstyle of the studio's library
 * with its colour, the lighting, and the camera of the "photo". Pure: (seed, index) → the same
 * identity every time; nothing here renders.
 */
import {
  HAIRSTYLE_BOUNDS,
  HAIRSTYLE_IDS,
  HAIRSTYLE_PRESETS,
  type HairstyleId,
  type HairstyleParams,
} from '../../src-main/engine/generate/hair/hairstyle-library';
import { randomSource, type RandomSource } from './seeded-random';

export type Rgb = [number, number, number];

export interface SkinLook {
  /** Base tone, sRGB 0..255. */
  tone: Rgb;
  /** 0..1: red of the cheeks, nose and lips over the base tone. */
  flush: number;
  /** 0..1: strength of the pore-scale noise. */
  pores: number;
  /** 0..1: share of the cheeks and nose with freckles. */
  freckles: number;
  /** 0..1: stubble darkening of the lower face. */
  stubble: number;
  /** 0..1: a full beard (hair colour over the jaw, chin and upper lip). */
  beard: number;
  /** 0..1: lipstick and eye shadow strength. */
  makeup: number;
  lips: Rgb;
  iris: Rgb;
  brows: Rgb;
  /** Brow thickness as a share of the eye's width. */
  browThickness: number;
  /** Per-identity seed of the skin's noise fields. */
  noiseSeed: number;
}

export interface HairLook {
  params: HairstyleParams;
  colour: Rgb;
  /** 0..1: share of grey strands. */
  grey: number;
  noiseSeed: number;
}

export interface Lighting {
  kind: 'studio' | 'outdoor' | 'coloured';
  /** Linear RGB 0..1 of the ambient term. */
  ambient: [number, number, number];
  /** Linear RGB intensities 0..1. */
  lights: { direction: [number, number, number]; rgb: [number, number, number] }[];
}

export interface InputCamera {
  /** Degrees: the camera's azimuth around the head (0 = in front, + towards the head's left, +X). */
  yawDeg: number;
  /** Degrees: the camera's elevation (+ looks down on the head). */
  pitchDeg: number;
  /** 35 mm equivalent focal length; the distance follows so the head fills a similar share. */
  focalMm: number;
}

export interface SyntheticIdentity {
  index: number;
  /** One coefficient per shape component of the head model (≈ standard deviations). */
  shape: number[];
  skin: SkinLook;
  hair: HairLook;
  lighting: Lighting;
  input: InputCamera;
}

/** The Monk Skin Tone scale's ten swatches (Google, CC-BY 4.0 scale; values as published), light → dark. */
const MONK_TONES: Rgb[] = [
  [246, 237, 228],
  [243, 231, 219],
  [247, 234, 208],
  [234, 218, 186],
  [215, 189, 150],
  [160, 126, 86],
  [130, 92, 67],
  [96, 65, 52],
  [58, 49, 42],
  [41, 36, 32],
];

const HAIR_COLOURS: { colour: Rgb; weight: number }[] = [
  { colour: [22, 18, 16], weight: 4 }, // black
  { colour: [52, 36, 26], weight: 4 }, // dark brown
  { colour: [98, 68, 44], weight: 3 }, // brown
  { colour: [150, 112, 70], weight: 2 }, // light brown
  { colour: [206, 172, 116], weight: 2 }, // blond
  { colour: [140, 62, 32], weight: 1 }, // red
  { colour: [178, 176, 172], weight: 1 }, // grey
];

const STYLE_WEIGHTS: Record<HairstyleId, number> = {
  buzz: 1,
  short: 3,
  medium: 2,
  bob: 1.5,
  'long-straight': 1.5,
  'long-wavy': 1.5,
  bun: 1,
  afro: 1,
  quiff: 0.5,
};

function lerpRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [0, 1, 2].map((k) => a[k]! + (b[k]! - a[k]!) * t) as Rgb;
}

function jitter(c: Rgb, random: RandomSource, amount: number): Rgb {
  return c.map((v) => Math.max(0, Math.min(255, v * (1 + amount * random.normal())))) as Rgb;
}

function skinTone(random: RandomSource): Rgb {
  const t = random.next() * (MONK_TONES.length - 1);
  const i = Math.min(MONK_TONES.length - 2, Math.floor(t));
  return jitter(lerpRgb(MONK_TONES[i]!, MONK_TONES[i + 1]!, t - i), random, 0.03);
}

function drawSkin(random: RandomSource, hairColour: Rgb, bearded: boolean): SkinLook {
  const tone = skinTone(random);
  const lightness = (tone[0] + tone[1] + tone[2]) / (3 * 255);
  const makeup = random.chance(0.3) ? random.uniform(0.3, 1) : 0;
  const lipBase = lerpRgb(tone, [170, 70, 75], 0.35);
  return {
    tone,
    flush: random.uniform(0, 0.6),
    pores: random.uniform(0.3, 1),
    // freckles mostly on light skin
    freckles: lightness > 0.75 && random.chance(0.3) ? random.uniform(0.2, 1) : 0,
    stubble: bearded ? 0 : random.chance(0.3) ? random.uniform(0.2, 0.8) : 0,
    beard: bearded ? random.uniform(0.6, 1) : 0,
    makeup,
    lips:
      makeup > 0
        ? lerpRgb(
            lipBase,
            random.pick<Rgb>([
              [160, 20, 40],
              [190, 80, 90],
              [110, 30, 50],
            ]),
            makeup,
          )
        : lipBase,
    iris: random.pick<Rgb>([
      [60, 40, 25],
      [90, 60, 35],
      [70, 100, 130],
      [80, 110, 70],
      [40, 30, 25],
    ]),
    brows: lerpRgb(hairColour, [30, 24, 20], 0.3),
    browThickness: random.uniform(0.12, 0.3),
    noiseSeed: random.seed(),
  };
}

function drawHair(random: RandomSource): HairLook {
  const style = random.pick(
    HAIRSTYLE_IDS,
    HAIRSTYLE_IDS.map((id) => STYLE_WEIGHTS[id]),
  );
  const preset = HAIRSTYLE_PRESETS[style];
  const bounds = HAIRSTYLE_BOUNDS[style];
  const within = ([low, high]: [number, number]) => random.uniform(low, high);
  const params: HairstyleParams = {
    ...preset,
    volume: within(bounds.volume),
    sideVolume: within(bounds.sideVolume),
    length: within(bounds.length),
    crest: style === 'quiff' ? within(bounds.crest) : 0,
    fringe: Math.min(1, Math.max(0, preset.fringe + random.uniform(-0.2, 0.3))),
    parting: style === 'afro' || style === 'buzz' ? 0 : random.uniform(-1, 1),
    wave: style === 'long-wavy' ? random.uniform(0.6, 1) : preset.wave * random.next(),
    curl: preset.curl,
    bun: style === 'bun' ? random.uniform(0.035, 0.055) : 0,
    earCover: Math.min(1, Math.max(0, preset.earCover + random.uniform(-0.2, 0.2))),
  };
  const base = random.pick(
    HAIR_COLOURS.map((c) => c.colour),
    HAIR_COLOURS.map((c) => c.weight),
  );
  return {
    params,
    colour: jitter(base, random, 0.08),
    grey: random.chance(0.15) ? random.uniform(0.2, 0.8) : 0,
    noiseSeed: random.seed(),
  };
}

function unit(v: [number, number, number]): [number, number, number] {
  const n = Math.hypot(...v) || 1;
  return [v[0] / n, v[1] / n, v[2] / n];
}

function direction(random: RandomSource, azimuthRange: number, elevationLow: number, elevationHigh: number) {
  const a = random.uniform(-azimuthRange, azimuthRange) * (Math.PI / 180);
  const e = random.uniform(elevationLow, elevationHigh) * (Math.PI / 180);
  return unit([Math.sin(a) * Math.cos(e), Math.sin(e), Math.cos(a) * Math.cos(e)]);
}

function drawLighting(random: RandomSource): Lighting {
  const kind = random.pick(['studio', 'outdoor', 'coloured'] as const, [3, 2, 1]);
  if (kind === 'studio') {
    // key + fill, soft and near white
    const key = random.uniform(0.55, 0.8);
    return {
      kind,
      ambient: [0.35, 0.35, 0.35],
      lights: [
        { direction: direction(random, 70, 10, 50), rgb: [key, key, key * 0.97] },
        { direction: direction(random, 120, -10, 20), rgb: [0.2, 0.2, 0.21] },
      ],
    };
  }
  if (kind === 'outdoor') {
    // warm sun from above, blue sky ambient
    const sun = random.uniform(0.6, 0.95);
    return {
      kind,
      ambient: [0.3, 0.33, 0.4],
      lights: [{ direction: direction(random, 180, 25, 75), rgb: [sun, sun * 0.93, sun * 0.8] }],
    };
  }
  const tint = (): [number, number, number] => [
    random.uniform(0.2, 0.8),
    random.uniform(0.2, 0.8),
    random.uniform(0.2, 0.8),
  ];
  return {
    kind,
    ambient: [0.3, 0.3, 0.3],
    lights: [
      { direction: direction(random, 90, -10, 40), rgb: tint() },
      { direction: direction(random, 180, -10, 40), rgb: tint() },
    ],
  };
}

export function drawIdentity(seed: number, index: number, shapeComponents: number): SyntheticIdentity {
  const random = randomSource(seed, index);
  const shape = Array.from({ length: shapeComponents }, () =>
    Math.max(-2.5, Math.min(2.5, 0.9 * random.normal())),
  );
  const hair = drawHair(random);
  const bearded = random.chance(0.15);
  const skin = drawSkin(random, hair.colour, bearded);
  const lighting = drawLighting(random);
  const input: InputCamera = {
    yawDeg: Math.max(-60, Math.min(60, 25 * random.normal())),
    pitchDeg: random.uniform(-20, 20),
    focalMm: random.uniform(35, 100),
  };
  return { index, shape, skin, hair, lighting, input };
}
