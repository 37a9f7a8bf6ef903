import { describe, expect, it } from 'vitest';
import {
  buildModel,
  checkModel,
  makeNode,
  makeTensor,
  writeModel,
  type ModelProto,
} from '../../../../src/core/onnx/index.js';
import type { PassContext } from '../../../../src/core/optimize/pass.js';
import { QUANTIZE_PASSES } from '../../../../src/core/optimize/quantize/index.js';
import { createSession, type RuntimeTensor } from '../../../../src/platform/runtime/index.js';
import { maxAbsDiff, observeWithOrt, seeded } from './models.js';

/**
 * x[N,8] → MatMul with W (a Constant node, also summed by ReduceSum into a second output) → Add C
 * (a Constant) → Relu → Gemm with H and HB (Constants); and image → Conv with K
 * and KB (Constants).
 */
function makeConstantModel(): ModelProto {
  const constant = (name: string, values: Float32Array, dims: number[]) =>
    makeNode('Constant', [], [name], { value: makeTensor('', values, dims) }, { name: `${name}_node` });
  return buildModel({
    inputs: [
      { name: 'x', elementType: 'float', shape: ['N', 8] },
      { name: 'image', elementType: 'float', shape: ['N', 2, 6, 6] },
    ],
    outputs: [
      { name: 'y', elementType: 'float', shape: ['N', 3] },
      { name: 'w_sum', elementType: 'float', shape: [1, 1] },
      { name: 'feature_map', elementType: 'float', shape: ['N', 4, 6, 6] },
    ],
    nodes: [
      constant('W', seeded(8 * 16, 71, 0.5), [8, 16]),
      constant('C', seeded(16, 72, 0.1), [16]),
      constant('H', seeded(3 * 16, 73, 0.5), [3, 16]),
      constant('HB', seeded(3, 74, 0.1), [3]),
      constant('K', seeded(4 * 2 * 9, 75, 0.4), [4, 2, 3, 3]),
      constant('KB', seeded(4, 76, 0.1), [4]),
      makeNode('MatMul', ['x', 'W'], ['m']),
      makeNode('ReduceSum', ['W'], ['w_sum']),
      makeNode('Add', ['m', 'C'], ['h']),
      makeNode('Relu', ['h'], ['r']),
      makeNode('Gemm', ['r', 'H', 'HB'], ['y'], { transB: { int: 1 } }),
      makeNode('Conv', ['image', 'K', 'KB'], ['feature_map'], { pads: { ints: [1, 1, 1, 1] } }),
    ],
  });
}

async function runAll(
  model: ModelProto,
  feeds: Record<string, RuntimeTensor>,
): Promise<Record<string, RuntimeTensor>> {
  const session = await createSession(writeModel(model));
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

const feeds: Record<string, RuntimeTensor> = {
  x: { elementType: 'float', dims: [4, 8], data: seeded(32, 77, 2) },
  image: { elementType: 'float', dims: [4, 2, 6, 6], data: seeded(4 * 72, 78, 2) },
};
const context: PassContext = {
  calibration: [
    {
      x: { dims: [4, 8], data: feeds.x!.data as Float32Array },
      image: { dims: [4, 2, 6, 6], data: feeds.image!.data as Float32Array },
    },
  ],
  observe: observeWithOrt,
};

describe('weights held in Constant nodes', () => {
  for (const pass of QUANTIZE_PASSES) {
    it(`${pass.name}: quantizes MatMul/Gemm/Conv weights from Constant nodes; other readers of a Constant still get its exact value`, async () => {
      const model = makeConstantModel();
      const before = writeModel(model);
      const result = await pass.apply(model, context);
      if (result.kind !== 'changed') throw new Error(result.reason);
      expect(writeModel(model)).toEqual(before);
      expect(checkModel(result.model)).toEqual([]);
      const graph = result.model.graph!;
      // The weight and bias Constants became initializers; C (read by Add only) stays a node.
      expect(graph.node.filter((n) => n.opType === 'Constant').map((n) => n.output[0])).toEqual(['C']);
      expect(result.notes).toContain('5 Constant nodes holding weights made initializers');
      const initializers = graph.initializer.map((t) => t.name);
      // W stays in float for ReduceSum; H and K are replaced by int8 copies.
      expect(initializers).toContain('W');
      expect(initializers).toEqual(expect.arrayContaining(['W_quantized', 'H_quantized', 'K_quantized']));
      expect(initializers).not.toContain('H');
      expect(initializers).not.toContain('K');
      const fp32 = await runAll(model, feeds);
      const int8 = await runAll(result.model, feeds);
      expect(int8.w_sum!.data).toEqual(fp32.w_sum!.data);
      for (const output of ['y', 'feature_map']) {
        const diff = maxAbsDiff(fp32[output]!.data as Float32Array, int8[output]!.data as Float32Array);
        expect(diff, output).toBeLessThan(0.05);
        expect(diff, output).toBeGreaterThan(0);
      }
    });
  }

  it('leaves a Constant that is also a graph output as a node (and its MatMul unquantized)', async () => {
    const model = buildModel({
      inputs: [{ name: 'x', elementType: 'float', shape: ['N', 4] }],
      outputs: [
        { name: 'y', elementType: 'float', shape: ['N', 2] },
        { name: 'W', elementType: 'float', shape: [4, 2] },
      ],
      nodes: [
        makeNode('Constant', [], ['W'], { value: makeTensor('', seeded(8, 79), [4, 2]) }),
        makeNode('MatMul', ['x', 'W'], ['y']),
      ],
    });
    for (const pass of QUANTIZE_PASSES)
      expect(await pass.apply(model, context), pass.name).toMatchObject({ kind: 'skipped' });
  });
});
