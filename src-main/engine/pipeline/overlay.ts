/** The prior overlay (PriorOverlay in protocol.ts) from projected points and a triangle list. */
import type { EstimatorId, PhotoPose, PriorOverlay } from '../../shared/protocol';
import { roundPose } from '../../shared/photo-pose';

/** Unique undirected edges of a polygon list (3 indices per triangle, 4 per quad), as index pairs. */
export function polygonEdges(indices: ArrayLike<number>, corners: 3 | 4 = 3): number[] {
  const seen = new Set<string>();
  const edges: number[] = [];
  for (let t = 0; t + corners - 1 < indices.length; t += corners) {
    for (let k = 0; k < corners; k++) {
      const a = indices[t + k]!;
      const b = indices[t + ((k + 1) % corners)]!;
      const key = a < b ? `${a},${b}` : `${b},${a}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push(a, b);
    }
  }
  return edges;
}

/** Convex hull (monotone chain) of x, y pairs, as a closed outline of x, y pairs. */
export function convexHull(points: ArrayLike<number>): number[] {
  const pts: [number, number][] = [];
  for (let i = 0; i + 1 < points.length; i += 2) pts.push([points[i]!, points[i + 1]!]);
  pts.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  if (pts.length < 3) return pts.flat();
  const cross = (o: [number, number], a: [number, number], b: [number, number]): number =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: [number, number][]): [number, number][] => {
    const out: [number, number][] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...half(pts), ...half([...pts].reverse())].flat();
}

export function buildPriorOverlay(args: {
  width: number;
  height: number;
  box: [number, number, number, number];
  landmarks2d: ArrayLike<number>;
  vertices2d: ArrayLike<number>;
  edges: number[];
  confidence: number;
  estimator: EstimatorId;
  pose?: PhotoPose;
}): PriorOverlay {
  const round = (values: ArrayLike<number>): number[] => Array.from(values, (v) => Math.round(v * 10) / 10);
  return {
    width: args.width,
    height: args.height,
    box: args.box,
    landmarks: round(args.landmarks2d),
    vertices: round(args.vertices2d),
    edges: args.edges,
    silhouette: [round(convexHull(args.vertices2d))],
    confidence: Math.max(0, Math.min(1, args.confidence)),
    estimator: args.estimator,
    ...(args.pose ? { pose: roundPose(args.pose) } : {}),
  };
}
