/**
 * The procedural hairstyle library (generated in code, CC0 like the head model): every style is a
 * pair of radial functions over the directions seen from the head's centre — an outer surface
 * (scalp + thickness, or a curtain hanging straight down for long styles) and an inner one just under
 * the scalp — over a domain of directions that ends at the hairline, the fringe or the hair's length.
 * Since inner < outer along every ray, the shell built from them (build-hair-mesh.ts) is closed and
 * cannot intersect itself.
 */
import { AZIMUTH_BINS, POLAR_BINS, direction, sampleField, type HeadRadialField } from './head-radial-field';
import { curlRelief } from './curl-relief';
import { smoothstep } from '../../geometry/smoothstep';

export const HAIRSTYLE_IDS = [
  'buzz',
  'short',
  'medium',
  'bob',
  'long-straight',
  'long-wavy',
  'bun',
  'afro',
  'quiff',
] as const;
export type HairstyleId = (typeof HAIRSTYLE_IDS)[number];

export interface HairstyleParams {
  style: HairstyleId;
  /** Thickness of the hair at the crown (metres). */
  volume: number;
  /** Thickness at the sides, ear level (metres). */
  sideVolume: number;
  /** How far below the head's centre the hair hangs at the sides and back (metres); 0 = ends on the head. */
  length: number;
  /** 0..1: how far the front hairline comes down towards the brows; under 0 it lies higher than the model's. */
  fringe: number;
  /** −1..1: side of the parting (+1 on the person's left, +X); the parting side lies flatter. */
  parting: number;
  /** 0..1: waves — strand clumps running down the hair, wiggling side to side. */
  wave: number;
  /** 0..1: tight curls — small round bumps all over (afro-textured hair). */
  curl: number;
  /** Radius of a bun at the back of the crown (metres), 0 for none. */
  bun: number;
  /** 0..1: how far short styles come down over the ears. */
  earCover: number;
  /**
   * Extra thickness (metres) swept up over the front of the top — a quiff or pompadour: a mass
   * rising from the front hairline and sloping back to the crown, the sides staying short.
   */
  crest: number;
  /**
   * 0..1: how much the side volume thins behind the ears towards the nape (NAPE_AZIMUTH, NAPE_PHI).
   * A frontal photo's outline sets the sides at the ears, not the back: carried round it, the side
   * volume made a bowl from behind (petsc_dave.jpg's 22 mm fitted to his tousled sides stood off the
   * whole back of his head; the astronaut's 31 mm medium cut was a mushroom). Each style's preset is
   * its prior; the fit lowers it only where the photo sees the back (the cameraman, in profile).
   */
  nape: number;
}

export const HAIRSTYLE_PRESETS: Record<HairstyleId, HairstyleParams> = {
  buzz: {
    style: 'buzz',
    volume: 0.004,
    sideVolume: 0.003,
    length: 0,
    fringe: 0,
    parting: 0,
    wave: 0,
    curl: 0,
    bun: 0,
    earCover: 0,
    crest: 0,
    nape: 0.8,
  },
  short: {
    style: 'short',
    volume: 0.016,
    sideVolume: 0.008,
    length: 0,
    fringe: 0.2,
    parting: 0.5,
    wave: 0,
    curl: 0,
    bun: 0,
    earCover: 0.2,
    crest: 0,
    nape: 0.8,
  },
  medium: {
    style: 'medium',
    volume: 0.022,
    sideVolume: 0.014,
    length: 0,
    fringe: 0.4,
    parting: 0.5,
    wave: 0.2,
    curl: 0,
    bun: 0,
    earCover: 1,
    crest: 0,
    nape: 0.6,
  },
  bob: {
    style: 'bob',
    volume: 0.022,
    sideVolume: 0.016,
    length: 0.1,
    fringe: 0.6,
    parting: 0,
    wave: 0,
    curl: 0,
    bun: 0,
    earCover: 1,
    crest: 0,
    nape: 0,
  },
  'long-straight': {
    style: 'long-straight',
    volume: 0.016,
    sideVolume: 0.012,
    length: 0.3,
    fringe: 0.1,
    parting: 0,
    wave: 0,
    curl: 0,
    bun: 0,
    earCover: 1,
    crest: 0,
    nape: 0,
  },
  'long-wavy': {
    style: 'long-wavy',
    volume: 0.03,
    sideVolume: 0.03,
    length: 0.27,
    fringe: 0.2,
    parting: 0.5,
    wave: 1,
    curl: 0,
    bun: 0,
    earCover: 1,
    crest: 0,
    nape: 0,
  },
  bun: {
    style: 'bun',
    volume: 0.008,
    sideVolume: 0.006,
    length: 0,
    fringe: 0,
    parting: 0,
    wave: 0,
    curl: 0,
    bun: 0.045,
    earCover: 0.3,
    crest: 0,
    nape: 0.8,
  },
  afro: {
    style: 'afro',
    volume: 0.065,
    sideVolume: 0.055,
    length: 0,
    fringe: 0,
    parting: 0,
    wave: 0,
    curl: 1,
    bun: 0,
    earCover: 1,
    crest: 0,
    nape: 0,
  },
  quiff: {
    style: 'quiff',
    volume: 0.016,
    sideVolume: 0.006,
    length: 0,
    fringe: 0,
    parting: 0,
    wave: 0,
    curl: 0,
    bun: 0,
    earCover: 0.2,
    crest: 0.05,
    nape: 0.8,
  },
};

