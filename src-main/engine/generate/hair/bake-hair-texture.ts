/**
 * The hair's texture from the photo's own hair. Texels the photo sees (facing the camera, on the
 * photo's hair or headwear mask) take the projected photo; the rest are synthesised:
 *
 * - detail: patch-based synthesis — square patches cut at random from the largest all-hair square of
 *   the photo (turned so its strands run vertically), laid over the atlas with feathered overlaps,
 *   stretched along v, which is the strand direction of the shell's lat-long UVs (crown → ends);
 * - colour: the seen texels' colours spread over the atlas by normalised convolution, so the
 *   synthesised hair takes the colour of the visible hair around it (the median far from any); only
 *   the patches' high frequencies are added on top, which keeps projected and synthesised parts from
 *   meeting in a seam.
 * Headwear (above the cap's lower edge) takes its patches from the headwear instead.
 */
import sharp from 'sharp';
import type { PinholeCamera } from '../../geometry/camera';
import { bakeProjectedTexture } from '../../native/native-addon';
import { toNativeCamera } from '../prior-projection/native-camera';
import { atlasTriangleIds } from '../prior-projection/photo-projection';
import { OUTER_V, type HairMeshGeometry } from './build-hair-mesh';

export interface HairTextureInput {
  photo: { data: Uint8Array; width: number; height: number };
  /** 0/1 per photo pixel. */
  hairMask: Uint8Array;
  headwearMask: Uint8Array;
  camera: PinholeCamera;
  mesh: HairMeshGeometry & { normals: Float32Array };
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
}

const MIN_EXEMPLAR = 6;
const DEG = Math.PI / 180;
/**
 * The shell's lat-long atlas packs ~5× more texels per millimetre along v (down the hair) than along
 * u (around the head): patches and strands are stretched by as much along v to look right in 3D.
 */
const V_STRETCH = 5;

export async function bakeHairTexture(input: HairTextureInput): Promise<HairTexture> {
  const { photo, size, mesh } = input;
  const n = photo.width * photo.height;
  const both = new Uint8Array(n);
  for (let p = 0; p < n; p++) both[p] = input.hairMask[p] || input.headwearMask[p] ? 255 : 0;
  // Off the mask's edge: boundary pixels mix hair with forehead, ears and background.
  const eroded = erode(both, photo.width, photo.height, 3);
  const distance = Math.max(0.05, Math.hypot(input.camera.t[0]!, input.camera.t[1]!, input.camera.t[2]!));
  const baked = await bakeProjectedTexture({
    positions: mesh.positions,
    normals: mesh.normals,
    uvs: mesh.uvs,
    indices: mesh.indices,
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

  // Headwear texels (above the cap's lower edge) and hair texels take colour and detail each from their own.
  const capTexel =
    input.headwearAboveY !== null ? await headwearTexels(mesh, size, input.headwearAboveY) : null;
  const hairColour = await spreadSeenColour(
    baked.atlas.data,
    seen,
    size,
    input.fallbackRgb,
    (p) => !capTexel?.[p],
  );
  const capColour = capTexel
    ? await spreadSeenColour(baked.atlas.data, seen, size, input.fallbackRgb, (p) => capTexel[p] === 1)
    : null;

  // Detail: patches of the photo's hair (and headwear), high-passed.
  const hairExemplar = exemplarSquare(photo, input.hairMask);
  const capExemplar = capTexel ? exemplarSquare(photo, input.headwearMask) : null;
  const hairDetail = await patchDetail(hairExemplar, size, input.seed ?? 1);
  // Drawn at half size and enlarged: strands two texels wide, a quarter of the cost.
  const strands = enlarge2x(strandNoise(size / 2, (input.seed ?? 1) + 3, input.parting), size / 2);
  const strandContrast = exemplarContrast(hairExemplar);
  const capDetail = capExemplar ? await patchDetail(capExemplar, size, (input.seed ?? 1) + 7) : null;

  const out = new Uint8Array(size * size * 4);
  for (let p = 0; p < size * size; p++) {
    const w = seen[p]!;
    const onCap = capTexel?.[p] === 1 && capColour !== null;
    const colour = onCap ? capColour : hairColour;
    const detail = onCap ? capDetail : hairDetail;
    // A cap's badge and braid would repeat as noise: headwear takes only a little of its detail.
    const gain = onCap ? 0.2 : 0.3;
    // Strands along v, as contrasty as the photo's hair: a relative change, so the hue is kept.
    const strand = onCap ? 0 : strands[p]! * strandContrast;
    for (let k = 0; k < 3; k++) {
      const base = colour[p * 3 + k]!;
      const synth = base * (1 + strand) + (detail ? gain * detail[p * 3 + k]! : 0);
      out[p * 4 + k] = clamp255(w * baked.atlas.data[p * 4 + k]! + (1 - w) * synth);
    }
    out[p * 4 + 3] = 255;
  }
  const png = await sharp(out, { raw: { width: size, height: size, channels: 4 } })
    .removeAlpha()
    .png({ compressionLevel: 6 })
    .toBuffer();
  return { png, seenShare: seenCount / (size * size), exemplarSide: hairExemplar?.side ?? 0 };
}

interface Exemplar {
  /** RGB, side × side, strands running vertically. */
  rgb: Float32Array;
  side: number;
}

/**
 * The largest square fully inside the mask (dynamic programming on the eroded mask), its strands
 * turned vertical: when the structure tensor says the texture's edges run mostly vertically (strands
 * horizontal), the square is transposed.
 */
function exemplarSquare(photo: HairTextureInput['photo'], mask: Uint8Array): Exemplar | null {
  const { width, height, data } = photo;
  const inside = erode(
    Uint8Array.from(mask, (m) => (m ? 255 : 0)),
    width,
    height,
    1,
  );
  const run = new Int32Array(width * height);
  let best = 0,
    bx = 0,
    by = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!inside[p]) continue;
      const v = x > 0 && y > 0 ? 1 + Math.min(run[p - 1]!, run[p - width]!, run[p - width - 1]!) : 1;
      run[p] = v;
      if (v > best) {
        best = v;
        bx = x;
        by = y;
      }
    }
  }
  const side = Math.min(best, 96);
  if (side < MIN_EXEMPLAR) return null;
  const x0 = bx - side + 1,
    y0 = by - side + 1;
  const rgb = new Float32Array(side * side * 3);
  let gxx = 0,
    gyy = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const p = (y0 + y) * width + x0 + x;
      for (let k = 0; k < 3; k++) rgb[(y * side + x) * 3 + k] = data[p * 4 + k]!;
      if (x > 0 && y > 0) {
        const l = (q: number) => data[q * 4]! + data[q * 4 + 1]! + data[q * 4 + 2]!;
        gxx += (l(p) - l(p - 1)) ** 2;
        gyy += (l(p) - l(p - width)) ** 2;
      }
    }
  }
  if (gyy > gxx) {
    // Strands horizontal (brightness changes most from row to row): transpose.
    const t = new Float32Array(rgb.length);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++)
        for (let k = 0; k < 3; k++) t[(x * side + y) * 3 + k] = rgb[(y * side + x) * 3 + k]!;
    return { rgb: t, side };
  }
  return { rgb, side };
}

