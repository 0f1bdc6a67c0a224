/**
 * PP-OCRv4's models, rewritten into fewer operators that compute the same function. Both graphs came
 * out of paddle2onnx (the recognizer at opset 9, the detector at 11), which spells out the PP-LCNetV3
 * backbone op by op: after each convolution a learnable affine block (a scalar Mul and Add), then
 * hard-swish as Add(3) → Clip(0, 6) → Mul(x) → Div(6), then another affine block. onnxruntime fuses
 * none of them (the scalars are not per-channel, and these opsets have no HardSwish), so every
 * convolution's output went through eight element-wise passes and back out of the convolutions'
 * blocked layout. Here:
 *
 * - an affine block right after a convolution is folded into its weights and bias (exact algebra);
 * - hard-swish becomes HardSigmoid(x; 1/6, ½) × x (opset 6);
 * - an affine block right before a 1×1 convolution without padding is folded into that
 *   convolution (each output reads one input pixel, so the shift is a per-channel bias).
 *
 * The outputs differ from the original graphs' only by float rounding (about 1e-6; the test reads
 * receipts with both), and a page costs about a fifth less CPU in the models (`bench/ocrModels.ts`).
 */
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

/** What one rewrite changed, for the log and the tests. */
export interface FusionReport {
  /** Affine blocks folded into the convolution before them. */
  foldedAfterConv: number;
  /** Hard-swish chains replaced by HardSigmoid × x. */
  hardSwish: number;
  /** Affine blocks folded into the 1×1 convolution after them. */
  foldedIntoPointwise: number;
  nodesBefore: number;
  nodesAfter: number;
}

interface Tensor {
  name?: string;
  dims?: (number | { toNumber(): number })[];
  dataType?: number;
  rawData?: Uint8Array;
  floatData?: number[];
}
interface Attribute {
  name: string;
  type?: number;
  f?: number;
  i?: number | { toNumber(): number };
  ints?: (number | { toNumber(): number })[];
  s?: Uint8Array;
  t?: Tensor;
}
interface Node {
  name?: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: Attribute[];
}
interface Graph {
  node: Node[];
  initializer: Tensor[];
  valueInfo?: { name: string }[];
  output: { name: string }[];
}

const FLOAT = 1;
const ATTRIBUTE_FLOAT = 1;

let modelType: protobuf.Type | undefined;
/** The ONNX ModelProto message type, read once from the vendored onnx.proto. */
export function onnxModelType(): protobuf.Type {
  const require = createRequire(import.meta.url);
  modelType ??= protobuf.loadSync(require.resolve('./onnx.proto')).lookupType('onnx.ModelProto');
  return modelType;
}

const toInt = (value: number | { toNumber(): number }): number => (typeof value === 'number' ? value : value.toNumber());

function floats(tensor: Tensor): Float32Array {
  if (tensor.dataType !== FLOAT) throw new Error(`tensor ${tensor.name ?? ''} is not float32`);
  if (tensor.rawData && tensor.rawData.byteLength > 0) {
    const copy = new Uint8Array(tensor.rawData);
    return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }
  return Float32Array.from(tensor.floatData ?? []);
}

function floatTensor(name: string, dims: number[], data: Float32Array): Tensor {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** Rewrites an ONNX model's bytes (see the module's comment); a graph without the patterns comes back unchanged. */
export function fuseLcnetModel(bytes: Uint8Array): { bytes: Uint8Array; report: FusionReport } {
  const type = onnxModelType();
  const model = type.decode(bytes) as unknown as { graph: Graph };
  const report = fuseGraph(model.graph);
  return { bytes: type.encode(model as unknown as protobuf.Message).finish(), report };
}

