/**
 * Pose-aware symmetry: a texel takes its mirror point's photo colour only where the mirror point is
 * seen clearly better than the texel itself (view angle × mask × skin gate). The two are never
 * averaged over a wide band: on a turned face the far eye seen directly and the near eye seen
 * through the mirror never line up exactly, and averaging them draws every edge twice. The switch
 * falls where both weights are equal — on a symmetric head the midline, where a point and its
 * mirror coincide — so a short blend there is invisible.
 */
import { evaluateShading, type FittedLighting } from './estimate-lighting';
import { blendMultiBand } from './multiband-blend';
import type { AtlasProjection } from './photo-projection';
import { skinLikelihood, type SkinColourModel } from './skin-colour-model';
import { smoothstep } from '../../geometry/smoothstep';

/** The mirror takes over between these margins of weight advantage (a tie keeps the direct view). */
const MIRROR_FROM = 0.02;
const MIRROR_FULL = 0.15;
/** The mirrored photo is a guess of the hidden side: synthesis keeps a small share of it. */
export const MIRROR_TRUST = 0.9;

/** Share 0..1 of the mirror in a texel seen with weight `direct` and through the mirror with `mirrored`. */
export function mirrorShare(direct: number, mirrored: number): number {
  return smoothstep(MIRROR_FROM, MIRROR_FULL, mirrored - direct);
}

export interface SeenTexels {
  /**
   * Photo colour per texel (RGB 0..255), direct and mirrored joined by multi-band blending: the
   * mirror's edges switch in over a few texels (never two copies), its brightness over ~30.
   */
  rgb: Float32Array;
  /** How much the photo is trusted per texel (0..1); the rest is synthesised. */
  seen: Float32Array;
  /** Share of `seen` that came through the mirror. */
  mirror: Float32Array;
}

/**
 * @param weightOfCos the bake's view-angle weight.
 * @param skinGate per texel 0..1: how far the skin test applies (1 on neck, ears, sides; 0 on the
 *   face's features and the scalp), so clothing and stray hair there count as unseen.
 */
export function combineDirectAndMirror(input: {
  direct: AtlasProjection;
  mirrored: AtlasProjection;
  size: number;
  chart: Int16Array;
  skinGate: Float32Array;
  /** Per chart: only clear views count there (ears: a grazing view of a fold is noise). */
  clearViewOnly: boolean[];
  skin: SkinColourModel;
  weightOfCos: (cos: number) => number;
  /** Per texel 0..1, seen directly and through the mirror: the photo shows hair there (not skin). */
  hair?: { direct: Float32Array; mirrored: Float32Array };
  /**
   * Per texel 0..1, likewise: the photo shows the lower face there (segment-hair's lowerFace), where
   * any colour that is not hair is the face's own — a beard is not clothing to drop off the jaw.
   */
  lowerFace?: { direct: Float32Array; mirrored: Float32Array };
  /**
   * Per texel and channel: the photo's shading at the texel over its shading at the mirror point
   * (mirrorRelight in this file, interpolated), so the mirror brings its twin's skin under this
   * side's light.
   */
  mirrorLight?: Float32Array;
}): SeenTexels {
  const { direct, mirrored, size, chart, skinGate, skin, weightOfCos, mirrorLight } = input;
  const n = chart.length;
  const rgb = new Float32Array(n * 3);
  const seen = new Float32Array(n);
  const mirror = new Float32Array(n);
  // Skin likelihood where the skin test applies, eroded so the soft edge of a collar or a strand
  // of hair (half skin, half cloth in the photo) does not pass for skin.
  const likelihood = (
    src: AtlasProjection,
    hair: Float32Array | undefined,
    lowerFace: Float32Array | undefined,
  ): Float32Array => {
    const like = new Float32Array(n).fill(1);
    const d = src.rgba;
    for (let p = 0; p < n; p++) {
      if (!(skinGate[p]! > 0 && src.cos[p]! > 0)) continue;
      const skinLike = skinLikelihood(skin, d[p * 4]!, d[p * 4 + 1]!, d[p * 4 + 2]!);
      like[p] = Math.max(skinLike, lowerFace ? lowerFace[p]! : 0) * (1 - (hair ? hair[p]! : 0));
    }
    return erodeMin(like, size, SKIN_EROSION_TEXELS);
  };
  const likeDirect = likelihood(direct, input.hair?.direct, input.lowerFace?.direct);
  const likeMirrored = likelihood(mirrored, input.hair?.mirrored, input.lowerFace?.mirrored);
  const weightOf = (src: AtlasProjection, like: Float32Array, p: number): number => {
    const cos = src.cos[p]!;
    if (!(cos > 0)) return 0;
    const w = weightOfCos(cos) * (src.rgba[p * 4 + 3]! / 255);
    const clear = input.clearViewOnly[chart[p]!] ? smoothstep(0.6, 0.9, w) : 1;
    return w * clear * (1 - skinGate[p]! * (1 - like[p]!));
  };
  const directRgb = new Float32Array(n * 3);
  const mirrorRgb = new Float32Array(n * 3);
  const share = new Float32Array(n);
  for (let p = 0; p < n; p++) {
    if (chart[p]! < 0) continue;
    const a = weightOf(direct, likeDirect, p);
    const b = weightOf(mirrored, likeMirrored, p) * MIRROR_TRUST;
    const m = b > 0 ? mirrorShare(a, b) : 0;
    const fromDirect = (1 - m) * a,
      fromMirror = m * b;
    const s = fromDirect + fromMirror;
    // Where only one source sees the texel both colours below are the same, but the share still
    // says which side it belongs to: the blend's coarse bands average the share over ~30 texels,
    // and a mirrored island ringed by share 0 would keep most of the direct view's brightness.
    share[p] = a > 0 ? m : b > 0 ? 1 : 0;
    if (!(s > 0)) continue;
    seen[p] = s;
    mirror[p] = fromMirror / s;
    // The fitted light is known for normals the camera sees; a texel facing away from it (the hidden
    // side of a 3/4 photo) would take an extrapolated ratio, so there the mirror stays as it is.
    const lightKnown = smoothstep(LIGHT_KNOWN_FROM, LIGHT_KNOWN_FULL, direct.cos[p]!);
    // A source that does not see the texel (colour 0) takes the other's colour, so it neither
    // darkens the texel nor adds a difference to the blend's bands.
    for (let k = 0; k < 3; k++) {
      const d = direct.rgba[p * 4 + k]!,
        r = mirrored.rgba[p * 4 + k]!;
      const relit = mirrorLight ? r * (1 + (mirrorLight[p * 3 + k]! - 1) * lightKnown) : r;
      directRgb[p * 3 + k] = a > 0 ? d : relit;
      mirrorRgb[p * 3 + k] = b > 0 ? relit : d;
    }
  }
  rgb.set(blendMultiBand(mirrorRgb, directRgb, share, size, size, 5));
  return { rgb, seen, mirror };
}

