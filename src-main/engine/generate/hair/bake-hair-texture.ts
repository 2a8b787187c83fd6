/**
 * The hair's texture from the photo's own hair. Texels the photo sees (facing the camera, on the
 * photo's hair or headwear mask) take the projected photo; the rest are synthesised:
 *
 * - detail (hair-texture-synthesis.ts): patches of the largest all-hair square of the photo quilted
 *   over the atlas, and strand noise at the photo hair's contrast, running along v — the strand
 *   direction of the shell's lat-long UVs (crown → ends), combed away from the parting on top, and
 *   next to the seen hair turned to run as the photo's strands do (a fringe swept sideways stays so);
 * - colour: the seen texels' colours spread over the atlas by normalised convolution (in floats, on
 *   the multi-band pyramid), so the synthesised hair takes the colour of the visible hair around it
 *   (typicalHairColour far from any); only the patches' high frequencies are added on top.
 * The two are joined in the gradient domain (multi-band, as the skin: prior-projection/multiband-blend.ts),
 * so no seam shows where the photo ends. Headwear (above the cap's lower edge) takes its colour from
 * the headwear and its patches, unstretched and at the seen fabric's contrast, from its plain fabric
 * (not a badge or braid).
 */
import sharp from 'sharp';
import type { PinholeCamera } from '../../geometry/camera';
import { bakeProjectedTexture } from '../../native/native-addon';
import { toNativeCamera } from '../prior-projection/native-camera';
import { medianRgb } from '../prior-projection/measure-colours';
import { blendProjected, spreadKnown } from '../prior-projection/multiband-blend';
import { atlasTriangleIds } from '../prior-projection/photo-projection';
import { texelBarycentrics } from '../prior-projection/atlas-surface';
import { fineContrast, fineContrastGain, fineContrastRadius } from '../prior-projection/synthesise-skin';
import { BEARD_ATLAS, HAIR_ATLAS, HAIR_ATLAS_BESIDE_BEARD, type HairMeshGeometry } from './build-hair-mesh';
import {
  clamp255,
  enlarge2x,
  erode,
  exemplarContrast,
  exemplarSquare,
  patchDetail,
  strandFlowFromPhoto,
  strandNoise,
} from './hair-texture-synthesis';
import { smoothstep } from '../../geometry/smoothstep';

/** Pyramid depth of the seen/synthesised blend: colour crosses over ~2^4 = 16 texels (5 carried a cap's white crown as a glow over its dark side). */
const BLEND_LEVELS = 4;
/** Pyramid depth of the colour spread from the seen hair: a reach of ~size/24 at 1024². */
const SPREAD_LEVELS = 6;
const FEATHER_SIGMA = 2;
/** Reach of the photo's strand direction into the synthesised hair: ~2^5 half-size texels. */
const FLOW_LEVELS = 5;

export interface HairTextureInput {
  photo: { data: Uint8Array; width: number; height: number };
  /** 0/1 per photo pixel. */
  hairMask: Uint8Array;
  headwearMask: Uint8Array;
  /** 0/1 per photo pixel: a beard modelled in the shell's BEARD_V strip, or null. */
  beardMask: Uint8Array | null;
  camera: PinholeCamera;
  mesh: HairMeshGeometry & { normals: Float32Array };
  /**
   * The fitted head, in the hair's frame: it hides from the photo what lies behind it (without it the
   * inner surface under the scalp took the forehead through the face, and the rim of short hair cut
   * round an ear took the ear).
   */
  head: { positions: Float32Array; indices: Uint32Array };
  /** Head-frame height (metres) above which the shell is headwear; null without headwear. */
  headwearAboveY: number | null;
  /** The style's parting (−1..1): the strands on top are combed away from it. */
  parting: number;
  /** Colour where nothing of the hair is seen (a shaved head: the photo's hair or skin colour). */
  fallbackRgb: [number, number, number];
  size: number;
  /** Seed of the patch layout (deterministic output). */
  seed?: number;
}

export interface HairTexture {
  png: Buffer;
  /** Share of the atlas' texels taken from the photo. */
  seenShare: number;
  /** Side of the exemplar square cut from the photo's hair (pixels). */
  exemplarSide: number;
  /** Milliseconds per step. */
  timings: Record<string, number>;
  /** Per texel, how much of the photo it holds (0..1): the projected/synthesised boundary at 0.5. */
  photoWeight: Float32Array;
}