function fuseGraph(graph: Graph): FusionReport {
  const nodesBefore = graph.node.length;
  const initializers = new Map(graph.initializer.map((tensor) => [tensor.name!, tensor]));
  const constants = new Map<string, Tensor>();
  for (const node of graph.node) {
    const value = node.attribute.find((attribute) => attribute.name === 'value')?.t;
    if (node.opType === 'Constant' && value) constants.set(node.output[0]!, value);
  }
  const tensorOf = (name: string) => initializers.get(name) ?? constants.get(name);
  const scalarOf = (name: string): number | null => {
    const tensor = tensorOf(name);
    if (!tensor || tensor.dataType !== FLOAT) return null;
    const values = floats(tensor);
    return values.length === 1 ? values[0]! : null;
  };
  const consumers = new Map<string, Node[]>();
  for (const node of graph.node) for (const input of node.input) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  const onlyConsumer = (name: string, opType: string): Node | null => {
    const found = consumers.get(name) ?? [];
    return found.length === 1 && found[0]!.opType === opType ? found[0]! : null;
  };
  /** The scalar a two-input node applies to `from`, or null. */
  const scalarBeside = (node: Node, from: string): number | null => {
    const others = node.input.filter((input) => input !== from);
    return node.input.length === 2 && others.length === 1 ? scalarOf(others[0]!) : null;
  };

  const dropped = new Set<Node>();
  const renamed = new Map<string, string>();
  /** Weights and bias a convolution reads now, updated as blocks are folded into it. */
  const convParameters = (conv: Node) => {
    const weights = tensorOf(conv.input[1]!)!;
    const dims = weights.dims!.map(toInt);
    const bias = conv.input[2] ? floats(tensorOf(conv.input[2])!) : new Float32Array(dims[0]!);
    return { weights: floats(weights), dims, bias };
  };
  const setConvParameters = (conv: Node, source: string, dims: number[], weights: Float32Array, bias: Float32Array) => {
    const named = conv.name || conv.output[0];
    const [weightName, biasName] = [`${named}:fused-weights`, `${named}:fused-bias`];
    for (const tensor of [floatTensor(weightName, dims, weights), floatTensor(biasName, [dims[0]!], bias)]) {
      initializers.set(tensor.name!, tensor);
    }
    conv.input = [source, weightName, biasName];
  };

  let [foldedAfterConv, hardSwish, foldedIntoPointwise] = [0, 0, 0];
  for (const node of graph.node) {
    if (node.opType === 'Conv') {
      // Conv → Mul(a) → Add(b): w·a, bias·a + b.
      const mul = onlyConsumer(node.output[0]!, 'Mul');
      const scale = mul && scalarBeside(mul, node.output[0]!);
      const add = mul && scale !== null ? onlyConsumer(mul.output[0]!, 'Add') : null;
      const shift = add && scalarBeside(add, mul!.output[0]!);
      if (!mul || scale === null || !add || shift === null) continue;
      const { weights, dims, bias } = convParameters(node);
      setConvParameters(
        node,
        node.input[0]!,
        dims,
        weights.map((w) => Math.fround(w * scale)),
        bias.map((b) => Math.fround(Math.fround(b * scale) + shift)),
      );
      dropped.add(mul).add(add);
      renamed.set(add.output[0]!, node.output[0]!);
      foldedAfterConv++;
    } else if (node.opType === 'Clip') {
      // Add(x, 3) → Clip(0, 6) → Mul(x, ·) → Div(6)  ⇒  HardSigmoid(x; 1/6, ½) → Mul(x, ·).
      // Opset 9 gives the limits as attributes, opset 11 on as inputs.
      const limit = (name: 'min' | 'max', input: number) =>
        node.attribute.find((attribute) => attribute.name === name)?.f ?? (node.input[input] ? scalarOf(node.input[input]) : null);
      if (limit('min', 1) !== 0 || limit('max', 2) !== 6) continue;
      const plusThree = graph.node.find((candidate) => candidate.output.includes(node.input[0]!));
      if (plusThree?.opType !== 'Add' || (consumers.get(plusThree.output[0]!) ?? []).length !== 1) continue;
      const x = plusThree.input.filter((input) => scalarOf(input) !== 3);
      if (x.length !== 1) continue;
      const times = onlyConsumer(node.output[0]!, 'Mul');
      if (!times?.input.includes(x[0]!)) continue;
      const div = onlyConsumer(times.output[0]!, 'Div');
      if (!div || scalarBeside(div, times.output[0]!) !== 6) continue;
      node.opType = 'HardSigmoid';
      node.input = [x[0]!];
      node.attribute = [
        { name: 'alpha', type: ATTRIBUTE_FLOAT, f: 1 / 6 },
        { name: 'beta', type: ATTRIBUTE_FLOAT, f: 0.5 },
      ];
      dropped.add(plusThree).add(div);
      renamed.set(div.output[0]!, times.output[0]!);
      hardSwish++;
    }
  }
  for (const node of graph.node) {
    // y → Mul(c) → Add(d) → 1×1 Conv without padding: w·c, bias + d·Σw.
    if (node.opType !== 'Mul' || dropped.has(node)) continue;
    const sources = node.input.filter((input) => !tensorOf(input));
    if (sources.length !== 1) continue;
    const scale = scalarBeside(node, sources[0]!);
    const add = scale !== null ? onlyConsumer(node.output[0]!, 'Add') : null;
    const shift = add && scalarBeside(add, node.output[0]!);
    const conv = add && shift !== null ? onlyConsumer(add.output[0]!, 'Conv') : null;
    if (scale === null || !add || shift === null || !conv) continue;
    const { weights, dims, bias } = convParameters(conv);
    if (!isPointwiseWithoutPadding(conv, dims)) continue;
    const perOutput = weights.length / dims[0]!;
    const shifted = bias.map((b, out) => {
      let sum = 0;
      for (let k = 0; k < perOutput; k++) sum += weights[out * perOutput + k]!;
      return Math.fround(b + Math.fround(shift * sum));
    });
    setConvParameters(
      conv,
      sources[0]!,
      dims,
      weights.map((w) => Math.fround(w * scale)),
      shifted,
    );
    dropped.add(node).add(add);
    foldedIntoPointwise++;
  }

  const resolve = (name: string) => {
    let current = name;
    while (renamed.has(current)) current = renamed.get(current)!;
    return current;
  };
  const kept = graph.node.filter((node) => !dropped.has(node));
  for (const node of kept) node.input = node.input.map(resolve);
  for (const output of graph.output) output.name = resolve(output.name);
  // What no node reads any more goes, so that onnxruntime has nothing to warn about.
  const read = new Set([...kept.flatMap((node) => node.input), ...graph.output.map((output) => output.name)]);
  graph.node = kept.filter((node) => node.opType !== 'Constant' || read.has(node.output[0]!));
  graph.initializer = [...initializers.values()].filter((tensor) => read.has(tensor.name!));
  const produced = new Set(graph.node.flatMap((node) => node.output));
  if (graph.valueInfo) graph.valueInfo = graph.valueInfo.filter((info) => produced.has(info.name));
  return { foldedAfterConv, hardSwish, foldedIntoPointwise, nodesBefore, nodesAfter: graph.node.length };
}

function isPointwiseWithoutPadding(conv: Node, weightDims: readonly number[]): boolean {
  const attribute = (name: string) => conv.attribute.find((candidate) => candidate.name === name);
  const group = attribute('group')?.i;
  const autoPad = attribute('auto_pad')?.s;
  return (
    weightDims.length === 4 &&
    weightDims[2] === 1 &&
    weightDims[3] === 1 &&
    (attribute('pads')?.ints ?? []).every((pad) => toInt(pad) === 0) &&
    (group === undefined || toInt(group) === 1) &&
    (autoPad === undefined || autoPad.length === 0 || Buffer.from(autoPad).toString() === 'NOTSET')
  );
}
