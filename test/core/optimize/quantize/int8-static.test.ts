import { describe, expect, it } from 'vitest';
import { checkModel, tensorValues, writeModel } from '../../../../src/core/onnx/index.js';
import { UsageError } from '../../../../src/core/errors.js';
import type { CalibrationFeed } from '../../../../src/core/optimize/pass.js';
import { int8StaticPass } from '../../../../src/core/optimize/quantize/index.js';
import { activationRange } from '../../../../src/core/optimize/quantize/calibration.js';
import {
  makeQuantCnn,
  makeQuantMlp,
  makeTree,
  maxAbsDiff,
  observeWithOrt,
  runFloat,
  seeded,
} from './models.js';

const batches = (n: number, rows: number): CalibrationFeed[] =>
  Array.from({ length: n }, (_, i) => ({
    features: { dims: [rows, 16], data: seeded(rows * 16, 100 + i, 2) },
  }));
const test = { features: { dims: [9, 16], data: seeded(144, 31, 2) } };

describe('int8-static', () => {
  it('inserts QDQ pairs with calibrated ranges; int32 biases; outputs within 0.05 of fp32', async () => {
    const model = makeQuantMlp();
    const before = writeModel(model);
    const result = await int8StaticPass.apply(model, {
      calibration: batches(4, 16),
      observe: observeWithOrt,
    });
    if (result.kind !== 'changed') throw new Error(JSON.stringify(result));
    expect(writeModel(model)).toEqual(before);
    expect(checkModel(result.model)).toEqual([]);
    const graph = result.model.graph!;
    const ops = graph.node.map((n) => n.opType);
    expect(ops.filter((o) => o === 'QuantizeLinear')).toHaveLength(3);
    expect(graph.node.find((n) => n.opType === 'Gemm')!.input[0]).toBe('features_dequantized');
    // Gemm 1's bias (alpha = beta = 1) as int32; Gemm 3 (alpha 0.5) keeps its float bias.
    expect(tensorValues(graph.initializer.find((t) => t.name === 'B1_quantized')!)).toBeInstanceOf(
      Int32Array,
    );
    expect(graph.initializer.some((t) => t.name === 'B3')).toBe(true);
    // The input range: the calibration features are uniform in [-2, 2].
    const scale = tensorValues(graph.initializer.find((t) => t.name === 'features_scale')!)[0] as number;
    expect(scale).toBeGreaterThan(3.9 / 255);
    expect(scale).toBeLessThanOrEqual(4 / 255);
    expect(maxAbsDiff(await runFloat(model, test), await runFloat(result.model, test))).toBeLessThan(0.05);
    expect(result.notes[0]).toBe(
      '2 Gemm, 1 MatMul in QDQ int8: 3 activation ranges from 4 calibration batches (min-max), 3 weights int8 per channel',
    );
  });

  it('percentile calibration clips outliers', () => {
    const values = Float32Array.from({ length: 10001 }, (_, i) => (i - 5000) / 5000);
    values[0] = -1000;
    values[10000] = 1000;
    expect(activationRange([values], 'minmax', 0)).toEqual([-1000, 1000]);
    const [lo, hi] = activationRange([values], 'percentile', 99.9);
    expect(lo).toBeCloseTo(-0.998, 3);
    expect(hi).toBeCloseTo(0.998, 3);
  });

  it('quantizes a CNN with percentile ranges within 0.05 of fp32', async () => {
    const feed = (seed: number): CalibrationFeed => ({
      image: { dims: [4, 3, 8, 8], data: seeded(768, seed) },
    });
    const result = await int8StaticPass.apply(makeQuantCnn(), {
      calibration: [feed(1), feed(2)],
      observe: observeWithOrt,
      options: { calibration: 'percentile', percentile: 99.9 },
    });
    if (result.kind !== 'changed') throw new Error('expected a change');
    expect(checkModel(result.model)).toEqual([]);
    const image = { image: { dims: [2, 3, 8, 8], data: seeded(384, 12) } };
    expect(
      maxAbsDiff(await runFloat(makeQuantCnn(), image), await runFloat(result.model, image)),
    ).toBeLessThan(0.05);
  });

  it('skips without calibration data or quantizable ops', async () => {
    expect(await int8StaticPass.apply(makeQuantMlp(), {})).toEqual({
      kind: 'skipped',
      reason: 'static int8 needs calibration data: give --data with rows the model can run on',
    });
    expect(
      await int8StaticPass.apply(makeTree(), { calibration: [], observe: observeWithOrt }),
    ).toMatchObject({
      kind: 'skipped',
      reason: /no MatMul, Gemm or Conv/,
    });
  });

  it('rejects calibration data of the wrong shape, naming the input and the expected shape', async () => {
    const apply = (feed: CalibrationFeed) =>
      int8StaticPass.apply(makeQuantMlp(), { calibration: [feed], observe: observeWithOrt });
    await expect(apply({ features: { dims: [4, 15], data: new Float32Array(60) } })).rejects.toThrow(
      "calibration data for input 'features' has shape [4, 15]; the model expects [N, 16] — reshape the calibration data for 'features' to [N, 16]",
    );
    await expect(apply({ features: { dims: [4, 16], data: new Float32Array(10) } })).rejects.toThrow(
      /has shape \[4, 16\] but 10 values/,
    );
    await expect(apply({ x: { dims: [4, 16], data: new Float32Array(64) } })).rejects.toThrow(
      "calibration data has no values for model input 'features'",
    );
    await expect(apply({ features: { dims: [64], data: new Float32Array(64) } })).rejects.toBeInstanceOf(
      UsageError,
    );
  });
});
