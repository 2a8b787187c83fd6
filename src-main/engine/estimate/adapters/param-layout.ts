/** Slicing a network's flat parameter vector by the named layout its manifest declares. */
export type ParamLayout = { name: string; size: number }[];

export function splitParams(values: Float32Array, layout: ParamLayout): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  let start = 0;
  for (const { name, size } of layout) {
    out[name] = values.subarray(start, start + size);
    start += size;
  }
  if (start !== values.length) throw new Error(`parameter layout covers ${start} of ${values.length} values`);
  for (const [name, v] of Object.entries(out)) {
    if (!v.every(Number.isFinite)) throw new Error(`the network produced non-finite ${name} parameters`);
  }
  return out;
}
