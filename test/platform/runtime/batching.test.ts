import { describe, it, expect } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { writeModel } from '../../../src/core/onnx/model-codec.js';
import { runBatches, type BatchResult } from '../../../src/platform/runtime/batching.js';
import { rowsToTensor } from '../../../src/platform/runtime/runtime-tensor.js';
import { createSession } from '../../../src/platform/runtime/session.js';
import { logisticRegressionExpected, makeLogisticRegression, makeMlp } from '../../core/onnx/models.js';

async function* stream(rows: number[][]): AsyncGenerator<number[]> {
  for (const row of rows) {
    await new Promise((resolve) => setImmediate(resolve));
    yield row;
  }
}

async function collect(results: AsyncIterable<BatchResult>): Promise<BatchResult[]> {
  const out: BatchResult[] = [];
  for await (const r of results) out.push(r);
  return out;
}

describe('runBatches', () => {
  const rows = Array.from({ length: 10 }, (_, i) => [i / 10, -i / 5, (i % 3) - 1]);

  it('runs an async stream of rows in batches of N, in order, with a short last batch', async () => {
    const runtime = await createSession(writeModel(makeLogisticRegression()));
    const batches = await collect(runBatches(runtime, stream(rows), { batchSize: 4 }));
    expect(batches.map((b) => [b.start, b.rows, b.outputs.p!.dims[0]])).toEqual([
      [0, 4, 4],
      [4, 4, 4],
      [8, 2, 2],
    ]);
    const probabilities = batches.flatMap((b) => Array.from(b.outputs.p!.data as Float32Array));
    const expected = logisticRegressionExpected(rows);
    probabilities.forEach((p, i) => expect(Math.abs(p - expected[i]!)).toBeLessThan(1e-6));
    await runtime.release();
  });

  it('takes plain iterables and a custom feed builder', async () => {
    const runtime = await createSession(writeModel(makeMlp()));
    const records = [{ f: [1, 2, 3, 4] }, { f: [0, 0, 0, 0] }, { f: [4, 3, 2, 1] }];
    const batches = await collect(
      runBatches(runtime, records, {
        batchSize: 2,
        toFeeds: (b) => ({ features: rowsToTensor(b.map((r) => r.f)) }),
      }),
    );
    expect(batches.map((b) => b.outputs.probabilities!.dims)).toEqual([
      [2, 2],
      [1, 2],
    ]);
    await runtime.release();
  });

  it('yields nothing for no rows and refuses a bad batch size', async () => {
    const runtime = await createSession(writeModel(makeLogisticRegression()));
    expect(await collect(runBatches(runtime, [], { batchSize: 3 }))).toEqual([]);
    await expect(collect(runBatches(runtime, rows, { batchSize: 0 }))).rejects.toThrow(UsageError);
    await expect(collect(runBatches(runtime, rows, { batchSize: 0 }))).rejects.toThrow(
      'batch size 0 is not a positive integer — pass --batch-size 1 or more',
    );
    await runtime.release();
  });
});
