/**
 * Generates resources/head-model/ (head-model.json + head-model.bin + manifest.json): the built-in
 * full-head model — a closed, mostly-quad head (face, scalp, ears, neck), its UV atlas, the
 * MediaPipe-468 landmark embedding, the left/right mirror map and an 18-component shape space.
 * Deterministic; inputs are this folder's code and data/canonical-face.json.
 * Run: npx tsx scripts/head-model/generate-head-model.ts
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  HEAD,
  JAW_GUIDES,
  baseRadius,
  normalize,
  placeFace,
  radialOffsetField,
  type Vec3,
} from './head-shape';
import { loadMediapipeTopology } from './mediapipe-topology';
import { assertClosedManifold, extrudePatch, smoothVertices, subdividedBox, type BoxFace } from './quad-mesh';
import { buildShapeSpace } from './shape-space';
import { ATLAS_REGIONS, buildAtlas } from './uv-atlas';
import { embedLandmarks, mirrorMap, NAMED_LANDMARKS } from './landmark-embedding';
import { earPatchBox, earShape, squareToDisc } from './ear-shape';

/** Angles (radians) of a closed loop's vertices, spaced by arc length, starting at the first vertex's angle. */
function loopAngles(
  loop: number[],
  planar: (v: number) => [number, number],
  startScore: (p: [number, number]) => number,
): number[] {
  const pts = loop.map(planar);
  // Start at a vertex found the same way on both sides, so mirrored loops get mirrored angles.
  let k = 0;
  pts.forEach((p, i) => {
    if (startScore(p) > startScore(pts[k]!)) k = i;
  });
  const lengths = pts.map((p, i) => {
    const q = pts[(i + 1) % pts.length]!;
    return Math.hypot(q[0] - p[0], q[1] - p[1]);
  });
  const total = lengths.reduce((a, b) => a + b, 0);
  // Turning direction: the sign of the loop's signed area in this plane.
  const area = pts.reduce((s, p, i) => {
    const q = pts[(i + 1) % pts.length]!;
    return s + p[0] * q[1] - q[0] * p[1];
  }, 0);
  const start = Math.atan2(pts[k]![0], pts[k]![1]);
  const angles = new Array<number>(pts.length);
  let run = 0;
  for (let j = 0; j < pts.length; j++) {
    const i = (k + j) % pts.length;
    angles[i] = start - Math.sign(area) * ((2 * Math.PI * run) / total);
    run += lengths[i]!;
  }
  return angles;
}

const smooth = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

const GRID = { nx: 32, ny: 36, nz: 32 };
const outDir = fileURLToPath(new URL('../../resources/head-model/', import.meta.url));

const topo = loadMediapipeTopology();
const canonical = JSON.parse(
  readFileSync(new URL('./data/canonical-face.json', import.meta.url), 'utf8'),
) as {
  points: Vec3[];
};
const faceLandmarks = placeFace(canonical.points);

// 1. Closed quad sphere, shaped as the cranium plus the face (radial offsets through the landmarks).
const regionOfFace: Record<BoxFace, string> = {
  '+z': 'front',
  '-z': 'back',
  '+x': 'left',
  '-x': 'right',
  '+y': 'top',
  '-y': 'bottom',
};
const mesh = subdividedBox(GRID.nx, GRID.ny, GRID.nz, (f) => regionOfFace[f]);
// Jaw guides are drawn for a chin at (0, −0.115, 0.086); follow the placed chin.
const chinShift = [0, faceLandmarks[152]![1] + 0.115, faceLandmarks[152]![2] - 0.086];
const guides = JAW_GUIDES.map((g): Vec3 => [g[0], g[1] + chinShift[1]!, g[2] + chinShift[2]!]).flatMap(
  (g): Vec3[] => (g[0] === 0 ? [g] : [g, [-g[0], g[1], g[2]]]),
);
const shapedPoints = [...faceLandmarks, ...guides];
const dirs = shapedPoints.map((p) => normalize(p));
const offsets = shapedPoints.map((p, i) => Math.hypot(...p) - baseRadius(dirs[i]!));
const faceOffset = radialOffsetField(dirs, offsets);
/** Head surface radius (cranium + face) along a unit direction. */
const headRadius = (d: Vec3) => baseRadius(d) + faceOffset(d);
mesh.positions = mesh.positions.map(([a, b, c]) => {
  // Equal-angle cube-sphere warp keeps the quads near square.
  const d = normalize([
    Math.tan((a! * Math.PI) / 4),
    Math.tan((b! * Math.PI) / 4),
    Math.tan((c! * Math.PI) / 4),
  ]);
  const r = headRadius(d);
  return [d[0] * r, d[1] * r, d[2] * r];
});
const headVertexCount = mesh.positions.length;