/**
 * The seen texels' colour spread over the atlas (those where `take` holds): a normalised convolution
 * (blur of colour × seen over blur of seen, σ = size/24), so each unseen texel gets the colour of the
 * visible hair around it; far from any, it fades to the median seen colour.
 */
async function spreadSeenColour(
  rgba: Uint8Array,
  seen: Float32Array,
  size: number,
  fallback: [number, number, number],
  take: (p: number) => boolean,
): Promise<Float32Array> {
  const n = size * size;
  const weighted = new Uint8Array(n * 3);
  const weight = new Uint8Array(n);
  const samples: number[][] = [[], [], []];
  for (let p = 0; p < n; p++) {
    const w = take(p) ? seen[p]! : 0;
    weight[p] = Math.round(w * 255);
    for (let k = 0; k < 3; k++) weighted[p * 3 + k] = Math.round(w * rgba[p * 4 + k]!);
    if (w > 0.5 && (p & 7) === 0) for (let k = 0; k < 3; k++) samples[k]!.push(rgba[p * 4 + k]!);
  }
  const median = samples.map((v, k) =>
    v.length > 0 ? v.sort((a, b) => a - b)[v.length >> 1]! : fallback[k]!,
  );
  const sigma = size / 24;
  const blur = async (data: Uint8Array, channels: 1 | 3) => {
    const out = await sharp(data, { raw: { width: size, height: size, channels } })
      .blur(sigma)
      .raw()
      .toBuffer();
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  };
  const [bc, bw] = await Promise.all([blur(weighted, 3), blur(weight, 1)]);
  const out = new Float32Array(n * 3);
  for (let p = 0; p < n; p++) {
    const w = bw[p]! / 255;
    const near = smoothstep(0.01, 0.12, w);
    for (let k = 0; k < 3; k++) {
      const local = w > 0 ? bc[p * 3 + k]! / 255 / w : 0;
      out[p * 3 + k] = near * Math.min(255, local * 255) + (1 - near) * median[k]!;
    }
  }
  joinSeam(out, size, 3);
  return out;
}

