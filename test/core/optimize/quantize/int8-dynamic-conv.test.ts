import { describe, expect, it } from 'vitest';
import {
  buildModel,
  checkModel,
  makeNode,
  makeTensor,
  tensorValues,
  writeModel,
  type ModelProto,
} from '../../../../src/core/onnx/index.js';
import { int8DynamicPass } from '../../../../src/core/optimize/quantize/index.js';
import { makeQuantCnn, maxAbsDiff, runFloat, seeded } from './models.js';

/** Largest |Δ| relative to the largest |fp32 output|: the tolerances below are in these terms. */
function relativeError(fp32: Float32Array, int8: Float32Array): number {
  let top = 1e-6;
  for (const v of fp32) top = Math.max(top, Math.abs(v));
  return maxAbsDiff(fp32, int8) / top;
}

async function quantized(model: ModelProto, options: Record<string, string | boolean> = {}) {
  const before = writeModel(model);
  const result = await int8DynamicPass.apply(model, { options });
  if (result.kind !== 'changed') throw new Error(`expected a change: ${result.reason}`);
  expect(writeModel(model)).toEqual(before);
  expect(checkModel(result.model)).toEqual([]);
  return result;
}

const ops = (model: ModelProto): string[] => model.graph!.node.map((n) => n.opType);
const image = { image: { dims: [2, 3, 8, 8], data: seeded(2 * 3 * 64, 31, 2) } };

/**
 * x[N,4,9,9] → Conv group 2, stride 2, dilation 2, pads 2,1,2,3 (+bias) and, from the same x,
 * Conv auto_pad SAME_UPPER 3x3 (no bias) → Add → depthwise Conv (group 6, +bias) → y.
 */
function makeGroupedCnn(): ModelProto {
  return buildModel({
    inputs: [{ name: 'x', elementType: 'float', shape: ['N', 4, 9, 9] }],
    outputs: [{ name: 'y', elementType: 'float', shape: ['N', 6, 5, 5] }],
    initializers: [
      makeTensor('G', seeded(6 * 2 * 3 * 3, 41, 0.5), [6, 2, 3, 3]),
      makeTensor('GB', seeded(6, 42, 0.2), [6]),
      makeTensor('S', seeded(6 * 4 * 3 * 3, 43, 0.3), [6, 4, 3, 3]),
      makeTensor('D', seeded(6 * 3 * 3, 44, 0.6), [6, 1, 3, 3]),
      makeTensor('DB', seeded(6, 45, 0.1), [6]),
    ],
    nodes: [
      makeNode('Conv', ['x', 'G', 'GB'], ['g'], {
        group: { int: 2 },
        strides: { ints: [2, 2] },
        dilations: { ints: [2, 2] },
        pads: { ints: [2, 1, 2, 3] },
      }),
      makeNode('Conv', ['x', 'S'], ['s'], { auto_pad: 'SAME_UPPER', strides: { ints: [2, 2] } }),
      makeNode('Add', ['g', 's'], ['h']),
      makeNode('Conv', ['h', 'D', 'DB'], ['y'], { group: { int: 6 }, pads: { ints: [1, 1, 1, 1] } }),
    ],
  });
}

/** A 1-D conv (signal[N,3,20] → Conv k5 stride 2 pads 2 + bias → Relu → Conv k1) as in audio/time series. */
function makeConv1d(): ModelProto {
  return buildModel({
    inputs: [{ name: 'signal', elementType: 'float', shape: ['N', 3, 20] }],
    outputs: [{ name: 'y', elementType: 'float', shape: ['N', 2, 10] }],
    initializers: [
      makeTensor('K', seeded(8 * 3 * 5, 51, 0.4), [8, 3, 5]),
      makeTensor('KB', seeded(8, 52, 0.1), [8]),
      makeTensor('P', seeded(2 * 8, 53, 0.5), [2, 8, 1]),
    ],
    nodes: [
      makeNode('Conv', ['signal', 'K', 'KB'], ['c'], { strides: { ints: [2] }, pads: { ints: [2, 2] } }),
      makeNode('Relu', ['c'], ['r']),
      makeNode('Conv', ['r', 'P'], ['y']),
    ],
  });
}