// 2. Neck: a tube extruded down from a patch under the skull, closed by a flat cap.
const quadCentre = (q: number): Vec3 => {
  const c: Vec3 = [0, 0, 0];
  for (const v of mesh.quads[q]!) for (let a = 0; a < 3; a++) c[a] = c[a]! + mesh.positions[v]![a]! / 4;
  return c;
};
// Adult neck: ~12 cm wide, ~12.5 cm front to back, cut ~9 cm below the chin, widening a little
// towards the shoulders (trapezius) at the cut.
const NECK = {
  centreZ: -0.015,
  radiusX: 0.059,
  radiusZ: 0.062,
  levels: [-0.124, -0.148, -0.174, -0.2],
  flare: 0.1,
  patchHalfX: 0.05,
};
// A lattice rectangle of the bottom face (a straight-edged patch, so the tube starts cleanly).
const bottomCell = (q: number): [number, number] => {
  const [u, v] = mesh.quadChartUv[q]![0]!;
  return [Math.round(u! * GRID.nx), Math.round((1 - v!) * GRID.nz)];
};
const bottomQuads = mesh.quads.map((_, q) => q).filter((q) => mesh.quadRegion[q] === 'bottom');
const centreColumn = bottomQuads.filter((q) => bottomCell(q)[0] === GRID.nx / 2);
const zRows = centreColumn
  .filter((q) => Math.abs(quadCentre(q)[2] - NECK.centreZ) < 0.05)
  .map((q) => bottomCell(q)[1]);
const xCols = bottomQuads
  .filter((q) => {
    const c = quadCentre(q);
    return (
      bottomCell(q)[1] === Math.round((Math.min(...zRows) + Math.max(...zRows)) / 2) &&
      Math.abs(c[0]) < NECK.patchHalfX
    );
  })
  .map((q) => bottomCell(q)[0]);
