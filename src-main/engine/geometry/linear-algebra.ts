/**
 * Small dense linear algebra, one copy for the built-in landmark fit, the estimator adapters and the
 * head-model scripts: systems of a few dozen unknowns, 3×3 inverses, 2-D and 3-D similarity fits.
 */

/** A row-major 3×3 matrix read as nine numbers. */
type Mat3 = [number, number, number, number, number, number, number, number, number];

/** Solves A x = b (n×n row-major, copied) by Gaussian elimination with partial pivoting. */
export function solveDense(aIn: Float64Array, bIn: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(aIn);
  const b = Float64Array.from(bIn);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[piv * n + c]!)) piv = r;
    if (piv !== c) {
      for (let k = 0; k < n; k++) {
        const tmp = a[c * n + k]!;
        a[c * n + k] = a[piv * n + k]!;
        a[piv * n + k] = tmp;
      }
      const tb = b[c]!;
      b[c] = b[piv]!;
      b[piv] = tb;
    }
    const d = a[c * n + c]!;
    if (Math.abs(d) < 1e-300) continue;
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / d;
      if (f === 0) continue;
      for (let k = c; k < n; k++) a[r * n + k] = a[r * n + k]! - f * a[c * n + k]!;
      b[r] = b[r]! - f * b[c]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    const d = a[r * n + r]!;
    x[r] = Math.abs(d) < 1e-300 ? 0 : s / d;
  }
  return x;
}

/** Eigenvector of the largest eigenvalue of a symmetric 4×4 matrix (cyclic Jacobi). */
function topEigenvector4(m: number[]): number[] {
  const a = m.slice();
  const v = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 30; sweep++) {
    let off = 0;
    for (let p = 0; p < 4; p++) for (let q = p + 1; q < 4; q++) off += a[p * 4 + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < 4; p++) {
      for (let q = p + 1; q < 4; q++) {
        const apq = a[p * 4 + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * 4 + q]! - a[p * 4 + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < 4; k++) {
          const akp = a[k * 4 + p]!;
          const akq = a[k * 4 + q]!;
          a[k * 4 + p] = c * akp - s * akq;
          a[k * 4 + q] = s * akp + c * akq;
        }
        for (let k = 0; k < 4; k++) {
          const apk = a[p * 4 + k]!;
          const aqk = a[q * 4 + k]!;
          a[p * 4 + k] = c * apk - s * aqk;
          a[q * 4 + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < 4; k++) {
          const vkp = v[k * 4 + p]!;
          const vkq = v[k * 4 + q]!;
          v[k * 4 + p] = c * vkp - s * vkq;
          v[k * 4 + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  let best = 0;
  for (let k = 1; k < 4; k++) if (a[k * 5]! > a[best * 5]!) best = k;
  return [0, 1, 2, 3].map((k) => v[k * 4 + best]!);
}

/**
 * Similarity (s, R, t) minimising Σ w‖s·R·x + t − y‖² (Horn's quaternion method); R row-major.
 * x, y: n×3 packed.
 */
export function similarityProcrustes(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
): { s: number; R: number[]; t: number[] } {
  const n = w.length;
  let W = 0;
  const mx = [0, 0, 0];
  const my = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    W += w[i]!;
    for (let a = 0; a < 3; a++) {
      mx[a] = mx[a]! + w[i]! * x[i * 3 + a]!;
      my[a] = my[a]! + w[i]! * y[i * 3 + a]!;
    }
  }
  for (let a = 0; a < 3; a++) {
    mx[a] = mx[a]! / W;
    my[a] = my[a]! / W;
  }
  const S = new Array<number>(9).fill(0);
  let xx = 0;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 3; a++) {
      const xa = x[i * 3 + a]! - mx[a]!;
      xx += w[i]! * xa * xa;
      for (let b = 0; b < 3; b++) S[a * 3 + b] = S[a * 3 + b]! + w[i]! * xa * (y[i * 3 + b]! - my[b]!);
    }
  }
  const [Sxx, Sxy, Sxz, Syx, Syy, Syz, Szx, Szy, Szz] = S as Mat3;
  const N = [
    Sxx + Syy + Szz,
    Syz - Szy,
    Szx - Sxz,
    Sxy - Syx,
    Syz - Szy,
    Sxx - Syy - Szz,
    Sxy + Syx,
    Szx + Sxz,
    Szx - Sxz,
    Sxy + Syx,
    -Sxx + Syy - Szz,
    Syz + Szy,
    Sxy - Syx,
    Szx + Sxz,
    Syz + Szy,
    -Sxx - Syy + Szz,
  ];
  const [q0, q1, q2, q3] = topEigenvector4(N) as [number, number, number, number];
  const R = [
    q0 * q0 + q1 * q1 - q2 * q2 - q3 * q3,
    2 * (q1 * q2 - q0 * q3),
    2 * (q1 * q3 + q0 * q2),
    2 * (q1 * q2 + q0 * q3),
    q0 * q0 - q1 * q1 + q2 * q2 - q3 * q3,
    2 * (q2 * q3 - q0 * q1),
    2 * (q1 * q3 - q0 * q2),
    2 * (q2 * q3 + q0 * q1),
    q0 * q0 - q1 * q1 - q2 * q2 + q3 * q3,
  ];
  let num = 0;
  for (let i = 0; i < n; i++) {
    const xa = [0, 1, 2].map((a) => x[i * 3 + a]! - mx[a]!);
    for (let b = 0; b < 3; b++) {
      const rx = R[b * 3]! * xa[0]! + R[b * 3 + 1]! * xa[1]! + R[b * 3 + 2]! * xa[2]!;
      num += w[i]! * rx * (y[i * 3 + b]! - my[b]!);
    }
  }
  const s = num / xx;
  const t = [0, 1, 2].map(
    (b) => my[b]! - s * (R[b * 3]! * mx[0]! + R[b * 3 + 1]! * mx[1]! + R[b * 3 + 2]! * mx[2]!),
  );
  return { s, R, t };
}

/** Points (n×3 packed) moved by a similarity: s·R·x + t, R row-major. */
export function applySimilarity(
  points: ArrayLike<number>,
  { s, R, t }: { s: number; R: number[]; t: number[] },
): Float32Array {
  const out = new Float32Array(points.length);
  for (let v = 0; v < points.length / 3; v++) {
    const x = points[v * 3]!;
    const y = points[v * 3 + 1]!;
    const z = points[v * 3 + 2]!;
    for (let r = 0; r < 3; r++)
      out[v * 3 + r] = s * (R[r * 3]! * x + R[r * 3 + 1]! * y + R[r * 3 + 2]! * z) + t[r]!;
  }
  return out;
}

/**
 * Solves the symmetric positive definite A X = B in place (Cholesky); A n×n row-major, B columns.
 * A pivot that is not positive is clamped to a tiny one (`'clamp'`: nearly singular normal
 * equations still give an answer) or refused (`'throw'`: the caller's matrix must be SPD).
 */
export function solveSpdInPlace(
  a: Float64Array,
  columns: Float64Array[],
  n: number,
  notPositive: 'clamp' | 'throw' = 'clamp',
): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    if (notPositive === 'throw' && d <= 0) throw new Error('matrix not positive definite');
    const ljj = Math.sqrt(notPositive === 'throw' ? d : Math.max(d, 1e-18));
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / ljj;
    }
  }
  for (const b of columns) {
    for (let i = 0; i < n; i++) {
      let s = b[i]!;
      for (let k = 0; k < i; k++) s -= a[i * n + k]! * b[k]!;
      b[i] = s / a[i * n + i]!;
    }
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i]!;
      for (let k = i + 1; k < n; k++) s -= a[k * n + i]! * b[k]!;
      b[i] = s / a[i * n + i]!;
    }
  }
}