describe('int8 (dynamic) on Conv', () => {
  it('runs each Conv as DynamicQuantizeLinear + ConvInteger + Cast + Mul (+ Add bias), per-channel, within 1% of fp32', async () => {
    const model = makeQuantCnn();
    const result = await quantized(model);
    expect(ops(result.model)).toEqual([
      'DynamicQuantizeLinear',
      'ConvInteger',
      'Mul',
      'Cast',
      'Mul',
      'Add',
      'Relu',
      'DynamicQuantizeLinear',
      'ConvInteger',
      'Mul',
      'Cast',
      'Mul',
      'GlobalAveragePool',
      'Flatten',
    ]);
    const graph = result.model.graph!;
    const tensor = (name: string) => graph.initializer.find((t) => t.name === name)!;
    // Symmetric int8 weights stored + 128 as uint8 with one scalar zero point 128 (onnxruntime's
    // ConvInteger takes no per-channel zero point, and runs uint8 weights faster); scales [M, 1, 1].
    const k1 = tensor('K1_quantized');
    expect(k1.dims.map(Number)).toEqual([8, 3, 3, 3]);
    const k1Values = tensorValues(k1) as Uint8Array;
    expect(k1Values).toBeInstanceOf(Uint8Array);
    expect(Math.min(...k1Values)).toBeGreaterThanOrEqual(1); // 128 − 127
    expect(tensor('K1_scale').dims.map(Number)).toEqual([8, 1, 1]);
    expect(tensor('C1_per_channel').dims.map(Number)).toEqual([8, 1, 1]);
    expect(tensor('conv_weight_zero_point').dims).toEqual([]);
    expect(tensorValues(tensor('conv_weight_zero_point'))).toEqual(new Uint8Array([128]));
    // Per channel: each output channel's largest |w| maps to ±127.
    const k1Float = tensorValues(makeQuantCnn().graph!.initializer[0]!) as Float32Array;
    const scales = tensorValues(tensor('K1_scale')) as Float32Array;
    for (let c = 0; c < 8; c++) {
      const slice = k1Float.subarray(c * 27, (c + 1) * 27);
      expect(scales[c]).toBeCloseTo(Math.max(...slice.map(Math.abs)) / 127, 7);
    }
    const conv = graph.node.find((n) => n.opType === 'ConvInteger')!;
    expect(conv.input).toEqual([
      'image_quantized',
      'K1_quantized',
      'image_zero_point',
      'conv_weight_zero_point',
    ]);
    expect(conv.attribute.map((a) => a.name)).toEqual(['pads']);
    const names = graph.initializer.map((t) => t.name);
    for (const gone of ['K1', 'K2', 'C1']) expect(names).not.toContain(gone);
    expect(result.notes).toEqual([
      '2 Conv run as DynamicQuantizeLinear + ConvInteger; 2 weights int8 per output channel: 992 B → 248 B plus scales',
    ]);
    const fp32 = await runFloat(model, image);
    const int8 = await runFloat(result.model, image);
    expect(relativeError(fp32, int8)).toBeLessThan(0.01);
    expect(maxAbsDiff(fp32, int8)).toBeGreaterThan(0); // really quantized
  });

  it('keeps groups, strides, dilations, asymmetric pads and auto_pad; one DynamicQuantizeLinear for two Convs reading x', async () => {
    const model = makeGroupedCnn();
    const result = await quantized(model);
    const graph = result.model.graph!;
    expect(ops(result.model).filter((o) => o === 'ConvInteger')).toHaveLength(3);
    expect(graph.node.filter((n) => n.opType === 'DynamicQuantizeLinear').map((n) => n.input[0])).toEqual([
      'x',
      'h',
    ]);
    const attrs = graph.node
      .filter((n) => n.opType === 'ConvInteger')
      .map((n) =>
        Object.fromEntries(
          n.attribute.map((a) => [
            a.name,
            a.ints.length ? a.ints.map(Number) : a.s.length ? new TextDecoder().decode(a.s) : Number(a.i),
          ]),
        ),
      );
    expect(attrs).toEqual([
      { group: 2, strides: [2, 2], dilations: [2, 2], pads: [2, 1, 2, 3] },
      { auto_pad: 'SAME_UPPER', strides: [2, 2] },
      { group: 6, pads: [1, 1, 1, 1] },
    ]);
    const x = { x: { dims: [3, 4, 9, 9], data: seeded(3 * 4 * 81, 46, 1.5) } };
    const fp32 = await runFloat(model, x);
    expect(fp32).toHaveLength(3 * 6 * 25);
    expect(relativeError(fp32, await runFloat(result.model, x))).toBeLessThan(0.02);

    const perTensor = await quantized(model, { 'per-channel': false });
    expect(perTensor.model.graph!.initializer.find((t) => t.name === 'G_scale')!.dims).toEqual([]);
    expect(perTensor.notes[0]).toMatch(/3 weights int8 per tensor/);
    expect(relativeError(fp32, await runFloat(perTensor.model, x))).toBeLessThan(0.03);

    const qdq = await quantized(model, { form: 'qdq' });
    expect(ops(qdq.model).filter((o) => o === 'Conv')).toHaveLength(3);
    expect(ops(qdq.model)).not.toContain('ConvInteger');
    expect(relativeError(fp32, await runFloat(qdq.model, x))).toBeLessThan(0.02);
  });

  it('quantizes 1-D convolutions (scales and bias shaped [M, 1])', async () => {
    const model = makeConv1d();
    const result = await quantized(model);
    expect(ops(result.model).filter((o) => o === 'ConvInteger')).toHaveLength(2);
    const graph = result.model.graph!;
    expect(graph.initializer.find((t) => t.name === 'KB_per_channel')!.dims.map(Number)).toEqual([8, 1]);
    const signal = { signal: { dims: [4, 3, 20], data: seeded(4 * 60, 54, 2) } };
    const fp32 = await runFloat(model, signal);
    expect(relativeError(fp32, await runFloat(result.model, signal))).toBeLessThan(0.02);
  });

  it('leaves Convs it cannot rewrite in float and says why (weight not constant, 3-D, conv=false) while the rest change', async () => {
    const model = buildModel({
      inputs: [
        { name: 'v', elementType: 'float', shape: [1, 2, 4, 4, 4] },
        { name: 'k', elementType: 'float', shape: [2, 2, 1, 1, 1] },
        { name: 'f', elementType: 'float', shape: [1, 8] },
      ],
      outputs: [
        { name: 'a', elementType: 'float', shape: [1, 2, 4, 4, 4] },
        { name: 'b', elementType: 'float', shape: [1, 2, 4, 4, 4] },
        { name: 'm', elementType: 'float', shape: [1, 4] },
      ],
      initializers: [
        makeTensor('V3', seeded(2 * 2, 61, 0.5), [2, 2, 1, 1, 1]),
        makeTensor('W', seeded(8 * 4, 62, 0.5), [8, 4]),
      ],
      nodes: [
        makeNode('Conv', ['v', 'V3'], ['a']),
        makeNode('Conv', ['v', 'k'], ['b']),
        makeNode('MatMul', ['f', 'W'], ['m']),
      ],
    });
    const result = await quantized(model);
    expect(ops(result.model)).toEqual([
      'Conv',
      'Conv',
      'DynamicQuantizeLinear',
      'MatMulInteger',
      'Mul',
      'Cast',
      'Mul',
    ]);
    expect(result.notes.slice(1)).toEqual([
      '2 Conv left in float: 1 3-D convolution (1-D and 2-D only), 1 weight is not a float constant',
    ]);
    const noConv = await quantized(model, { conv: false });
    expect(noConv.notes.slice(1)).toEqual(['2 Conv left in float: 2 option conv=false']);
  });
});