const neckPatch = new Set(
  bottomQuads.filter((q) => {
    const [a, b] = bottomCell(q);
    return (
      a >= Math.min(...xCols) && a <= Math.max(...xCols) && b >= Math.min(...zRows) && b <= Math.max(...zRows)
    );
  }),
);
// The cap spreads the patch's interior over the tube's last ring: normalise by the patch's extent.
const neckPatchVerts = [...new Set([...neckPatch].flatMap((q) => mesh.quads[q]!))];
const neckPatchX = Math.max(...neckPatchVerts.map((v) => Math.abs(mesh.positions[v]![0]!)));
const neckPatchZ = neckPatchVerts.map((v) => mesh.positions[v]![2]!);
const neckPatchMidZ = (Math.min(...neckPatchZ) + Math.max(...neckPatchZ)) / 2;
const neckPatchHalfZ = (Math.max(...neckPatchZ) - Math.min(...neckPatchZ)) / 2;
const neckLoopAngle = new Map<number, number>();
const neck = extrudePatch(
  mesh,
  neckPatch,
  NECK.levels.length,
  (ring, i, loop) => {
    if (neckLoopAngle.size === 0)
      loopAngles(
        loop,
        (v) => [mesh.positions[v]![0]!, mesh.positions[v]![2]! - NECK.centreZ],
        (p) => p[1] - 0.5 * Math.abs(p[0]),
      ).forEach((a, j) => neckLoopAngle.set(j, a));
    const [x, y, z] = mesh.positions[loop[i]!]! as Vec3;
    const angle = neckLoopAngle.get(i)!;
    const flare = 1 + NECK.flare * (ring / NECK.levels.length) ** 2;
    const tube: Vec3 = [
      NECK.radiusX * flare * Math.sin(angle),
      NECK.levels[ring - 1]!,
      NECK.centreZ + NECK.radiusZ * flare * Math.cos(angle),
    ];
    // The first ring blends from the skull towards the tube.
    const t = ring === 1 ? 0.6 : 1;
    return [
      x + (tube[0] - x) * t,
      ring === 1 ? Math.min(y - 0.01, (y + tube[1]) / 2) : tube[1],
      z + (tube[2] - z) * t,
    ];
  },
  (v) => {
    const [x, , z] = mesh.positions[v]! as Vec3;
    const [a, b] = squareToDisc(x / neckPatchX, (z - neckPatchMidZ) / neckPatchHalfZ);
    const r = 1 + NECK.flare;
    return [a * NECK.radiusX * r, NECK.levels[NECK.levels.length - 1]!, NECK.centreZ + b * NECK.radiusZ * r];
  },
  'neck',
  'neck-cap',
);

// 3. Ears: the top at brow level, the bottom near the nose base, the front edge behind the tragus.
/** |x| of the head surface at height y and depth z (bisection along +X). */
const headX = (y: number, z: number): number => {
  let lo = 0;
  let hi = 0.15;
  for (let i = 0; i < 40; i++) {
    const x = (lo + hi) / 2;
    const p: Vec3 = [x, y, z];
    if (Math.hypot(...p) < headRadius(normalize(p))) lo = x;
    else hi = x;
  }
  return (lo + hi) / 2;
};
const earPlacement = {
  top: faceLandmarks[334]![1] - 0.003,
  bottom: faceLandmarks[2]![1] + 0.005,
  front: faceLandmarks[454]![2] - 0.01,
};
const earBox = earPatchBox(earPlacement);
const earWeight = new Map<number, number>();
/** Every ear vertex, its root loop on the skull included. */
const earLoops = new Set<number>();
for (const side of [1, -1] as const) {
  const region = side > 0 ? 'left' : 'right';
  const patch = new Set(
    mesh.quads
      .map((_, q) => q)
      .filter((q) => {
        if (mesh.quadRegion[q] !== region) return false;
        const [, y, z] = quadCentre(q);
        return y > earBox.y0 && y < earBox.y1 && z > earBox.z0 && z < earBox.z1;
      }),
  );
  const loopVerts = [...new Set([...patch].flatMap((q) => mesh.quads[q]!))];
  const ys = loopVerts.map((v) => mesh.positions[v]![1]!);
  const zs = loopVerts.map((v) => mesh.positions[v]![2]!);
  const box = {
    y: (Math.min(...ys) + Math.max(...ys)) / 2,
    z: (Math.min(...zs) + Math.max(...zs)) / 2,
    halfY: (Math.max(...ys) - Math.min(...ys)) / 2,
    halfZ: (Math.max(...zs) - Math.min(...zs)) / 2,
  };
  const ear = earShape(earPlacement, side, headX, box);
  const extruded = extrudePatch(
    mesh,
    patch,
    ear.ringCount,
    (ring, i, loop) => {
      const [, y, z] = mesh.positions[loop[i]!]!;
      return ear.ring(ring, y!, z!);
    },
    (v) => {
      const [, y, z] = mesh.positions[v]!;
      return ear.cap(y!, z!);
    },
    `ear-${region}`,
    `ear-${region}-cap`,
  );
  for (const ring of extruded.rings.slice(1)) for (const v of ring) earWeight.set(v, 1);
  for (const v of extruded.capVertices) earWeight.set(v, 1);
  for (const v of [...extruded.rings.flat(), ...extruded.capVertices]) earLoops.add(v);
}

