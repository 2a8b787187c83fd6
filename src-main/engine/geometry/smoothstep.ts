/** 0 at or below `e0`, 1 at or above `e1`, a smooth (Hermite) ease between: every soft threshold. */
export function smoothstep(e0: number, e1: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
}
