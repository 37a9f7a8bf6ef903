import { describe, expect, it } from 'vitest';
import {
  buildModel,
  checkModel,
  makeNode,
  makeTensor,
  tensorValues,
  writeModel,
} from '../../../../src/core/onnx/index.js';
import { int8DynamicPass } from '../../../../src/core/optimize/quantize/index.js';
import { makeQuantCnn, makeQuantMlp, makeTree, maxAbsDiff, runFloat, seeded } from './models.js';

const features = { features: { dims: [7, 16], data: seeded(112, 21, 2) } };

describe('int8 (dynamic)', () => {
  it('rewrites MatMul and Gemm (alpha, beta folded) into DynamicQuantizeLinear + MatMulInteger within 0.02 of fp32', async () => {
    const model = makeQuantMlp();
    const before = writeModel(model);
    const result = await int8DynamicPass.apply(model, {});
    if (result.kind !== 'changed') throw new Error('expected a change');
    expect(writeModel(model)).toEqual(before);
    expect(checkModel(result.model)).toEqual([]);
    const ops = result.model.graph!.node.map((n) => n.opType);
    expect(ops.filter((o) => o === 'MatMulInteger')).toHaveLength(3);
    expect(ops.filter((o) => o === 'DynamicQuantizeLinear')).toHaveLength(3);
    expect(ops).not.toContain('Gemm');
    const names = result.model.graph!.initializer.map((t) => t.name);
    expect(names).not.toContain('W1');
    expect(names).not.toContain('B3'); // replaced by B3 × beta
    // Gemm transB=1 weight [64,16] becomes MatMul's [16,64] int8 with one scale per column.
    const w1 = result.model.graph!.initializer.find((t) => t.name === 'W1_quantized')!;
    expect(w1.dims.map(Number)).toEqual([16, 64]);
    expect(tensorValues(w1)).toBeInstanceOf(Int8Array);
    const fp32 = await runFloat(model, features);
    expect(maxAbsDiff(fp32, await runFloat(result.model, features))).toBeLessThan(0.02);
    expect(result.notes[0]).toMatch(
      /^2 Gemm, 1 MatMul run as DynamicQuantizeLinear \+ MatMulInteger; 3 weights int8 per column/,
    );

    const qdq = await int8DynamicPass.apply(model, { options: { form: 'qdq', 'per-channel': false } });
    if (qdq.kind !== 'changed') throw new Error('expected a change');
    expect(qdq.model.graph!.node.map((n) => n.opType)).not.toContain('MatMulInteger');
    expect(checkModel(qdq.model)).toEqual([]);
    expect(maxAbsDiff(fp32, await runFloat(qdq.model, features))).toBeLessThan(0.03);
  });

  it('form=nbits: one com.microsoft MatMulNBits (bits 8, accuracy_level 4) per MatMul/Gemm, bias fused, within 0.02 of fp32', async () => {
    const model = makeQuantMlp();
    const before = writeModel(model);
    const result = await int8DynamicPass.apply(model, { options: { form: 'nbits', 'block-size': 16 } });
    if (result.kind !== 'changed') throw new Error('expected a change');
    expect(writeModel(model)).toEqual(before);
    expect(checkModel(result.model)).toEqual([]);
    const graph = result.model.graph!;
    const nbits = graph.node.filter((n) => n.opType === 'MatMulNBits');
    expect(nbits.map((n) => n.domain)).toEqual(['com.microsoft', 'com.microsoft', 'com.microsoft']);
    expect(graph.node.map((n) => n.opType)).toEqual([
      'MatMulNBits',
      'Relu',
      'MatMulNBits',
      'Add', // the MatMul's own Add stays as it was
      'Relu',
      'MatMulNBits',
      'Softmax',
    ]);
    expect(result.model.opsetImport.map((o) => [o.domain, Number(o.version)])).toContainEqual([
      'com.microsoft',
      1,
    ]);
    const attrs = Object.fromEntries(nbits[0]!.attribute.map((a) => [a.name, Number(a.i)]));
    expect(attrs).toEqual({ K: 16, N: 64, bits: 8, block_size: 16, accuracy_level: 4 });
    // Gemm 1 (transB) [64,16]: N=64 columns of one 16-value block; its bias B1 goes in input 5.
    expect(nbits[0]!.input).toEqual(['features', 'W1_int8_blocks', 'W1_block_scales', '', '', 'B1']);
    const blocks = graph.initializer.find((t) => t.name === 'W1_int8_blocks')!;
    expect(blocks.dims.map(Number)).toEqual([64, 1, 16]);
    expect(tensorValues(blocks)).toBeInstanceOf(Uint8Array);
    // MatMul 64x32 with block 16: 4 blocks per column.
    expect(graph.initializer.find((t) => t.name === 'W2_block_scales')!.dims.map(Number)).toEqual([32, 4]);
    // Gemm 3: alpha 0.5 folded into the weight, beta 2 into a new bias B3_times_beta.
    expect(nbits[2]!.input[5]).toBe('B3_times_beta');
    const names = graph.initializer.map((t) => t.name);
    for (const gone of ['W1', 'W2', 'W3', 'B3']) expect(names).not.toContain(gone);
    const fp32 = await runFloat(model, features);
    const quantized = await runFloat(result.model, features);
    expect(maxAbsDiff(fp32, quantized)).toBeLessThan(0.02);
    expect(maxAbsDiff(fp32, quantized)).toBeGreaterThan(0); // really quantized
    expect(result.notes[0]).toMatch(
      /^2 Gemm, 1 MatMul run as MatMulNBits \(com.microsoft, bits 8, accuracy_level 4\); weights int8 in blocks of 16 along K/,
    );
    // Blocks never exceed K rounded up to a power of 2: with the default 64, K = 16 / 64 / 32.
    const defaults = int8DynamicPass.apply(model, { options: { form: 'nbits' } });
    if (!('model' in defaults)) throw new Error('expected a change');
    expect(
      defaults.model
        .graph!.node.filter((n) => n.opType === 'MatMulNBits')
        .map((n) => Number(n.attribute.find((a) => a.name === 'block_size')!.i)),
    ).toEqual([16, 64, 32]);
    expect(defaults.notes[0]).toMatch(/blocks of 64\/32\/16 along K/);
    expect(maxAbsDiff(fp32, await runFloat(defaults.model, features))).toBeLessThan(0.02);
    expect(() => int8DynamicPass.apply(model, { options: { form: 'nbits', 'block-size': 48 } })).toThrow(
      /block-size=48 is not a power of 2/,
    );
  });

  it('quantizes an activation once when several MatMuls read it', async () => {
    const model = buildModel({
      inputs: [{ name: 'x', elementType: 'float', shape: ['N', 8] }],
      outputs: [{ name: 'y', elementType: 'float', shape: ['N', 4] }],
      initializers: [makeTensor('A', seeded(32, 1), [8, 4]), makeTensor('B', seeded(32, 2), [8, 4])],
      nodes: [
        makeNode('MatMul', ['x', 'A'], ['a']),
        makeNode('MatMul', ['x', 'B'], ['b']),
        makeNode('Add', ['a', 'b'], ['y']),
      ],
    });
    const result = await int8DynamicPass.apply(model, {});
    if (result.kind !== 'changed') throw new Error('expected a change');
    expect(result.model.graph!.node.filter((n) => n.opType === 'DynamicQuantizeLinear')).toHaveLength(1);
    const x = { x: { dims: [3, 8], data: seeded(24, 3) } };
    expect(maxAbsDiff(await runFloat(model, x), await runFloat(result.model, x))).toBeLessThan(0.05);
  });

  it('form=qdq below opset 13 (no per-axis DequantizeLinear) uses one weight scale and says so', async () => {
    const model = makeQuantMlp(12);
    const result = await int8DynamicPass.apply(model, { options: { form: 'qdq' } });
    if (result.kind !== 'changed') throw new Error('expected a change');
    expect(checkModel(result.model)).toEqual([]);
    const dq = result.model.graph!.node.filter((n) => n.opType === 'DequantizeLinear');
    expect(dq.flatMap((n) => n.attribute.map((a) => a.name))).toEqual([]);
    expect(result.notes).toContain(
      'per-tensor weight scales: opset 12 has no per-axis DequantizeLinear (13+)',
    );
    const fp32 = await runFloat(model, features);
    expect(maxAbsDiff(fp32, await runFloat(result.model, features))).toBeLessThan(0.03);
  });

  it('skips models without MatMul/Gemm/Conv weights (or with conv=false, saying so) or with opset < 11', async () => {
    expect(await int8DynamicPass.apply(makeQuantCnn(), { options: { conv: false } })).toEqual({
      kind: 'skipped',
      reason:
        'no MatMul, Gemm or Conv node multiplies an activation by a float weight constant ' +
        '(MatMul/Gemm: 2-D weight, Gemm without transA, with beta ≠ 1 only on a constant bias; ' +
        'Conv: 1-D or 2-D, constant bias): 2 option conv=false',
    });
    expect(await int8DynamicPass.apply(makeTree(), {})).toMatchObject({ kind: 'skipped' });
    expect(await int8DynamicPass.apply(makeQuantMlp(10), {})).toMatchObject({
      kind: 'skipped',
      reason: /opset 10 has no DynamicQuantizeLinear/,
    });
  });
});