// 4. Fillet the skull–neck junction (the tube meets the skull's underside at an angle): smooth a
// band around the junction loop, away from the face landmarks and the ears.
const junctionWeight = mesh.positions.map((p, v) => {
  if (earLoops.has(v)) return 0;
  const ring = neck.rings.findIndex((r) => r.includes(v));
  if (ring > 0) return ring <= 2 ? 1 / ring : 0;
  if (neck.capVertices.includes(v)) return 0;
  let toLoop = Infinity;
  for (const l of neck.loop)
    toLoop = Math.min(toLoop, Math.hypot(...p.map((c, a) => c! - mesh.positions[l]![a]!)));
  let toFace = Infinity;
  for (const l of faceLandmarks)
    toFace = Math.min(toFace, Math.hypot(p[0]! - l[0], p[1]! - l[1], p[2]! - l[2]));
  return (1 - smooth(0.01, 0.035, toLoop)) * smooth(0.008, 0.025, toFace);
});
smoothVertices(mesh.positions, mesh.quads, junctionWeight, 12);
assertClosedManifold(mesh.quads);

// 5. Per-vertex weights, shape space, mirror map, landmarks, atlas.
const positions = mesh.positions as Vec3[];
const V = positions.length;
const neckWeight = positions.map((_, v) => {
  for (let r = 1; r < neck.rings.length; r++)
    if (neck.rings[r]!.includes(v)) return r / (neck.rings.length - 1);
  return neck.capVertices.includes(v) ? 1 : 0;
});
const earW = positions.map((_, v) => earWeight.get(v) ?? 0);
const shape = buildShapeSpace({
  positions,
  earWeight: earW,
  neckWeight,
  neckCentreZ: NECK.centreZ,
  landmarks: faceLandmarks,
});
const mirror = mirrorMap(positions);
const atlas = buildAtlas(mesh);
const embedding = embedLandmarks(positions, atlas.triangles, faceLandmarks);
// Hair line: high over the forehead, down to the ear tops at the sides and to the nape at the back.
const hairWeight = positions.map(([x, y, z], v) => {
  if (earW[v]! > 0 || neckWeight[v]! > 0) return 0;
  const azimuth = Math.abs(Math.atan2(x, z)) / Math.PI; // 0 front, 0.5 side, 1 back
  const line =
    azimuth < 0.22
      ? faceLandmarks[10]![1] + 0.008
      : azimuth < 0.5
        ? 0.06 - (azimuth - 0.22) * 0.11
        : 0.03 - (azimuth - 0.5) * 0.19;
  return smooth(line - 0.008, line + 0.008, y);
});
// Where landmark-driven detail may move vertices: the face, fading out 3 cm beyond its landmarks.
const detailWeight = positions.map((p, v) => {
  if (earW[v]! > 0 || neckWeight[v]! > 0 || v >= headVertexCount) return 0;
  let d = Infinity;
  for (const l of faceLandmarks) d = Math.min(d, Math.hypot(p[0] - l[0], p[1] - l[1], p[2] - l[2]));
  return 1 - smooth(0.004, 0.03, d);
});