export async function bakeHairTexture(input: HairTextureInput): Promise<HairTexture> {
  const { photo, size, mesh } = input;
  const timings: Record<string, number> = {};
  let clock = performance.now();
  const lap = (step: string) => {
    const now = performance.now();
    timings[step] = now - clock;
    clock = now;
  };
  const n = photo.width * photo.height;
  const both = new Uint8Array(n);
  for (let p = 0; p < n; p++)
    both[p] = input.hairMask[p] || input.headwearMask[p] || input.beardMask?.[p] ? 255 : 0;
  // Off the mask's edge: boundary pixels mix hair with forehead, ears and background.
  const eroded = erode(both, photo.width, photo.height, 3);
  const distance = Math.max(0.05, Math.hypot(input.camera.t[0]!, input.camera.t[1]!, input.camera.t[2]!));
  const baked = await bakeProjectedTexture({
    ...withOccluder(mesh, input.head),
    photo: { width: photo.width, height: photo.height, data: photo.data },
    mask: { width: photo.width, height: photo.height, data: eroded },
    camera: toNativeCamera(input.camera),
    atlasWidth: size,
    atlasHeight: size,
    depthEpsilon: 0.004 / distance,
  });
  const seen = new Float32Array(baked.weight.length);
  for (let p = 0; p < seen.length; p++) seen[p] = smoothstep(0.2, 0.55, baked.weight[p]!);
  let seenCount = 0;
  for (const w of seen) if (w > 0.5) seenCount++;
  lap('project photo');

  // Headwear texels (above the cap's lower edge) and hair texels take colour and detail each from their own.
  let heights: Float32Array | null = null;
  let capTexel: Uint8Array | null = null;
  if (input.headwearAboveY !== null) {
    heights = await texelHeights(mesh, size);
    capTexel = new Uint8Array(heights.length);
    for (let p = 0; p < capTexel.length; p++) capTexel[p] = heights[p]! > input.headwearAboveY ? 1 : 0;
  }
  lap('cap heights');
  // The beard's strip of the atlas takes its colour and detail from the photo's beard alone.
  const beardTexel = input.beardMask ? beardBlock(size) : null;
  const onHairTexel = (p: number) => !capTexel?.[p] && !beardTexel?.[p];
  const onBeardTexel = (p: number) => beardTexel?.[p] === 1;
  const hairColour = spreadSeenColour(
    baked.atlas.data,
    seen,
    size,
    input.fallbackRgb,
    onHairTexel,
    typicalHairColour,
  );
  const beardColour = beardTexel
    ? spreadSeenColour(baked.atlas.data, seen, size, input.fallbackRgb, onBeardTexel, typicalHairColour)
    : null;
  const capColour = capTexel
    ? // A cap's median per channel: its dark band; the hair's lit hue would take a gold badge's.
      spreadSeenColour(
        baked.atlas.data,
        seen,
        size,
        input.fallbackRgb,
        (p) => capTexel[p] === 1,
        medianRgb,
        heights,
      )
    : null;
  lap('spread colour');

  // Detail: patches of the photo's hair (and headwear), high-passed.
  const hairExemplar = exemplarSquare(photo, input.hairMask);
  // The cap's plain fabric, not its badge or braid (which repeated as specks all round it).
  const capFabric = capTexel ? plainColour(photo, input.headwearMask) : null;
  const capExemplar = capFabric
    ? exemplarSquare(photo, nearColour(photo, input.headwearMask, capFabric))
    : null;
  const hairDetail = await patchDetail(hairExemplar, size, input.seed ?? 1);
  const beardExemplar = input.beardMask ? exemplarSquare(photo, input.beardMask) : null;
  const beardDetail =
    beardExemplar && beardTexel
      ? await blockDetail(beardExemplar, beardTexel, size, (input.seed ?? 1) + 5)
      : hairDetail;
  lap('patches');
  // Drawn at half size and enlarged: strands two texels wide, a quarter of the cost.
  // Next to the seen hair the strands follow the photo's (not straight down v across a swept fringe).
  const flow = strandFlowFromPhoto(baked.atlas.data, seen, size, FLOW_LEVELS);
  lap('strand flow');
  const outerEndV = (input.beardMask ? HAIR_ATLAS_BESIDE_BEARD : HAIR_ATLAS).outerV[1];
  const strands = enlarge2x(
    strandNoise(size / 2, (input.seed ?? 1) + 3, input.parting, flow, outerEndV),
    size / 2,
  );
  const strandContrast = exemplarContrast(hairExemplar);
  const capDetail = capExemplar ? await patchDetail(capExemplar, size, (input.seed ?? 1) + 7, 1) : null;
  lap('strands');

  const texels = size * size;
  const synthesised = new Float32Array(texels * 3);
  // The synthesis' colour before detail: the seen hair's colour spread, i.e. the photo continued.
  const base = new Float32Array(texels * 3);
  for (let p = 0; p < texels; p++) {
    const onCap = capTexel?.[p] === 1 && capColour !== null;
    const onBeard = onBeardTexel(p) && beardColour !== null;
    const colour = onCap ? capColour : onBeard ? beardColour : hairColour;
    const detail = onCap ? capDetail : onBeard ? beardDetail : hairDetail;
    // (The cap's patches are its plain fabric, so it takes all of their detail; a beard's are its
    // own curls and wiry ends, which long straight strands would not be.)
    const patchesOnly = onCap || onBeard;
    const gain = patchesOnly ? 1 : 0.3;
    // Strands along v, as contrasty as the photo's hair: a relative change, so the hue is kept.
    const strand = patchesOnly ? 0 : strands[p]! * strandContrast;
    for (let k = 0; k < 3; k++) {
      const c = colour[p * 3 + k]!;
      base[p * 3 + k] = c;
      synthesised[p * 3 + k] = c * (1 + strand) + (detail ? gain * detail[p * 3 + k]! : 0);
    }
  }
  matchSeenFineContrast(baked.atlas.data, seen, synthesised, base, size, onHairTexel);
  if (beardTexel) matchSeenFineContrast(baked.atlas.data, seen, synthesised, base, size, onBeardTexel);
  if (capTexel && capFabric) {
    const a = baked.atlas.data;
    matchSeenFineContrast(
      a,
      seen,
      synthesised,
      base,
      size,
      (p) => capTexel[p] === 1,
      (p) => capTexel[p] === 1 && isFabric(a, p, capFabric),
    );
  }
  lap('compose');
  const out = await joinProjectedAndSynthesised(baked.atlas.data, seen, synthesised, size, base);
  lap('blend');
  const png = await sharp(out, { raw: { width: size, height: size, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: 6 })
    .toBuffer();
  lap('encode');
  return {
    png,
    timings,
    seenShare: seenCount / (size * size),
    exemplarSide: hairExemplar?.side ?? 0,
    photoWeight: seen,
  };
}

/** 1 on the beard's block of the atlas (BEARD_ATLAS, with half the margin to the hair's). */
function beardBlock(size: number): Uint8Array {
  const top = Math.floor(((HAIR_ATLAS_BESIDE_BEARD.innerV[1] + BEARD_ATLAS.v[0]) / 2) * size);
  const right = Math.ceil(((BEARD_ATLAS.u[1] + 0.5) / 2) * size);
  const out = new Uint8Array(size * size);
  for (let y = top; y < size; y++) out.fill(1, y * size, y * size + right);
  return out;
}

/**
 * The beard's patches, unstretched (its block has about as many texels per millimetre down it as
 * across), quilted at half the atlas' side (which its block fits: a quarter of the cost) and placed
 * over the block in a full-size field.
 */
async function blockDetail(
  exemplar: NonNullable<ReturnType<typeof exemplarSquare>>,
  block: Uint8Array,
  size: number,
  seed: number,
): Promise<Float32Array | null> {
  const half = size / 2;
  const quilted = await patchDetail(exemplar, half, seed, 1);
  if (!quilted) return null;
  const top = Math.floor(block.indexOf(1) / size);
  const out = new Float32Array(size * size * 3);
  for (let p = 0; p < block.length; p++) {
    if (!block[p]) continue;
    const x = p % size,
      y = Math.floor(p / size) - top;
    if (x < half && y < half) for (let k = 0; k < 3; k++) out[p * 3 + k] = quilted[(y * half + x) * 3 + k]!;
  }
  return out;
}

/** Median colour of the masked photo pixels (a cap's plain fabric: most of it), null when none. */
function plainColour(photo: { data: Uint8Array }, mask: Uint8Array): [number, number, number] | null {
  const samples: [number, number, number][] = [];
  const d = photo.data;
  for (let p = 0; p < mask.length; p++) if (mask[p]) samples.push([d[p * 4]!, d[p * 4 + 1]!, d[p * 4 + 2]!]);
  return samples.length > 0 ? medianRgb(samples) : null;
}

/** The masked photo pixels that are the cap's plain fabric (isFabric). */
function nearColour(photo: { data: Uint8Array }, mask: Uint8Array, fabric: [number, number, number]) {
  const out = new Uint8Array(mask.length);
  for (let p = 0; p < mask.length; p++) out[p] = mask[p] && isFabric(photo.data, p, fabric) ? 1 : 0;
  return out;
}

/** RGBA pixel `p` within PLAIN_FABRIC (RGB) of a cap's plain fabric colour. */
function isFabric(rgba: Uint8Array, p: number, [r, g, b]: [number, number, number]): boolean {
  return Math.hypot(rgba[p * 4]! - r, rgba[p * 4 + 1]! - g, rgba[p * 4 + 2]! - b) < PLAIN_FABRIC;
}
/** RGB distance from a cap's median colour within which its pixels are its plain fabric. */
const PLAIN_FABRIC = 40;

/**
 * Raises the synthesised hair's detail (its deviation from `base`) until its contrast over 7 × 7
 * texels matches the projected photo hair's, never lowering it (fineContrastGain). The strands' relative contrast comes
 * from neighbouring photo pixels, but the photo's hair is spread over several texels each: a dark
 * headscarf (child_headscarf.jpg) or black hair came out at under 2/255 per 7 × 7 window, flat, beside
 * seen hair with twice that.
 */
function matchSeenFineContrast(
  photoAtlas: Uint8Array,
  seen: Float32Array,
  synthesised: Float32Array,
  base: Float32Array,
  size: number,
  inRegion: (p: number) => boolean,
  /** Seen texels whose contrast is the reference (default: the region's). */
  isReference: (p: number) => boolean = inRegion,
): void {
  const r = fineContrastRadius(size);
  const gain = fineContrastGain(
    fineContrast(photoAtlas, size, size, r, (p) => seen[p]! > 0.9 && isReference(p), 4),
    fineContrast(synthesised, size, size, r, (p) => seen[p]! < 0.1 && inRegion(p)),
  );
  for (let p = 0; p < size * size; p++) {
    if (!inRegion(p)) continue;
    for (let k = 0; k < 3; k++) {
      const i = p * 3 + k;
      synthesised[i] = base[i]! + gain * (synthesised[i]! - base[i]!);
    }
  }
}

/**
 * The projected photo (RGBA atlas, `seen` its weight 0..1) joined to the synthesised hair (RGB floats)
 * in the gradient domain (multi-band, prior-projection/multiband-blend.ts, as the skin): colour and
 * shading cross over ~2^BLEND_LEVELS texels, strands and grain over a few, so no seam shows where the
 * photo ends. The mask is feathered a little, so the photo's soft detail does not stop at a jagged
 * line. Returns RGBA.
 */
export async function joinProjectedAndSynthesised(
  photoAtlas: Uint8Array,
  seen: Float32Array,
  synthesised: Float32Array,
  size: number,
  /** The photo continued past its edge (default: spread from it here). */
  continued?: Float32Array,
): Promise<Uint8Array> {
  const texels = size * size;
  const photoRgb = new Float32Array(texels * 3);
  for (let p = 0; p < texels; p++) for (let k = 0; k < 3; k++) photoRgb[p * 3 + k] = photoAtlas[p * 4 + k]!;
  const mask = await feather(seen, size);
  const blended = blendProjected(photoRgb, seen, synthesised, size, size, {
    levels: BLEND_LEVELS,
    mask,
    ...(continued ? { continued } : {}),
  });
  const out = new Uint8Array(texels * 4);
  for (let p = 0; p < texels; p++) {
    for (let k = 0; k < 3; k++) out[p * 4 + k] = clamp255(blended[p * 3 + k]!);
    out[p * 4 + 3] = 255;
  }
  return out;
}

/**
 * The seen texels' colour spread over the atlas (those where `take` holds): a normalised convolution
 * (blur of colour × seen over blur of seen, σ = size/24), so each unseen texel gets the colour of the
 * visible hair around it; far from any, it fades to `typical` of the seen texels — per height when
 * `heights` are given (a cap: the same colours all round at each height, a white crown over a dark
 * band).
 */
function spreadSeenColour(
  rgba: Uint8Array,
  seen: Float32Array,
  size: number,
  fallback: [number, number, number],
  take: (p: number) => boolean,
  typicalOf: (samples: [number, number, number][]) => [number, number, number],
  /** Per texel, the shell's height: `typical` is taken per height (texelHeights). */
  heights: Float32Array | null = null,
): Float32Array {
  const n = size * size;
  const weight = new Float32Array(n);
  const samples: [number, number, number][] = [];
  for (let p = 0; p < n; p++) {
    const w = take(p) ? seen[p]! : 0;
    weight[p] = w;
    if (w > 0.5 && (p & 7) === 0) samples.push([rgba[p * 4]!, rgba[p * 4 + 1]!, rgba[p * 4 + 2]!]);
  }
  const overall = samples.length > 0 ? typicalOf(samples) : fallback;
  const typicalRgb = heights ? typicalByHeight(rgba, weight, heights, size, take, overall, typicalOf) : null;
  // Reach ~size/24 texels (the pyramid's coarsest level 1/64 of the atlas); the field is that smooth,
  // so it is spread at half size and enlarged.
  const half = size / 2;
  const halfRgb = new Float32Array(half * half * 3);
  const halfWeight = new Float32Array(half * half);
  for (let y = 0; y < half; y++) {
    for (let x = 0; x < half; x++) {
      const q = y * half + x;
      let w = 0,
        r = 0,
        g = 0,
        b = 0;
      for (let dy = 0; dy < 2; dy++)
        for (let dx = 0; dx < 2; dx++) {
          const p = (2 * y + dy) * size + 2 * x + dx;
          const wp = weight[p]!;
          w += wp;
          r += wp * rgba[p * 4]!;
          g += wp * rgba[p * 4 + 1]!;
          b += wp * rgba[p * 4 + 2]!;
        }
      halfWeight[q] = w / 4;
      if (w > 0) {
        halfRgb[q * 3] = r / w;
        halfRgb[q * 3 + 1] = g / w;
        halfRgb[q * 3 + 2] = b / w;
      }
    }
  }
  const spread = spreadKnown(halfRgb, halfWeight, half, half, SPREAD_LEVELS - 1);
  const near = enlarge2x(spread.weight, half);
  for (let p = 0; p < n; p++) near[p] = smoothstep(0.01, 0.12, near[p]!);
  const channel = new Float32Array(half * half);
  const out = new Float32Array(n * 3);
  for (let k = 0; k < 3; k++) {
    for (let q = 0; q < half * half; q++) channel[q] = spread.rgb[q * 3 + k]!;
    const full = enlarge2x(channel, half);
    for (let p = 0; p < n; p++) {
      const m = typicalRgb ? typicalRgb[p * 3 + k]! : overall[k]!;
      out[p * 3 + k] = near[p]! * full[p]! + (1 - near[p]!) * m;
    }
  }
  joinSeam(out, size, 3);
  return out;
}

/** A cap's height range is split in this many bands for its colours. */
const HEIGHT_BANDS = 24;
/** A band with fewer seen samples than this takes the nearest band's colour. */
const MIN_BAND_SAMPLES = 12;

/**
 * Per texel (RGB), the typical colour of the seen texels at its height (bands over the `take` texels'
 * range, linearly between band centres); a band seen too little takes the nearest seen band's, so a
 * cap's crown continues the highest colour the photo shows.
 */
function typicalByHeight(
  rgba: Uint8Array,
  weight: Float32Array,
  heights: Float32Array,
  size: number,
  take: (p: number) => boolean,
  overall: [number, number, number],
  typicalOf: (samples: [number, number, number][]) => [number, number, number],
): Float32Array {
  let lo = Infinity,
    hi = -Infinity;
  for (let p = 0; p < heights.length; p++)
    if (take(p) && !Number.isNaN(heights[p]!)) {
      lo = Math.min(lo, heights[p]!);
      hi = Math.max(hi, heights[p]!);
    }
  const out = new Float32Array(heights.length * 3);
  for (let p = 0; p < heights.length; p++) out.set(overall, p * 3);
  if (!(hi > lo)) return out;
  const bandOf = (h: number) =>
    Math.min(HEIGHT_BANDS - 1, Math.max(0, ((h - lo) / (hi - lo)) * HEIGHT_BANDS - 0.5));
  // Samples from the ends of each atlas row's seen span: what continues round the cap at that height
  // (the black band beside grace_hopper.jpg's badge, not the gold of the badge in the middle).
  const bands: [number, number, number][][] = Array.from({ length: HEIGHT_BANDS }, () => []);
  const reach = Math.max(2, Math.round(size / 64));
  for (let y = 0; y < size; y++) {
    let first = -1,
      last = -1;
    for (let x = 0; x < size; x++)
      if (weight[y * size + x]! > 0.5) {
        if (first < 0) first = x;
        last = x;
      }
    if (first < 0) continue;
    for (let x = first; x <= last; x++) {
      const p = y * size + x;
      if (weight[p]! > 0.5 && (x < first + reach || x > last - reach))
        bands[Math.round(bandOf(heights[p]!))]!.push([rgba[p * 4]!, rgba[p * 4 + 1]!, rgba[p * 4 + 2]!]);
    }
  }
  const filled = bands.map((b) => (b.length >= MIN_BAND_SAMPLES ? typicalOf(b) : null));
  const perBand = filled.map((c, i) => {
    for (let d = 0; !c && d < HEIGHT_BANDS; d++) c = filled[i - d] ?? filled[i + d] ?? null;
    return c ?? overall;
  });
  for (let p = 0; p < heights.length; p++) {
    const h = heights[p]!;
    if (Number.isNaN(h)) continue;
    const f = bandOf(h);
    const i = Math.floor(f),
      j = Math.min(HEIGHT_BANDS - 1, i + 1),
      t = f - i;
    const [a, b] = [perBand[i]!, perBand[j]!];
    for (let k = 0; k < 3; k++) out[p * 3 + k] = a[k]! + (b[k]! - a[k]!) * t;
  }
  return out;
}

/**
 * The hair's typical colour: as bright as its mid-tones (the middle half by brightness), with the
 * hue of its lit part (50–90 %: above the shadows, under the sheen). A median per channel mixes
 * channels of different pixels, and shadows lose their hue to the camera's noise: kpa_jesper.jpg's
 * brown hair (mean 47, 39, 23), dark olive in its shadows and red where lit, came out olive (33, 33,
 * 14) all over the back of his head.
 */
export function typicalHairColour(samples: [number, number, number][]): [number, number, number] {
  const sorted = [...samples].sort((a, b) => a[0] + a[1] + a[2] - (b[0] + b[1] + b[2]));
  const bandMean = (lo: number, hi: number) => {
    const from = Math.min(sorted.length - 1, Math.floor(lo * sorted.length));
    const to = Math.max(from + 1, Math.ceil(hi * sorted.length));
    const sum = [0, 0, 0];
    for (let i = from; i < to; i++) for (let k = 0; k < 3; k++) sum[k]! += sorted[i]![k]!;
    return sum.map((v) => v / (to - from));
  };
  const mid = bandMean(0.25, 0.75);
  const lit = bandMean(0.5, 0.9);
  const gain = (mid[0]! + mid[1]! + mid[2]!) / Math.max(1, lit[0]! + lit[1]! + lit[2]!);
  return lit.map((v) => v * gain) as [number, number, number];
}

/** The photo weight feathered over ~2 texels (8-bit blur is plenty for a blend mask). */
async function feather(weight: Float32Array, size: number): Promise<Float32Array> {
  const bytes = new Uint8Array(weight.length);
  for (let p = 0; p < weight.length; p++) bytes[p] = Math.round(255 * weight[p]!);
  const blurred = await sharp(bytes, { raw: { width: size, height: size, channels: 1 } })
    .blur(FEATHER_SIGMA)
    .extractChannel(0)
    .raw()
    .toBuffer();
  const out = new Float32Array(weight.length);
  for (let p = 0; p < out.length; p++) out[p] = blurred[p]! / 255;
  return out;
}

/**
 * Per atlas texel, the shell's height there (head frame, metres), interpolated over its triangle;
 * off the charts, the height of the nearest chart texel in its row (NaN in a row without one). (Per
 * triangle, a cap's edge was a staircase of the shell's triangles.) The texels between the crown
 * fan's teeth are sampled where the teeth meet at the crown: left at NaN they took the hair's colour,
 * a dark dot on top of a white cap in Blender.
 */
async function texelHeights(mesh: HairMeshGeometry, size: number): Promise<Float32Array> {
  const { uvs, indices, positions } = mesh;
  const ids = await atlasTriangleIds(uvs, indices, size);
  const { b1, b2 } = texelBarycentrics(uvs, indices, ids, size);
  const out = new Float32Array(ids.length).fill(NaN);
  for (let p = 0; p < ids.length; p++) {
    const t = ids[p]!;
    if (t < 0) continue;
    const ya = positions[indices[t * 3]! * 3 + 1]!,
      yb = positions[indices[t * 3 + 1]! * 3 + 1]!,
      yc = positions[indices[t * 3 + 2]! * 3 + 1]!;
    out[p] = (1 - b1[p]! - b2[p]!) * ya + b1[p]! * yb + b2[p]! * yc;
  }
  fillRowsFromNearest(out, size);
  return out;
}

/**
 * NaN texels take the value of the nearest finite texel in their row (ties: the left one); rows with
 * none (the margin above the crown) copy the nearest row that has one.
 */
function fillRowsFromNearest(values: Float32Array, size: number): void {
  const source = new Int32Array(size);
  const rowFilled = new Uint8Array(size);
  for (let y = 0; y < size; y++) {
    const row = y * size;
    let last = -1;
    for (let x = 0; x < size; x++) {
      if (Number.isFinite(values[row + x]!)) last = x;
      source[x] = last;
    }
    last = -1;
    for (let x = size - 1; x >= 0; x--) {
      if (Number.isFinite(values[row + x]!)) last = x;
      const left = source[x]!;
      if (left === x) continue;
      const pick = left < 0 ? last : last < 0 || x - left <= last - x ? left : last;
      source[x] = pick;
    }
    for (let x = 0; x < size; x++) {
      const from = source[x]!;
      if (from >= 0 && from !== x) values[row + x] = values[row + from]!;
    }
    rowFilled[y] = source[0]! >= 0 ? 1 : 0;
  }
  for (let y = 0; y < size; y++) {
    if (rowFilled[y]) continue;
    for (let d = 1; d < size; d++) {
      const from = [y - d, y + d].find((r) => r >= 0 && r < size && rowFilled[r]);
      if (from === undefined) continue;
      values.copyWithin(y * size, from * size, from * size + size);
      break;
    }
  }
}

/**
 * The atlas' left and right edges are one seam at the back of the head (u = 0 and u = 1 meet): near
 * it, texels at the same distance on either side are pulled towards their common mean.
 */
function joinSeam(rgba: Float32Array, size: number, channels: number): void {
  const band = Math.floor(size / 8);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < band; x++) {
      const w = 1 - x / band;
      const a = (y * size + x) * channels,
        b = (y * size + size - 1 - x) * channels;
      for (let k = 0; k < 3; k++) {
        const mean = (rgba[a + k]! + rgba[b + k]!) / 2;
        rgba[a + k] = rgba[a + k]! + w * (mean - rgba[a + k]!);
        rgba[b + k] = rgba[b + k]! + w * (mean - rgba[b + k]!);
      }
    }
  }
}

/**
 * The hair's arrays with the head's triangles added for the photo's depth test only: their UVs lie
 * off the atlas (one point), so they cover no texel of it.
 */
function withOccluder(
  hair: HairTextureInput['mesh'],
  head: HairTextureInput['head'],
): { positions: Float32Array; normals: Float32Array; uvs: Float32Array; indices: Uint32Array } {
  const hairVertices = hair.positions.length / 3;
  const headVertices = head.positions.length / 3;
  const positions = new Float32Array((hairVertices + headVertices) * 3);
  positions.set(hair.positions);
  positions.set(head.positions, hair.positions.length);
  const normals = new Float32Array(positions.length);
  normals.set(hair.normals);
  const uvs = new Float32Array((hairVertices + headVertices) * 2).fill(-1);
  uvs.set(hair.uvs);
  const indices = new Uint32Array(hair.indices.length + head.indices.length);
  indices.set(hair.indices);
  for (let i = 0; i < head.indices.length; i++)
    indices[hair.indices.length + i] = head.indices[i]! + hairVertices;
  return { positions, normals, uvs, indices };
}