/** Ranges the fit may move each style's sizes (metres) and ear cover (0..1) within, so a style stays itself. */
export const HAIRSTYLE_BOUNDS: Record<
  HairstyleId,
  Record<'volume' | 'sideVolume' | 'length' | 'crest' | 'earCover', [number, number]>
> = {
  buzz: {
    volume: [0.002, 0.007],
    sideVolume: [0.002, 0.006],
    length: [0, 0],
    crest: [0, 0],
    earCover: [0, 1],
  },
  // From a thin crown over fuller sides (petsc's dave.jpg, 4 mm) to a full short cut.
  short: {
    volume: [0.004, 0.04],
    sideVolume: [0.004, 0.025],
    length: [0, 0],
    crest: [0, 0],
    earCover: [0, 1],
  },
  // Ends on the head (hair to the jaw is a bob): a few centimetres of curtain below the widest ring
  // stood round the head like a lampshade, ending in the nape's V at the back.
  medium: {
    volume: [0.012, 0.05],
    sideVolume: [0.008, 0.04],
    length: [0, 0],
    crest: [0, 0],
    earCover: [0, 1],
  },
  bob: {
    volume: [0.012, 0.05],
    sideVolume: [0.01, 0.04],
    length: [0.06, 0.15],
    crest: [0, 0],
    earCover: [0, 1],
  },
  'long-straight': {
    volume: [0.008, 0.04],
    sideVolume: [0.006, 0.03],
    length: [0.18, 0.4],
    crest: [0, 0],
    earCover: [0, 1],
  },
  // From hair to the jaw (mendeleev.jpg, 11 cm below the head's centre) to far below the shoulders.
  'long-wavy': {
    volume: [0.015, 0.06],
    sideVolume: [0.015, 0.06],
    length: [0.1, 0.4],
    crest: [0, 0],
    earCover: [0, 1],
  },
  bun: { volume: [0.004, 0.02], sideVolume: [0.003, 0.015], length: [0, 0], crest: [0, 0], earCover: [0, 1] },
  afro: { volume: [0.045, 0.1], sideVolume: [0.035, 0.09], length: [0, 0], crest: [0, 0], earCover: [0, 1] },
  // Short sides, never down over the ears, under a crest at least as tall as a medium cut's crown.
  quiff: {
    volume: [0.006, 0.018],
    sideVolume: [0.003, 0.009],
    length: [0, 0],
    crest: [0.025, 0.11],
    earCover: [0, 0.4],
  },
};

const DEG = Math.PI / 180;
/** Polar angles (from the head's centre) of the brows and of the ear lobes. */
const BROW_PHI = 84 * DEG;
const EAR_BOTTOM_PHI = 122 * DEG;
/** The hair's edge on the scalp is this thick (metres): a hairline, not a wall. */
const EDGE_THICKNESS = 0.0025;
/** Inner surface this far under the scalp, so the scalp never shows through at the edge. */
const UNDER_SCALP = 0.004;
const MAX_PHI = 168 * DEG;
/** How far up a fringe of −1 moves the front hairline (polar angle). */
const HAIRLINE_RAISE = 20 * DEG;
/**
 * The raise fades from the middle of the forehead to this azimuth: a high hairline arches back to
 * the temples. Held full to 20° and gone by 55° (as the fringe is), it cut a box out of the hair.
 */