// 6. Write the binary blocks and the description.
const blocks: { name: string; dtype: 'float32' | 'uint32'; shape: number[]; data: ArrayLike<number> }[] = [
  { name: 'positions', dtype: 'float32', shape: [V, 3], data: positions.flat() },
  { name: 'quads', dtype: 'uint32', shape: [mesh.quads.length, 4], data: mesh.quads.flat() },
  { name: 'triangles', dtype: 'uint32', shape: [atlas.triangles.length / 3, 3], data: atlas.triangles },
  {
    name: 'triangleRegion',
    dtype: 'uint32',
    shape: [atlas.triangleRegion.length],
    data: atlas.triangleRegion,
  },
  {
    name: 'uvVertexToVertex',
    dtype: 'uint32',
    shape: [atlas.uvVertexToVertex.length],
    data: atlas.uvVertexToVertex,
  },
  { name: 'uvs', dtype: 'float32', shape: [atlas.uvVertexToVertex.length, 2], data: atlas.uvs },
  { name: 'uvTriangles', dtype: 'uint32', shape: [atlas.uvTriangles.length / 3, 3], data: atlas.uvTriangles },
  { name: 'mirror', dtype: 'uint32', shape: [V], data: mirror },
  { name: 'hairWeight', dtype: 'float32', shape: [V], data: hairWeight },
  { name: 'detailWeight', dtype: 'float32', shape: [V], data: detailWeight },
  { name: 'landmarkTriangle', dtype: 'uint32', shape: [468], data: embedding.triangle },
  { name: 'landmarkBary', dtype: 'float32', shape: [468, 3], data: embedding.bary },
  { name: 'landmarkMirror', dtype: 'uint32', shape: [468], data: topo.mirror },
  { name: 'landmarkCanonical', dtype: 'float32', shape: [468, 3], data: faceLandmarks.flat() },
  {
    name: 'shapeBasis',
    dtype: 'float32',
    shape: [shape.length, V, 3],
    data: shape.flatMap((c) => c.offsets.flat()),
  },
];
let offset = 0;
const parts: Buffer[] = [];
const layout = blocks.map((b) => {
  const typed = b.dtype === 'float32' ? Float32Array.from(b.data) : Uint32Array.from(b.data);
  const buf = Buffer.from(typed.buffer);
  parts.push(buf);
  const entry = { name: b.name, dtype: b.dtype, shape: b.shape, byteOffset: offset, byteLength: buf.length };
  offset += buf.length;
  return entry;
});
const bin = Buffer.concat(parts);
const description = {
  format: 'gen3dface-head-model',
  version: 1,
  name: 'Gen3D-Face built-in head',
  license: 'CC0-1.0',
  units: 'metres; +Y up; face looks +Z; origin at the head centre',
  counts: {
    vertices: V,
    quads: mesh.quads.length,
    triangles: atlas.triangles.length / 3,
    uvVertices: atlas.uvVertexToVertex.length,
  },
  regions: ATLAS_REGIONS.map((r) => ({ name: r.name, rect: r.rect })),
  shapeComponents: shape.map((c) => ({ name: c.name, description: c.description })),
  namedLandmarks: NAMED_LANDMARKS,
  landmarkMeanDistanceM: embedding.meanDistance,
  binary: { file: 'head-model.bin', blocks: layout },
};
mkdirSync(outDir, { recursive: true });
const json = JSON.stringify(description, null, 1) + '\n';
writeFileSync(`${outDir}head-model.json`, json);
writeFileSync(`${outDir}head-model.bin`, bin);
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
writeFileSync(
  `${outDir}manifest.json`,
  JSON.stringify(
    {
      id: 'builtin-head-model',
      version: '1.0.0',
      kind: 'head-model',
      license: 'CC0-1.0',
      files: [
        { path: 'head-model.json', bytes: Buffer.byteLength(json), sha256: sha(json) },
        { path: 'head-model.bin', bytes: bin.length, sha256: sha(bin) },
      ],
    },
    null,
    2,
  ) + '\n',
);
console.log(
  `head model: ${V} vertices, ${mesh.quads.length} quads, ${shape.length} shape components, landmark embed mean ${(embedding.meanDistance * 1000).toFixed(2)} mm, ${(bin.length / 1024).toFixed(0)} KiB`,
);
console.log(`detail max ${Math.max(...offsets).toFixed(4)} head half width ${HEAD.halfWidth}`);
