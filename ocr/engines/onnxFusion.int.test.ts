import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GreyImage } from '../image/greyImage';
import { preprocess } from '../image/preprocess';
import { fuseLcnetModel, onnxModelType } from './onnxFusion';
import { loadPpocrModels, ppocrModelDir, type PpocrModels } from './ppocrModel';

const SAMPLES = ['photo-jpg-001.jpg', 'clean-png-001.png'].map((name) =>
  path.join(import.meta.dirname, '../../fixtures/receipts/samples', name),
);
const ModelProto = onnxModelType();
const FLOAT = 1;

const tensor = (name: string, dims: number[], values: number[]) => ({
  name,
  dims,
  dataType: FLOAT,
  rawData: new Uint8Array(Float32Array.from(values).buffer),
});
const scalar = (name: string, value: number) => ({
  opType: 'Constant',
  output: [name],
  attribute: [{ name: 'value', type: 4, t: tensor(`${name}.t`, [1], [value]) }],
});
// Unnamed, as ONNX allows: what the rewrite adds must be named after something else.
const node = (opType: string, input: string[], output: string, attribute: object[] = []) => ({
  opType,
  input,
  output: [output],
  attribute,
});
const ints = (name: string, values: number[]) => ({ name, type: 7, ints: values });

/**
 * A small LCNet-like graph at opset 11: conv 3×3 → affine → hard-swish → affine → conv 1×1, whose
 * output is affine-shifted and then read by a padded 3×3 conv (which must not take the shift).
 */
function lcnetLikeModel(): Uint8Array {
  const weights = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(seed + i * 1.7) * 0.5);
  const nodes = [
    scalar('a', 1.3),
    scalar('b', -0.2),
    scalar('three', 3),
    scalar('zero', 0),
    scalar('six', 6),
    scalar('c', 0.7),
    scalar('d', 0.45),
    scalar('e', 1.1),
    scalar('f', 0.3),
    node('Conv', ['x', 'w1', 'b1'], 'conv1', [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]),
    node('Mul', ['conv1', 'a'], 'scaled1'),
    node('Add', ['scaled1', 'b'], 'shifted1'),
    node('Add', ['shifted1', 'three'], 'plus3'),
    node('Clip', ['plus3', 'zero', 'six'], 'clipped'),
    node('Mul', ['shifted1', 'clipped'], 'times'),
    node('Div', ['times', 'six'], 'swish'),
    node('Mul', ['swish', 'c'], 'scaled2'),
    node('Add', ['scaled2', 'd'], 'shifted2'),
    node('Conv', ['shifted2', 'w2', 'b2'], 'conv2', [ints('kernel_shape', [1, 1])]),
    node('Mul', ['conv2', 'e'], 'scaled3'),
    node('Add', ['scaled3', 'f'], 'shifted3'),
    node('Relu', ['shifted3'], 'relu'),
    node('Mul', ['relu', 'c'], 'scaled4'),
    node('Add', ['scaled4', 'd'], 'shifted4'),
    node('Conv', ['shifted4', 'w3'], 'y', [ints('kernel_shape', [3, 3]), ints('pads', [1, 1, 1, 1])]),
  ];
  const value = (name: string, dims: number[]) => ({
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((dimValue) => ({ dimValue })) } } },
  });
  const model = {
    irVersion: 7,
    opsetImport: [{ domain: '', version: 11 }],
    graph: {
      name: 'lcnet-like',
      node: nodes,
      initializer: [
        tensor('w1', [4, 2, 3, 3], weights(72, 1)),
        tensor('b1', [4], weights(4, 2)),
        tensor('w2', [3, 4, 1, 1], weights(12, 3)),
        tensor('b2', [3], weights(3, 4)),
        tensor('w3', [2, 3, 3, 3], weights(54, 5)),
      ],
      input: [value('x', [1, 2, 6, 7])],
      output: [value('y', [1, 2, 6, 7])],
    },
  };
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}

async function run(model: Uint8Array, input: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 3 });
  try {
    const output = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', input, dims) });
    return output[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

const largestDifference = (a: Float32Array, b: Float32Array) => a.reduce((most, value, i) => Math.max(most, Math.abs(value - b[i]!)), 0);

describe('PP-OCR graphs rewritten into fewer operators', () => {
  it('folds the affine blocks a convolution and a 1×1 convolution can take, and hard-swish, and computes the same', async () => {
    const model = lcnetLikeModel();
    const { bytes, report } = fuseLcnetModel(model);
    // The shift before the padded 3×3 conv stays: zero padding would not carry it to the borders.
    expect(report).toMatchObject({ foldedAfterConv: 2, hardSwish: 1, foldedIntoPointwise: 1 });
    const ops = (ModelProto.decode(bytes) as unknown as { graph: { node: { opType: string }[] } }).graph.node.map((n) => n.opType);
    expect(ops.filter((op) => op !== 'Constant')).toEqual(['Conv', 'HardSigmoid', 'Mul', 'Conv', 'Relu', 'Mul', 'Add', 'Conv']);
    const input = Float32Array.from({ length: 2 * 6 * 7 }, (_, i) => Math.cos(i * 0.9) * 4);
    const [before, after] = [await run(model, input, [1, 2, 6, 7]), await run(bytes, input, [1, 2, 6, 7])];
    expect(before.length).toBe(2 * 6 * 7);
    expect(largestDifference(before, after)).toBeLessThan(1e-5);
  });

  it('leaves a graph it has already rewritten as it is', async () => {
    const once = fuseLcnetModel(await readFile(path.join(ppocrModelDir(), 'ch_PP-OCRv4_rec_infer.onnx')));
    const twice = fuseLcnetModel(once.bytes);
    expect(once.report).toMatchObject({ foldedAfterConv: 28, hardSwish: 28 });
    expect(once.report.nodesAfter).toBeLessThan(once.report.nodesBefore * 0.6);
    expect(twice.report).toMatchObject({ foldedAfterConv: 0, hardSwish: 0, foldedIntoPointwise: 0, nodesBefore: once.report.nodesAfter });
    expect(Buffer.from(twice.bytes).equals(Buffer.from(once.bytes))).toBe(true);
  });

  describe('on receipts', () => {
    let shipped: PpocrModels;
    let rewritten: PpocrModels;
    let pages: GreyImage[];

    beforeAll(async () => {
      [shipped, rewritten] = await Promise.all([
        loadPpocrModels({ intraOpThreads: 1, fused: false }),
        loadPpocrModels({ intraOpThreads: 1 }),
      ]);
      pages = await Promise.all(SAMPLES.map(async (file) => preprocess(await readFile(file), { workingWidth: 1400 })));
    }, 120_000);
    afterAll(async () => {
      await Promise.all([shipped?.release(), rewritten?.release()]);
    });

    it('finds the same lines and reads the same text, each character as sure to a thousandth', async () => {
      for (const page of pages) {
        const [before, after] = [await shipped.recognize(page), await rewritten.recognize(page)];
        expect(before.length).toBeGreaterThan(20);
        expect(after.map(({ text, box }) => ({ text, box }))).toEqual(before.map(({ text, box }) => ({ text, box })));
        after.forEach((fragment, n) => {
          fragment.chars.forEach((confidence, i) => expect(Math.abs(confidence - before[n]!.chars[i]!)).toBeLessThan(1e-3));
        });
      }
    }, 120_000);
  });
});