/** Zero-mean detail (RGB floats per texel) quilted from random patches of the exemplar. */
async function patchDetail(
  exemplar: Exemplar | null,
  size: number,
  seed: number,
): Promise<Float32Array | null> {
  if (!exemplar) return null;
  const { side, rgb } = exemplar;
  // Patches a bit under the exemplar's side, stretched along v like the atlas itself.
  const patch = Math.max(4, Math.floor(side * 0.75));
  const stretchV = V_STRETCH;
  const strideU = Math.max(2, Math.floor(patch * 0.6));
  const strideV = Math.max(2, Math.floor(patch * stretchV * 0.6));
  const sum = new Float32Array(size * size * 3);
  const weight = new Float32Array(size * size);
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  for (let ty = -strideV; ty < size; ty += strideV) {
    for (let tx = -strideU; tx < size; tx += strideU) {
      const ox = Math.floor(random() * (side - patch + 1));
      const oy = Math.floor(random() * (side - patch + 1));
      const flip = random() < 0.5;
      const jitterX = Math.floor(random() * strideU * 0.5);
      const jitterY = Math.floor(random() * strideV * 0.5);
      const h = patch * stretchV;
      for (let y = 0; y < h; y++) {
        const py = ty + jitterY + y;
        if (py < 0 || py >= size) continue;
        const wy = 1 - Math.abs((2 * (y + 0.5)) / h - 1);
        const sy = oy + Math.floor(y / stretchV);
        for (let x = 0; x < patch; x++) {
          const px = tx + jitterX + x;
          if (px < 0 || px >= size) continue;
          const w = wy * (1 - Math.abs((2 * (x + 0.5)) / patch - 1)) + 1e-4;
          const sx = ox + (flip ? patch - 1 - x : x);
          const s = (sy * side + sx) * 3;
          const t = py * size + px;
          for (let k = 0; k < 3; k++) sum[t * 3 + k]! += w * rgb[s + k]!;
          weight[t]! += w;
        }
      }
    }
  }
  const quilt = new Uint8Array(size * size * 4);
  for (let t = 0; t < size * size; t++) {
    for (let k = 0; k < 3; k++) quilt[t * 4 + k] = clamp255(sum[t * 3 + k]! / Math.max(weight[t]!, 1e-6));
    quilt[t * 4 + 3] = 255;
  }
  // High-pass at the patch scale: the colour comes from the seen texels, only the strands from here.
  const low = await blurRgba(quilt, size, Math.max(2, patch / 2));
  const detail = new Float32Array(size * size * 3);
  for (let t = 0; t < size * size; t++)
    for (let k = 0; k < 3; k++) detail[t * 3 + k] = quilt[t * 4 + k]! - low[t * 4 + k]!;
  return detail;
}

/**
 * Strand noise: white noise smeared along the strand direction over ~60 texels (2 cm at half size) and barely
 * across, normalised to unit standard deviation — thin light and dark strands. The direction is +v
 * (crown → ends), tilted on top of the head away from the parting line (`parting`, as in the style:
 * −1..1 → the line at −50°..50° azimuth), so the hair is combed from the parting down.
 */
function strandNoise(size: number, seed: number, parting: number): Float32Array {
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
  // Tilt (texels of u per texel of v) per texel: on the front half of the top, away from the parting.
  const partingTheta = parting * 50 * DEG;
  const shear = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const along = (y + 0.5) / size / OUTER_V[1];
    const top = along < 1 ? 1 - smoothstep(0.15, 0.55, along) : 0;
    if (top === 0) continue;
    for (let x = 0; x < size; x++) {
      const theta = ((x + 0.5) / size) * 2 * Math.PI - Math.PI;
      const front = smoothstep(120 * DEG, 60 * DEG, Math.abs(theta));
      shear[y * size + x] = 0.25 * Math.tanh((theta - partingTheta) / (10 * DEG)) * top * front;
    }
  }
  let a: Float32Array = new Float32Array(size * size);
  for (let p = 0; p < a.length; p++) a[p] = random();
  const smear = (src: Float32Array, half: number): Float32Array => {
    const out = new Float32Array(src.length);
    // Straight down v: running sums per column.
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let y = -half; y <= half; y++) sum += src[Math.min(size - 1, Math.max(0, y)) * size + x]!;
      for (let y = 0; y < size; y++) {
        out[y * size + x] = sum / (2 * half + 1);
        sum += src[Math.min(size - 1, y + half + 1) * size + x]! - src[Math.max(0, y - half) * size + x]!;
      }
    }
    // Tilted where the parting combs the hair sideways: along the slanted line instead.
    for (let p = 0; p < out.length; p++) {
      const k = shear[p]!;
      if (Math.abs(k) < 0.01) continue;
      const x = p % size,
        y = (p - x) / size;
      let sum = 0;
      for (let d = -half; d <= half; d++) {
        const yy = y + d < 0 ? 0 : y + d >= size ? size - 1 : y + d;
        let xx = x + Math.floor(k * d + 0.5);
        if (xx < 0) xx += size;
        else if (xx >= size) xx -= size;
        sum += src[yy * size + xx]!;
      }
      out[p] = sum / (2 * half + 1);
    }
    return out;
  };
  a = smear(smear(a, 20), 20);
  const out = new Float32Array(a.length);
  let s2 = 0;
  for (let p = 0; p < a.length; p++) {
    // A touch of blur across u: strands a texel or two wide.
    const x = p % size;
    const v = (a[p]! * 2 + a[x > 0 ? p - 1 : p]! + a[x < size - 1 ? p + 1 : p]!) / 4;
    out[p] = v;
    s2 += v * v;
  }
  const sd = Math.sqrt(s2 / a.length) || 1;
  for (let p = 0; p < out.length; p++) out[p] = out[p]! / sd;
  return out;
}