/** Direct view-angle cosines over which the fitted light counts as known at a texel's normal. */
const LIGHT_KNOWN_FROM = 0.1;
const LIGHT_KNOWN_FULL = 0.4;
/** The mirror's relighting ratio stays in this range: a deep shadow's noise is not raised far. */
const RELIGHT_RANGE: [number, number] = [0.5, 1.6];

/**
 * Per vertex and channel, shading(n) / shading(n') for the vertex's unit normal n and its mirror
 * vertex's n' under the photo's fitted light (smooth, so the bake interpolates it over the texels). A
 * side-lit photo shows one cheek lit and the other in shadow; the lit cheek mirrored onto the shadowed
 * side as it is made a bright patch beside the shadowed nose and eye seen directly, with a seam
 * between (mendeleev.jpg at 315°).
 */
export function mirrorRelight(
  normals: Float32Array,
  mirror: ArrayLike<number>,
  lighting: FittedLighting,
  minShading: number,
): Float32Array {
  const n = mirror.length;
  const shading = new Float32Array(n * 3);
  const rgb = new Float32Array(3);
  const scratch = new Float64Array(9);
  for (let v = 0; v < n; v++) {
    evaluateShading(lighting, normals[v * 3]!, normals[v * 3 + 1]!, normals[v * 3 + 2]!, rgb, scratch);
    for (let k = 0; k < 3; k++) shading[v * 3 + k] = Math.max(minShading, rgb[k]!);
  }
  const ratio = new Float32Array(n * 3);
  for (let v = 0; v < n; v++) {
    const m = mirror[v]!;
    for (let k = 0; k < 3; k++) {
      const r = shading[v * 3 + k]! / shading[m * 3 + k]!;
      ratio[v * 3 + k] = Math.min(RELIGHT_RANGE[1], Math.max(RELIGHT_RANGE[0], r));
    }
  }
  return ratio;
}

/** Texels a doubtful skin texel spreads its doubt over (at 1k, ≈ 1 mm on the neck). */
const SKIN_EROSION_TEXELS = 2;

/**
 * Minimum over a (2r+1)² square. Values below 1 are few (doubtful texels on neck, ears and sides),
 * so each spreads itself over its square instead of every texel scanning its own.
 */
export function erodeMin(img: Float32Array, size: number, r: number): Float32Array {
  const out = Float32Array.from(img);
  for (let p = 0; p < img.length; p++) {
    const v = img[p]!;
    if (!(v < 1)) continue;
    const x = p % size,
      y = (p - x) / size;
    for (let j = Math.max(0, y - r); j <= Math.min(size - 1, y + r); j++) {
      for (let i = Math.max(0, x - r); i <= Math.min(size - 1, x + r); i++) {
        if (out[j * size + i]! > v) out[j * size + i] = v;
      }
    }
  }
  return out;
}
