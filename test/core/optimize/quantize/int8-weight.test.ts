import { describe, expect, it } from 'vitest';
import { checkModel, tensorValues, upgradeOpset, writeModel } from '../../../../src/core/onnx/index.js';
import { int8WeightPass } from '../../../../src/core/optimize/quantize/index.js';
import { makeQuantCnn, makeQuantMlp, makeTree, maxAbsDiff, runFloat, seeded } from './models.js';

const features = { features: { dims: [5, 16], data: seeded(80, 11, 2) } };

describe('int8-weight', () => {
  it('stores MLP weights as int8 per channel, leaves the input model alone, stays within 0.02 of fp32', async () => {
    const model = makeQuantMlp();
    const before = writeModel(model);
    const result = await int8WeightPass.apply(model, {});
    expect(result.kind).toBe('changed');
    if (result.kind !== 'changed') return;
    expect(writeModel(model)).toEqual(before);
    const graph = result.model.graph!;
    expect(checkModel(result.model)).toEqual([]);
    expect(graph.initializer.map((t) => t.name)).not.toContain('W1');
    const w1 = graph.initializer.find((t) => t.name === 'W1_quantized')!;
    expect(tensorValues(w1)).toBeInstanceOf(Int8Array);
    expect(w1.dims.map(Number)).toEqual([64, 16]);
    // Gemm transB=1 → one scale per row (axis 0); MatMul → per column (axis 1).
    expect(graph.initializer.find((t) => t.name === 'W1_scale')!.dims.map(Number)).toEqual([64]);
    expect(graph.initializer.find((t) => t.name === 'W2_scale')!.dims.map(Number)).toEqual([32]);
    const dq = graph.node.filter((n) => n.opType === 'DequantizeLinear');
    expect(dq.map((n) => Number(n.attribute.find((a) => a.name === 'axis')!.i))).toEqual([0, 1, 1]);
    // Tiny model: biases and per-channel scales weigh in; the torch peers check the 0.3x target.
    expect(writeModel(result.model).length / before.length).toBeLessThan(0.4);
    const fp32 = await runFloat(model, features);
    const int8 = await runFloat(result.model, features);
    expect(maxAbsDiff(fp32, int8)).toBeLessThan(0.02);
    expect(result.notes[0]).toMatch(/^3 weights of 2 Gemm, 1 MatMul stored as int8 per channel/);
  });

  it('per-tensor and uint8 on request; per-tensor below opset 13 with a note', async () => {
    const perTensor = await int8WeightPass.apply(makeQuantMlp(), {
      options: { 'per-channel': false, type: 'uint8' },
    });
    if (perTensor.kind !== 'changed') throw new Error('expected a change');
    const scale = perTensor.model.graph!.initializer.find((t) => t.name === 'W2_scale')!;
    expect(scale.dims).toEqual([]);
    expect(
      tensorValues(perTensor.model.graph!.initializer.find((t) => t.name === 'W2_quantized')!),
    ).toBeInstanceOf(Uint8Array);
    expect(
      maxAbsDiff(await runFloat(makeQuantMlp(), features), await runFloat(perTensor.model, features)),
    ).toBeLessThan(0.03);

    const old = await int8WeightPass.apply(makeQuantMlp(11), {});
    if (old.kind !== 'changed') throw new Error('expected a change');
    expect(old.notes).toContain('per-tensor scales: opset 11 has no per-axis DequantizeLinear (13+)');
    expect(checkModel(old.model)).toEqual([]);
    expect(
      maxAbsDiff(await runFloat(makeQuantMlp(11), features), await runFloat(old.model, features)),
    ).toBeLessThan(0.03);
  });

  it('an opset-9 model is skipped with the fix, and quantizes per channel once upgraded to 13', async () => {
    const old = makeQuantMlp(9);
    expect(await int8WeightPass.apply(old, {})).toMatchObject({
      kind: 'skipped',
      reason: expect.stringMatching(/opset 9 .*upgrade it with modelops convert --from onnx --opset 13$/),
    });
    const upgraded = makeQuantMlp(9);
    upgradeOpset(upgraded, 13);
    const result = await int8WeightPass.apply(upgraded, {});
    if (result.kind !== 'changed') throw new Error('expected a change');
    expect(result.notes).toHaveLength(1);
    expect(maxAbsDiff(await runFloat(old, features), await runFloat(result.model, features))).toBeLessThan(
      0.02,
    );
  });

  it('quantizes Conv weights along the output-channel axis', async () => {
    const image = { image: { dims: [2, 3, 8, 8], data: seeded(384, 12) } };
    const result = await int8WeightPass.apply(makeQuantCnn(), {});
    if (result.kind !== 'changed') throw new Error('expected a change');
    expect(result.model.graph!.initializer.find((t) => t.name === 'K1_scale')!.dims.map(Number)).toEqual([8]);
    expect(
      maxAbsDiff(await runFloat(makeQuantCnn(), image), await runFloat(result.model, image)),
    ).toBeLessThan(0.01);
  });

  it('skips a tree ensemble and an old opset, and rejects a bad option value', async () => {
    expect(await int8WeightPass.apply(makeTree(), {})).toEqual({
      kind: 'skipped',
      reason: 'no MatMul, Gemm or Conv node reads a float weight initializer',
    });
    expect(await int8WeightPass.apply(makeQuantMlp(9), {})).toMatchObject({
      kind: 'skipped',
      reason: /opset 9/,
    });
    expect(() => int8WeightPass.apply(makeQuantMlp(), { options: { 'per-channel': 'maybe' } })).toThrow(
      /int8-weight: option per-channel=maybe is not a boolean/,
    );
  });
});
