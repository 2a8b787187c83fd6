/**
 * MediaPipe face-mesh topology read from @vladmandic/human's source (MIT; the data is Google's
 * MediaPipe face mesh, Apache-2.0): the canonical UV layout (UV468), its triangulation (TRI468) and
 * the face-oval silhouette. Parsed as text so the generator needs no TypeScript from node_modules.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface MediapipeTopology {
  uv: [number, number][];
  triangles: number[];
  silhouette: number[];
  /** landmark index → index of its left/right mirror (self on the midline). */
  mirror: number[];
}

/** The JSON array literal after `marker` (trailing commas removed). */
function arrayAfter(text: string, marker: string): unknown {
  const start = text.indexOf(marker);
  if (start < 0) throw new Error(`${marker} not found in Human's facemeshcoords.ts`);
  const open = start + marker.length;
  if (text[open] !== '[') throw new Error(`no array literal after ${marker}`);
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']' && --depth === 0)
      return JSON.parse(text.slice(open, i + 1).replace(/,\s*\]/g, ']'));
  }
  throw new Error(`unterminated array after ${marker}`);
}

export function loadMediapipeTopology(): MediapipeTopology {
  const file = fileURLToPath(
    new URL('../../node_modules/@vladmandic/human/src/face/facemeshcoords.ts', import.meta.url),
  );
  const text = readFileSync(file, 'utf8');
  const uv = arrayAfter(text, 'export const UV468: [number, number][] = ') as [number, number][];
  const triangles = arrayAfter(text, 'export const TRI468: number[] = ') as number[];
  const silhouette = arrayAfter(text, 'silhouette: ') as number[];
  if (uv.length !== 468 || triangles.length % 3 !== 0) throw new Error('unexpected MediaPipe topology');
  // The canonical UV layout is left/right symmetric about u = 0.5: pair each point with the nearest
  // point of its reflection.
  const mirror = uv.map(([u, v]) => {
    let best = 0;
    let bestD = Infinity;
    uv.forEach(([u2, v2], j) => {
      const d = (1 - u - u2) ** 2 + (v - v2) ** 2;
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    });
    return best;
  });
  mirror.forEach((j, i) => {
    if (mirror[j] !== i) throw new Error(`landmark mirror map is not an involution at ${i}`);
  });
  return { uv, triangles, silhouette, mirror };
}
