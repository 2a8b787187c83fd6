/**
 * Keeps the volume net's frustums on the GPU between the volume net and the UNet (WebGPU): the UNet
 * batch needs the V views' frustums rearranged, with zero elements for input elements and the
 * unconditional half — done on the device by a tiny ONNX graph made here, per frustum i:
 *   out_i = Gather(Concat(frustum_i, 0 · frustum_i[0:1]), index)   (index = view, or V for a zero row)
 * so the frustums never come back to the CPU (onnxruntime-node 1.30 aborts on getData() of a
 * gpu-buffer tensor anyway). The graph is written as ONNX protobuf by the small encoder below.
 */

// --- protobuf wire format (only what a ModelProto needs) ----------------------------------------

function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

const utf8 = new TextEncoder();

function field(no: number, wire: number): number[] {
  return varint((no << 3) | wire);
}
function vint(no: number, value: number | bigint): number[] {
  return [...field(no, 0), ...varint(value)];
}
function bytes(no: number, data: ArrayLike<number>): number[] {
  return [...field(no, 2), ...varint(data.length), ...Array.from(data)];
}
function str(no: number, s: string): number[] {
  return bytes(no, utf8.encode(s));
}

const FLOAT = 1;
const INT64 = 7;

function tensorProto(name: string, dataType: number, dims: number[], raw: Uint8Array): number[] {
  return [...dims.flatMap((d) => vint(1, d)), ...vint(2, dataType), ...str(8, name), ...bytes(9, raw)];
}

function int64Tensor(name: string, values: number[]): number[] {
  const raw = new Uint8Array(new BigInt64Array(values.map((v) => BigInt(v))).buffer);
  return tensorProto(name, INT64, [values.length], raw);
}

function floatScalar(name: string, value: number): number[] {
  return tensorProto(name, FLOAT, [], new Uint8Array(new Float32Array([value]).buffer));
}

function node(op: string, inputs: string[], outputs: string[], attrs: number[][] = []): number[] {
  return [
    ...inputs.flatMap((i) => str(1, i)),
    ...outputs.flatMap((o) => str(2, o)),
    ...str(3, `${op}_${outputs[0]}`),
    ...str(4, op),
    ...attrs.flatMap((a) => bytes(5, a)),
  ];
}

function intAttr(name: string, value: number): number[] {
  return [...str(1, name), ...vint(3, value), ...vint(20, 2)];
}

/** ValueInfo of a tensor whose dims are all symbolic (dim_param) or fixed numbers. */
function valueInfo(name: string, elemType: number, dims: (number | string)[]): number[] {
  const dimMsgs = dims.map((d) => bytes(1, typeof d === 'number' ? vint(1, d) : str(2, d)));
  const shape = dimMsgs.flatMap((m) => m);
  const tensorType = [...vint(1, elemType), ...bytes(2, shape)];
  return [...str(1, name), ...bytes(2, bytes(1, tensorType))];
}

/**
 * The assembly graph for `count` frustums of the given ranks (5 for [V, C, D, h, w]): inputs
 * frustum_0…, `index` int64 [B]; outputs assembled_0… [B, …].
 */
export function frustumAssemblyModel(ranks: readonly number[]): Uint8Array {
  const nodes: number[][] = [];
  const inputs: number[][] = [];
  const outputs: number[][] = [];
  const inits: number[][] = [
    int64Tensor('zero_i64', [0]),
    int64Tensor('one_i64', [1]),
    floatScalar('zero_f32', 0),
  ];
  ranks.forEach((rank, i) => {
    const dims = Array.from({ length: rank }, (_, k) => `f${i}_d${k}`);
    inputs.push(valueInfo(`frustum_${i}`, FLOAT, dims));
    nodes.push(node('Slice', [`frustum_${i}`, 'zero_i64', 'one_i64', 'zero_i64'], [`first_${i}`]));
    nodes.push(node('Mul', [`first_${i}`, 'zero_f32'], [`zero_row_${i}`]));
    nodes.push(node('Concat', [`frustum_${i}`, `zero_row_${i}`], [`padded_${i}`], [intAttr('axis', 0)]));
    nodes.push(node('Gather', [`padded_${i}`, 'index'], [`assembled_${i}`], [intAttr('axis', 0)]));
    outputs.push(valueInfo(`assembled_${i}`, FLOAT, ['B', ...dims.slice(1)]));
  });
  inputs.push(valueInfo('index', INT64, ['B']));
  const graph = [
    ...nodes.flatMap((n) => bytes(1, n)),
    ...str(2, 'frustum_assembly'),
    ...inits.flatMap((t) => bytes(5, t)),
    ...inputs.flatMap((v) => bytes(11, v)),
    ...outputs.flatMap((v) => bytes(12, v)),
  ];
  const model = [
    ...vint(1, 8),
    ...str(2, 'gen3dface-engine'),
    ...bytes(7, graph),
    ...bytes(8, [...str(1, ''), ...vint(2, 17)]),
  ];
  return Uint8Array.from(model);
}

/**
 * Row of the padded frustum (view index, or `views` for the zero row) of every element of a batch of
 * units, in the layout of assembleUnetFeeds.
 */
export function assemblyIndex(
  units: readonly { views: readonly number[]; half: 'cond' | 'uncond' }[],
  inputElement: boolean,
  views: number,
): BigInt64Array {
  const rows: number[] = [];
  for (const unit of units) {
    for (const v of unit.views) rows.push(unit.half === 'cond' ? v : views);
    if (inputElement) rows.push(views);
  }
  return BigInt64Array.from(rows.map((r) => BigInt(r)));
}