const RAISE_FADE = 75 * DEG;
/** Styles whose sides lie against the head (cut short, or pulled back into a bun), not over the ears. */
const SIDES_ON_SKULL: ReadonlySet<HairstyleId> = new Set(['buzz', 'short', 'quiff', 'bun']);
/**
 * Short sides end this far (polar angle) above the ear's top, and rise from there by EAR_ARC_SLOPE
 * per unit of azimuth away from the ear: cut round it, not through it (an ear poking through the
 * shell showed a ragged rim where the two meshes cross).
 */
const EAR_CLEARANCE = 4 * DEG;
const EAR_ARC_SLOPE = 3;
/** Where a style's `nape` thins its side volume: behind the ears, towards the nape. */
const NAPE_AZIMUTH: [number, number] = [100 * DEG, 150 * DEG];
const NAPE_PHI: [number, number] = [60 * DEG, 110 * DEG];
/** Over these azimuths a nape-covering style's end comes down to the nape's level (the V's point). */
const NAPE_LEVEL_FROM = 110 * DEG;
const NAPE_LEVEL_TO = 160 * DEG;
/** How far (polar angle) a fringe's strand tips reach below and above its mean end. */
const FRINGE_TIPS = 4 * DEG;

/**
 * −0.3..1 along the front: narrow points (strand clumps) over a flat edge, about one per 16° of
 * azimuth (~2 cm on a forehead), their spacing and length uneven.
 */
function fringeTips(theta: number): number {
  const phase = theta * 22 + 0.9 * Math.sin(theta * 9 + 0.7);
  const point = Math.pow(Math.max(0, Math.cos(phase)), 3);
  return point * (0.75 + 0.25 * Math.sin(theta * 31 + 2.1)) - 0.3;
}

/**
 * Towards its edge the hair thins to EDGE_THICKNESS over this angle (down to its end; for hanging hair
 * also across to where the next azimuth ends, beside the face); a curtain draws in to the head beside
 * the face over the next one.
 */
const EDGE_TAPER = 10 * DEG;
const CURTAIN_TAPER = 20 * DEG;
/** A curtain eases in over this polar angle below the ring it hangs from. */
const CURTAIN_EASE = 6 * DEG;
/** The end is tabulated every 3.75° of azimuth; the edge is looked for up to 26° either side. */
const END_STEPS = 96;
const EDGE_REACH_STEPS = 7;
/**
 * A direction counts as past the end only if it ends this much higher: along a curtain's bottom the
 * neighbouring ends differ by hundredths of a degree, and its last ring drew in to the neck as if it
 * were beside the face — a lip curled in under the hair, several centimetres long on a long curtain.
 */
const BESIDE_MARGIN = 2 * DEG;

export interface HairShape {
  /** Polar angle where the hair ends, per azimuth θ. */
  endPhi(theta: number): number;
  /** Outer and inner distance from the centre along direction (θ, φ), φ ≤ end = endPhi(θ). */
  radii(theta: number, phi: number, end: number): { outer: number; inner: number };
  /** Whether the hair hangs below the head as a curtain (length > 0). */
  hangs: boolean;
}

/** Field a at t = 0, b at t = 1, mixed between (each sampled only where it counts: a hot path). */
function blendFields(a: Float32Array, b: Float32Array, t: number, theta: number, phi: number): number {
  if (t <= 0) return sampleField(a, theta, phi);
  if (t >= 1) return sampleField(b, theta, phi);
  const va = sampleField(a, theta, phi);
  return va + (sampleField(b, theta, phi) - va) * t;
}

/** Moving average over ±half bins, wrapping around (the model's hairline has a V at the nape). */
function smoothCircular(values: Float32Array, half: number): void {
  const copy = Float32Array.from(values);
  for (let j = 0; j < values.length; j++) {
    let s = 0;
    for (let k = -half; k <= half; k++) s += copy[(j + k + values.length) % values.length]!;
    values[j] = s / (2 * half + 1);
  }
}

/**
 * Per azimuth bin, the lowest end that clears the ears: EAR_CLEARANCE above an ear's top, rising by
 * EAR_ARC_SLOPE per radian of azimuth away from it (π far from the ears: no limit).
 */
function earArcEnd(earTopPhi: Float32Array): Float32Array {
  const cols = earTopPhi.length;
  const step = (2 * Math.PI) / cols;
  const arc = new Float32Array(cols).fill(Math.PI);
  for (let k = 0; k < cols; k++) {
    if (!(earTopPhi[k]! < Math.PI)) continue;
    for (let j = 0; j < cols; j++) {
      const bins = Math.min(Math.abs(j - k), cols - Math.abs(j - k));
      const phi = earTopPhi[k]! - EAR_CLEARANCE + EAR_ARC_SLOPE * bins * step;
      if (phi < arc[j]!) arc[j] = phi;
    }
  }
  return arc;
}