/** Inverse of a row-major 3×3 matrix (cofactors); throws when it is (nearly) singular. */
export function invert3(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as Mat3;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-30) throw new Error('degenerate model landmarks');
  return [
    A,
    -(b * i - c * h),
    b * f - c * e,
    B,
    a * i - c * g,
    -(a * f - c * d),
    C,
    -(a * h - b * g),
    a * e - b * d,
  ].map((v) => v / det);
}

type Pt = readonly [number, number];

/**
 * Least-squares 2-D similarity (rotation, uniform scale, translation; no reflection) taking `from`
 * onto `to`, as skimage's SimilarityTransform.estimate. Row-major 2×3.
 */
export function similarityTransform2d(from: readonly Pt[], to: readonly Pt[]): number[] {
  const n = from.length;
  const mean = (pts: readonly Pt[]): [number, number] => [
    pts.reduce((s, p) => s + p[0], 0) / n,
    pts.reduce((s, p) => s + p[1], 0) / n,
  ];
  const [fx, fy] = mean(from);
  const [tx, ty] = mean(to);
  let dot = 0;
  let cross = 0;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[i]![0] - fx;
    const py = from[i]![1] - fy;
    const qx = to[i]![0] - tx;
    const qy = to[i]![1] - ty;
    dot += px * qx + py * qy;
    cross += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm <= 0) throw new Error('degenerate alignment points');
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

/** Inverse of a 2×3 similarity from `similarityTransform2d`. */
export function invertSimilarity2d(m: number[]): number[] {
  const [a, , c, b, , f] = m as [number, number, number, number, number, number];
  const det = a * a + b * b;
  const ia = a / det;
  const ib = -b / det;
  // inverse of [[a, −b], [b, a]] is [[ia, −ib], [ib, ia]]
  return [ia, -ib, -(ia * c - ib * f), ib, ia, -(ib * c + ia * f)];
}