/** Bilinear 2× enlargement of a square float image (u wraps around the seam, v is clamped). */
function enlarge2x(src: Float32Array, side: number): Float32Array {
  const size = side * 2;
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    const fy = Math.min(side - 1, Math.max(0, (y - 0.5) / 2));
    const y0 = Math.floor(fy),
      y1 = Math.min(side - 1, y0 + 1),
      ty = fy - y0;
    for (let x = 0; x < size; x++) {
      const fx = (x - 0.5) / 2;
      const x0 = (Math.floor(fx) + side) % side,
        x1 = (x0 + 1) % side,
        tx = fx - Math.floor(fx);
      const top = src[y0 * side + x0]! * (1 - tx) + src[y0 * side + x1]! * tx;
      const bottom = src[y1 * side + x0]! * (1 - tx) + src[y1 * side + x1]! * tx;
      out[y * size + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/** Relative luminance contrast (σ / mean) of the exemplar's fine detail; a modest default without one. */
function exemplarContrast(exemplar: Exemplar | null): number {
  if (!exemplar) return 0.12;
  const { rgb, side } = exemplar;
  let s = 0,
    s2 = 0,
    n = 0;
  for (let y = 0; y < side; y++) {
    for (let x = 1; x < side; x++) {
      const l = (i: number) => rgb[i * 3]! + rgb[i * 3 + 1]! + rgb[i * 3 + 2]!;
      // Neighbour differences: the fine scale only, not the shading across the square.
      const d = l(y * side + x) - l(y * side + x - 1);
      s += l(y * side + x);
      s2 += d * d;
      n++;
    }
  }
  const mean = s / Math.max(1, n);
  return Math.min(0.35, Math.max(0.05, Math.sqrt(s2 / Math.max(1, n) / 2) / Math.max(mean, 1)));
}

/** 1 per texel whose triangle lies (on average) above the headwear's lower edge. */
async function headwearTexels(mesh: HairMeshGeometry, size: number, aboveY: number): Promise<Uint8Array> {
  const ids = await atlasTriangleIds(mesh.uvs, mesh.indices, size);
  const triangleAbove = new Uint8Array(mesh.indices.length / 3);
  for (let t = 0; t < triangleAbove.length; t++) {
    let y = 0;
    for (let k = 0; k < 3; k++) y += mesh.positions[mesh.indices[t * 3 + k]! * 3 + 1]!;
    triangleAbove[t] = y / 3 > aboveY ? 1 : 0;
  }
  const out = new Uint8Array(ids.length);
  for (let p = 0; p < ids.length; p++) out[p] = ids[p]! >= 0 ? triangleAbove[ids[p]!]! : 0;
  return out;
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

async function blurRgba(data: Uint8Array, size: number, sigma: number): Promise<Uint8Array> {
  const out = await sharp(data, { raw: { width: size, height: size, channels: 4 } })
    .blur(Math.max(0.3, sigma))
    .raw()
    .toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.length);
}

function erode(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let keep = mask[y * width + x]! > 0;
      for (let dy = -radius; keep && dy <= radius; dy++) {
        for (let dx = -radius; keep && dx <= radius; dx++) {
          const xx = x + dx,
            yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height || !mask[yy * width + xx]) keep = false;
        }
      }
      out[y * width + x] = keep ? 255 : 0;
    }
  }
  return out;
}

function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}

function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}