/** |θ| folded into [0, π]. */
function absAzimuth(theta: number): number {
  const t = Math.abs(((((theta + Math.PI) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) - Math.PI);
  return t;
}

/** The style as radial functions over the fitted head's directions. */
export function hairShape(field: HeadRadialField, params: HairstyleParams): HairShape {
  const { volume, sideVolume, length, fringe, parting, wave, curl, bun, earCover, crest, nape } = params;
  const cols = AZIMUTH_BINS;
  // Per azimuth column: the model's hairline (hair weight falls under ½), the head's widest ρ and
  // the polar angle it is widest at.
  const hairline = new Float32Array(cols);
  const widest = new Float32Array(cols);
  const widestPhi = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    let phi = MAX_PHI;
    for (let i = 1; i <= POLAR_BINS; i++) {
      const w = field.hairWeight[i * cols + j]!;
      if (w < 0.5) {
        const prev = field.hairWeight[(i - 1) * cols + j]!;
        const f = prev > w ? (prev - 0.5) / (prev - w) : 0;
        phi = ((i - 1 + f) / POLAR_BINS) * Math.PI;
        break;
      }
    }
    hairline[j] = phi;
    for (let i = Math.round(POLAR_BINS * (70 / 180)); i <= Math.round(POLAR_BINS * (115 / 180)); i++) {
      const phiI = (i / POLAR_BINS) * Math.PI;
      const rho = field.smoothRadius[i * cols + j]! * Math.sin(phiI);
      if (rho > widest[j]!) [widest[j], widestPhi[j]] = [rho, phiI];
    }
  }
  smoothCircular(hairline, 4);
  smoothCircular(widest, 3);
  smoothCircular(widestPhi, 3);
  const column = (grid: Float32Array, theta: number) => {
    const f = ((((theta / (2 * Math.PI)) * cols) % cols) + cols) % cols;
    const j0 = Math.floor(f) % cols;
    const t = f - Math.floor(f);
    return grid[j0]! * (1 - t) + grid[(j0 + 1) % cols]! * t;
  };
  const flare = 0.12 * wave;
  const sidesOnSkull = SIDES_ON_SKULL.has(params.style);
  const earArc = sidesOnSkull ? earArcEnd(field.earTopPhi) : undefined;
  const hangs = length > 0;
  const sideWindow = (theta: number) => smoothstep(60 * DEG, 85 * DEG, absAzimuth(theta));

  /** The side volume, thinned behind the ears towards the nape by the style's `nape`. */
  const sideAt = (theta: number, phi: number): number => {
    if (nape <= 0) return sideVolume;
    const behind =
      smoothstep(NAPE_AZIMUTH[0], NAPE_AZIMUTH[1], absAzimuth(theta)) *
      smoothstep(NAPE_PHI[0], NAPE_PHI[1], phi);
    return sideVolume * (1 - nape * behind);
  };
  /**
   * Distance along (θ, φ) to the curtain hanging from the head's widest ring (at polar angle `top`
   * on this azimuth), below it (0 above), as far out as the hair on that ring: hung from the ring at
   * the ear's height with the full side
   * volume, it stood out of the hair above it in a ledge where the head is widest lower down (at
   * the back) or the nape thins the hair (a medium cut's short curtain, a lampshade from behind).
   */
  const curtain = (theta: number, phi: number, top: number): number => {
    if (phi <= top || !hangs) return 0;
    const rho = column(widest, theta) + sideAt(theta, top);
    const denominator = Math.sin(phi) + flare * Math.cos(phi);
    return denominator > 0.05 ? rho / denominator : 0;
  };
  /**
   * 0..1 over the front of the top: full from the front hairline to a little behind the top, falling
   * off towards the temples (so the sides stay short) and down the back of the crown.
   */
  const crestShape = (theta: number, phi: number): number => {
    if (crest <= 0) return 0;
    const d = direction(theta, phi);
    const across = Math.abs(d[0]); // towards the ears
    const along = d[2]; // towards the face
    return smoothstep(0.62, 0.3, across) * smoothstep(-0.55, 0.05, along) * smoothstep(0.05, 0.55, d[1]);
  };
  const thickness = (theta: number, phi: number): number => {
    const up = Math.max(0, Math.cos(phi));
    const side = sideAt(theta, phi);
    const t = side + (volume - side) * up;
    // The parting side lies flatter, the hair swept from it fuller on the other side.
    return (
      t * (1 - parting * Math.sin(theta) * (0.35 * up + 0.3 * (1 - up))) + crest * crestShape(theta, phi)
    );
  };
  const bunDir = direction(Math.PI, 70 * DEG);
  const bunDistance = sampleField(field.radius, Math.PI, 70 * DEG) + volume + 0.3 * bun;

  const napeLevelled = params.style === 'medium';
  const napeLevel = column(hairline, Math.PI);
  const headEnd = (theta: number): number => {
    const a = absAzimuth(theta);
    const hl = column(hairline, theta);
    const front = smoothstep(55 * DEG, 20 * DEG, a);
    const side = smoothstep(40 * DEG, 70 * DEG, a);
    const sweep = 1 - 0.5 * parting * Math.sin(theta);
    const fringeDown = front * Math.min(1, Math.max(0, fringe) * sweep) * Math.max(0, BROW_PHI - hl);
    // A fringe ends in strand tips, not a straight cut: uneven points a few millimetres long (loose
    // hair, the styles with waves; a short crop ends straight).
    const loose = Math.min(1, wave / 0.2);
    const tips =
      fringeDown > 0 && loose > 0
        ? FRINGE_TIPS * loose * front * Math.min(1, fringeDown / FRINGE_TIPS) * fringeTips(theta)
        : 0;
    let end = hl + fringeDown + tips;
    end = Math.max(end, hl + side * earCover * Math.max(0, EAR_BOTTOM_PHI - hl));
    // A medium cut covers the nape and ends level across it, at the V's point: on the model's
    // hairline it ended in a V there (kpa_jesper.jpg's, 11° lower at the middle than 30° beside it).
    // An afro's back is its volume's (its outline decides marie_curie.jpg's fit); longer hair hangs.
    if (napeLevelled && !hangs)
      end = Math.max(end, end + smoothstep(NAPE_LEVEL_FROM, NAPE_LEVEL_TO, a) * (napeLevel - end));
    // A negative fringe: the front hairline higher than the head model's (a high forehead).
    end += smoothstep(RAISE_FADE, 0, a) * Math.min(0, fringe) * HAIRLINE_RAISE;
    end += 2 * DEG;
    return earArc ? Math.min(end, column(earArc, theta)) : end;
  };
  /**
   * The outer surface, `end` the hair's end on this azimuth and `beside` the angle across to the
   * nearest direction past the end on another (`distanceBeside`): the hair thins towards its end on
   * the scalp, so it reads as a hairline, and a curtain draws in to the head beside the face, so long
   * hair frames the face instead of standing round it like a hood's opening.
   */
  const outerNoWave = (theta: number, phi: number, end: number, beside: number): number => {
    // Over the smoothed head (not into every dip behind the ears), yet never under the scalp.
    // Longer hair and hair that covers the ear (ends below its lobe) fall over it; short sides that
    // end on it lie on the skull and let the ear through instead of standing out over it in a wing.
    const overEar = sidesOnSkull ? smoothstep(EAR_BOTTOM_PHI - 6 * DEG, EAR_BOTTOM_PHI + 2 * DEG, end) : 1;
    const raw = blendFields(field.skullRadius, field.radius, overEar, theta, phi);
    const smooth = blendFields(field.smoothSkullRadius, field.smoothRadius, overEar, theta, phi);
    const onScalp = smoothstep(0.2, 0.5, sampleField(field.hairWeight, theta, phi));
    const over = smooth + onScalp * Math.max(0, raw + 0.001 - smooth);
    // Hanging hair thins across to the face too; short styles keep their full sides there (an afro's
    // outline is its volume round the temples).
    const across = hangs ? smoothstep(0, EDGE_TAPER, beside) : 1;
    const toEdge = smoothstep(end, end - EDGE_TAPER, phi) * across;
    const t = Math.max(EDGE_THICKNESS, thickness(theta, phi) * toEdge);
    // At its end on the head the hair comes down onto the skin: over a hollow (the nape, where the
    // neck leaves the skull) the smoothed head stood off it in a ledge.
    const onEnd = hangs ? 0 : 1 - smoothstep(end, end - EDGE_TAPER, phi);
    const head = over - onEnd * Math.max(0, over - raw - 0.001);
    const base = head + t;
    const top = column(widestPhi, theta);
    const c = curtain(theta, phi, top);
    // Smooth maximum of the scalp shell and the curtain (no crease where the hair leaves the head).
    const k = 0.012;
    const h = Math.max(k - Math.abs(base - c), 0) / k;
    const hanging = Math.max(base, c) + (h * h * k) / 4;
    // Eased in below the ring (the smooth maximum stands k/4 over both where they meet).
    const below = smoothstep(top, top + CURTAIN_EASE, phi);
    return base + (hanging - base) * smoothstep(0, CURTAIN_TAPER, beside) * below;
  };
  /** The end on azimuth θ, the hanging hair's found to 78° / 2^bisections. */
  const endPhiTo = (theta: number, bisections: number): number => {
    let end = headEnd(theta);
    const hang = sideWindow(theta);
    if (hang > 0 && hangs) {
      // The polar angle where the hanging hair reaches its length below the centre (bisection); the
      // end goes down to it across the side window, so the hair's front edge runs from the temple
      // down and back to the jaw, not straight down from the hairline.
      let lo = Math.PI / 2,
        hi = MAX_PHI;
      const below = (phi: number) => -outerNoWave(theta, phi, MAX_PHI, Math.PI) * Math.cos(phi);
      if (below(hi) < length) lo = hi;
      else {
        for (let it = 0; it < bisections; it++) {
          const mid = (lo + hi) / 2;
          if (below(mid) < length) lo = mid;
          else hi = mid;
        }
      }
      end = Math.max(end, end + hang * (lo - end));
    }
    return Math.min(end, MAX_PHI);
  };
  const endPhi = (theta: number) => endPhiTo(theta, 24);
  // The end per azimuth, tabulated (to 0.02°) for `distanceBeside`, which looks along the ring for it.
  const endTable = new Float32Array(END_STEPS + 1);
  for (let k = 0; k <= END_STEPS; k++) endTable[k] = endPhiTo((k / END_STEPS) * 2 * Math.PI - Math.PI, 12);
  const tabulatedEnd = (theta: number): number => {
    const f = (((((theta + Math.PI) / (2 * Math.PI)) * END_STEPS) % END_STEPS) + END_STEPS) % END_STEPS;
    const k = Math.floor(f);
    return endTable[k]! + (endTable[k + 1]! - endTable[k]!) * (f - k);
  };
  /** Angular distance across the hair (along the ring of polar angle φ) to a direction past its end. */
  const distanceBeside = (theta: number, phi: number): number => {
    const ringRadius = Math.max(0.2, Math.sin(phi));
    for (let k = 1; k <= EDGE_REACH_STEPS; k++) {
      const delta = (k * 2 * Math.PI) / END_STEPS;
      if (
        tabulatedEnd(theta - delta) < phi - BESIDE_MARGIN ||
        tabulatedEnd(theta + delta) < phi - BESIDE_MARGIN
      )
        return delta * ringRadius;
    }
    return Math.PI;
  };
  return {
    endPhi,
    hangs,
    radii(theta, phi, end) {
      const head = sampleField(field.radius, theta, phi);
      // Only hanging hair draws in beside the face (without a curtain the distance changes nothing).
      let outer = outerNoWave(theta, phi, end, hangs ? distanceBeside(theta, phi) : Math.PI);
      const tc = Math.max(thickness(theta, phi), 0.02) + 0.012;
      // Under the scalp; where an ear pokes through the hair, still under the outer surface.
      const inner = Math.min(Math.max(head - UNDER_SCALP, outer - tc), outer - 0.002);
      // Relief stays within the hair's own thickness, so the outer surface never dips under the inner.
      const room = Math.min(1, (outer - inner) / 0.012);
      if (wave > 0) {
        const hang = smoothstep(50 * DEG, 110 * DEG, phi);
        const clumps = Math.sin(theta * 14 + 1.4 * Math.sin(phi * 7));
        outer += wave * (0.003 + 0.006 * hang) * clumps * room;
      }
      // Faded at the crown, where the mesh's rows meet in a fan too fine-grained for a clump.
      if (curl > 0)
        outer += curl * 0.006 * curlRelief(direction(theta, phi)) * smoothstep(0, 8 * DEG, phi) * room;
      if (bun > 0) {
        const d = direction(theta, phi);
        const cosA = d[0] * bunDir[0] + d[1] * bunDir[1] + d[2] * bunDir[2];
        const sinA = Math.sqrt(Math.max(0, 1 - cosA * cosA));
        const off = bunDistance * sinA;
        if (cosA > 0 && off < bun)
          outer = Math.max(outer, bunDistance * cosA + Math.sqrt(bun * bun - off * off));
      }
      return { outer: Math.max(outer, inner + 0.001), inner };
    },
  };
}
