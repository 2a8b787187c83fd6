/**
 * Ear geometry for the head model: where a grid patch on the side of the head is extruded into an
 * auricle. The patch (the attachment: concha floor and cartilage root) is smaller than the ear, so
 * the extruded rings flare out into a flap that overhangs the head: root fillet, medial (back)
 * surface, helix edge, helix crest, scapha edge, and the patch itself becomes the lateral surface —
 * antihelix ridge round a deep concha. Adult averages: 60 mm long, top at the brows, bottom near
 * the nose base, ~33 mm wide, tilted back ~15°, the flap ~20° from the head (helix 15–18 mm off the
 * mastoid at the back, 3–4 mm at the front root).
 */
import type { Vec3 } from './head-shape';

/** Maps the square [-1,1]² onto the unit disc (keeps the grid's order). */
export function squareToDisc(a: number, b: number): [number, number] {
  const x = Math.max(-1, Math.min(1, a));
  const y = Math.max(-1, Math.min(1, b));
  return [x * Math.sqrt(1 - (y * y) / 2), y * Math.sqrt(1 - (x * x) / 2)];
}

export interface EarPlacement {
  /** Top (brow level) and bottom (lobe, near the nose base) of the ear, metres. */
  top: number;
  bottom: number;
  /** Z of the ear's front edge (the helix root, just behind the tragus). */
  front: number;
}

const EAR = {
  halfWidth: 0.0165,
  /** Backward lean: the top sits this much further back per metre of height. */
  tilt: Math.tan((15 * Math.PI) / 180),
  /** Flap angle off the head: extra offset per metre behind the front edge (tan 20°). */
  flare: Math.tan((20 * Math.PI) / 180),
  rootOut: 0.0015,
  frontOut: 0.003,
  crest: 0.0035,
};

/** The attachment patch on the head's side grid: the quads whose centres fall in this y/z box. */
export function earPatchBox(p: EarPlacement): { y0: number; y1: number; z0: number; z1: number } {
  return { y0: p.bottom + 0.012, y1: p.top - 0.011, z0: p.front - 0.024, z1: p.front - 0.003 };
}

/**
 * Positions for one ear's rings and cap. `headX(y, z)` is |x| of the head surface at (y, z);
 * `side` is +1 (subject's left, +X) or −1; `patch` is the attachment patch's centre and half size
 * (y, z), which normalise a vertex's y and z to patch coordinates in [-1,1]².
 */
export function earShape(
  p: EarPlacement,
  side: 1 | -1,
  headX: (y: number, z: number) => number,
  patch: { y: number; z: number; halfY: number; halfZ: number },
) {
  const centreY = (p.top + p.bottom) / 2;
  const halfLength = (p.top - p.bottom) / 2;
  const centreZ = p.front - EAR.halfWidth;
  /** Outline point at disc angle (s = up, c = front) scaled by k about the ear centre, and its offset. */
  const outline = (s: number, c: number, k: number): { y: number; z: number; out: number } => {
    // Straighter front edge, rounder back; the top is wider than the lobe.
    const front = c > 0 ? Math.abs(c) ** 0.7 : c;
    const taper = 1 + 0.08 * s - 0.22 * Math.max(0, -s) ** 2;
    const w = EAR.halfWidth * front * taper;
    const u = halfLength * s;
    const behind = EAR.halfWidth - w; // 0 at the front edge, ~33 mm at the back
    const out = EAR.frontOut + EAR.flare * behind + 0.002 * Math.max(0, s);
    return { y: centreY + k * u, z: centreZ + k * w - EAR.tilt * k * u, out };
  };
  const place = (y: number, z: number, out: number): Vec3 => [side * (headX(y, z) + out), y, z];
  /** Patch coordinates of (y, z) on the disc: direction (s up, c front) and radius. */
  const onDisc = (y: number, z: number) => {
    const [da, db] = squareToDisc((y - patch.y) / patch.halfY, (z - patch.z) / patch.halfZ);
    const rho = Math.hypot(da, db);
    return { da, db, s: rho > 0 ? da / rho : 0, c: rho > 0 ? db / rho : 1, rho };
  };
  return {
    ringCount: 5,
    /** Ring r (1..5) vertex for the loop vertex at (y, z). */
    ring(r: number, y: number, z: number): Vec3 {
      const { da, db, s, c } = onDisc(y, z);
      // Root: the patch's rectangle with its corners rounded off, just off the skin.
      const rootY = y + 0.5 * (patch.y + da * patch.halfY - y);
      const rootZ = z + 0.5 * (patch.z + db * patch.halfZ - z);
      if (r === 1) return place(rootY, rootZ, EAR.rootOut);
      const o = outline(s, c, 1);
      if (r === 2) {
        const t = 0.55;
        const out = EAR.rootOut + (o.out - EAR.rootOut) * 0.5;
        return place(rootY + (o.y - rootY) * t, rootZ + (o.z - rootZ) * t, out);
      }
      if (r === 3) return place(o.y, o.z, o.out);
      const q = outline(s, c, r === 4 ? 0.92 : 0.82);
      return place(q.y, q.z, o.out + (r === 4 ? EAR.crest : 0.001));
    },
    /** Cap (lateral surface) vertex: antihelix ridge falling into the concha towards the middle. */
    cap(y: number, z: number): Vec3 {
      const { s, c, rho } = onDisc(y, z);
      const q = outline(s, c, 0.78 * rho);
      const rim = outline(s, c, 1).out;
      const t = Math.min(1, Math.max(0, (rho - 0.3) / 0.55));
      return place(q.y, q.z, 0.003 + (rim - 0.002) * t * t * (3 - 2 * t));
    },
  };
}
