import { describe, expect, it } from 'vitest';
import { checkModel, makeTensor, writeModel } from '../../../src/core/onnx/index.js';
import {
  convertToFloat16,
  deadCodePass,
  fp16Pass,
  fromHalfBits,
  graphPass,
  prunePass,
  toHalfBits,
} from '../../../src/core/optimize/index.js';
import { optimizeGraphWithOrt } from '../../../src/platform/runtime/optimize-graph.js';
import { makeCnn, makeMlp, randoms } from './make-models.js';
import { maxAbsDiff, runModel } from './run-model.js';

const xFeed = { x: { elementType: 'float', dims: [5, 8], data: randoms(40, 11) } };

describe('half floats', () => {
  it('round to nearest even like numpy float16', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(70000)).toBe(0x7c00);
    expect(toHalfBits(2 ** -24)).toBe(1); // smallest subnormal
    expect(toHalfBits(2 ** -26)).toBe(0);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // tie → even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(fromHalfBits(toHalfBits(0.1))).toBeCloseTo(0.0999755859375, 12);
  });
});

describe('dead-code', () => {
  it('removes the dead branch and unused initializers and keeps outputs exactly', async () => {
    const model = makeMlp({ extras: true });
    const result = await deadCodePass.apply(model, {});
    expect(result.kind).toBe('changed');
    if (result.kind !== 'changed') return;
    expect(result.notes[0]).toBe('removed 2 node(s), 2 initializer(s), 0 value_info');
    expect(result.model.graph!.node.map((n) => n.opType)).toEqual([
      'MatMul',
      'Add',
      'Relu',
      'MatMul',
      'Add',
      'Softmax',
      'ArgMax',
    ]);
    expect(checkModel(result.model)).toEqual([]);
    expect(model.graph!.node).toHaveLength(9); // the original is untouched
    const [before, after] = [await runModel(model, xFeed), await runModel(result.model, xFeed)];
    expect(maxAbsDiff(before.probabilities!, after.probabilities!)).toBe(0);
  });

  it('is skipped on a clean model', async () => {
    expect(await deadCodePass.apply(makeMlp(), {})).toEqual({
      kind: 'skipped',
      reason: 'no dead nodes or unused initializers',
    });
  });
});

describe('fp16', () => {
  it('halves the weights, keeps float32 at the borders and stays close', async () => {
    const model = makeMlp({ hidden: 256 });
    const result = await fp16Pass.apply(model, {});
    if (result.kind !== 'changed') throw new Error(JSON.stringify(result));
    expect(checkModel(result.model)).toEqual([]);
    const g = result.model.graph!;
    expect(g.initializer.every((t) => t.dataType === 10)).toBe(true); // FLOAT16
    expect(g.input[0]!.type?.value.case === 'tensorType' && g.input[0]!.type.value.value.elemType).toBe(1);
    expect(writeModel(result.model).length).toBeLessThan(writeModel(model).length * 0.6);
    const [before, after] = [await runModel(model, xFeed), await runModel(result.model, xFeed)];
    expect(after.probabilities!.elementType).toBe('float');
    expect(maxAbsDiff(before.probabilities!, after.probabilities!)).toBeLessThan(5e-3);
    expect(Array.from(after.label!.data as BigInt64Array)).toEqual(
      Array.from(before.label!.data as BigInt64Array),
    );
  });

  it('keeps listed operators in float32 and clamps weights beyond the float16 range', async () => {
    const model = makeMlp();
    model.graph!.initializer[3] = makeTensor('b2', new Float32Array([1e6, 0, -1e6]), [3]);
    const kept = convertToFloat16(model, new Set(['Softmax', 'Add']))!;
    const ops = kept.model.graph!.node.filter((n) => n.opType === 'Add');
    expect(ops.every((n) => n.input.every((i) => !i.endsWith('_fp16')))).toBe(true);
    expect(kept.clamped).toBe(0); // b2 feeds a kept Add: it stays float32
    const all = convertToFloat16(model, new Set())!;
    expect(all.clamped).toBe(2);
    expect(checkModel(all.model)).toEqual([]);
    await expect(runModel(all.model, xFeed)).resolves.toBeDefined();
  });

  it('is skipped when nothing is float32', async () => {
    // A converted model has float32 only in its border Casts: a second conversion finds nothing.
    const again = await fp16Pass.apply(convertToFloat16(makeMlp(), new Set())!.model, {});
    expect(again.kind).toBe('skipped');
    const ints = makeMlp();
    ints.graph!.node = [];
    ints.graph!.output = [ints.graph!.input[0]!];
    expect(await fp16Pass.apply(ints, {})).toEqual({
      kind: 'skipped',
      reason: 'no float32 operator that can run in float16',
    });
  });
});

describe('prune', () => {
  it('zeros the smallest half of every MatMul/Gemm/Conv weight', async () => {
    const result = await prunePass.apply(makeCnn(), { options: { sparsity: 0.5 } });
    if (result.kind !== 'changed') throw new Error('not pruned');
    expect(result.notes[0]).toBe('82 of 164 weights in 2 tensor(s) set to zero (sparsity 0.5)');
    const k = result.model.graph!.initializer.find((t) => t.name === 'k')!;
    const values = new Float32Array(k.rawData.slice().buffer);
    expect(values.filter((v) => v === 0)).toHaveLength(18);
    const original = new Float32Array(makeCnn().graph!.initializer[0]!.rawData.slice().buffer);
    const kept = original.filter((_, i) => values[i] !== 0).map(Math.abs);
    const dropped = original.filter((_, i) => values[i] === 0).map(Math.abs);
    expect(Math.min(...kept)).toBeGreaterThanOrEqual(Math.max(...dropped));
    expect(checkModel(result.model)).toEqual([]);
    const image = { image: { elementType: 'float', dims: [2, 1, 8, 8], data: randoms(128, 2) } };
    expect((await runModel(result.model, image)).y!.dims).toEqual([2, 2]);
  });

  it('rejects a sparsity outside [0, 1)', () => {
    expect(() => prunePass.apply(makeCnn(), { options: { sparsity: 1.5 } })).toThrow(
      /prune sparsity 1.5 is not a fraction/,
    );
  });
});

describe('graph', () => {
  it('saves onnxruntime’s optimized graph and keeps outputs', async () => {
    const model = makeCnn();
    const result = await graphPass.apply(model, {
      optimizeGraph: optimizeGraphWithOrt,
      options: { level: 'extended' },
    });
    if (result.kind !== 'changed') throw new Error('not optimized');
    expect(result.notes[0]).toMatch(/^level extended: 5 → \d+ node\(s\)/);
    expect(checkModel(result.model)).toEqual([]);
    const image = { image: { elementType: 'float', dims: [2, 1, 8, 8], data: randoms(128, 2) } };
    const [before, after] = [await runModel(model, image), await runModel(result.model, image)];
    expect(maxAbsDiff(before.y!, after.y!)).toBeLessThan(graphPass.exactTolerance!);
  });

  it('is skipped without a runtime and rejects level all', async () => {
    expect(await graphPass.apply(makeCnn(), {})).toEqual({
      kind: 'skipped',
      reason: 'no onnxruntime to optimize with',
    });
    await expect(graphPass.apply(makeCnn(), { options: { level: 'all' } })).rejects.toThrow(
      /not basic or extended/,
    );
  });
});
