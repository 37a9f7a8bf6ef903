import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Column, DataBatch, DatasetSource } from '../../../src/core/data/types.js';
import { buildModel, makeNode, makeTensor, writeModel } from '../../../src/core/onnx/index.js';
import type { Logger } from '../../../src/platform/logger.js';
import type { VerbDeps } from '../../../src/verbs/types.js';

/** Deterministic pseudo-random numbers in [0, 1) (a small LCG; tests need repeatability, not quality). */
export function randoms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * An in-memory dataset with the readers' contract (batches, shards, column selection), for tests
 * of the verb's logic that must not depend on a file format.
 */
export function memorySource(table: Record<string, number[] | string[]>): DatasetSource {
  const names = Object.keys(table);
  const total = table[names[0]!]!.length;
  return {
    path: 'memory',
    format: 'csv',
    columnNames: async () => names,
    async *batches({ batchSize, shard = { index: 0, count: 1 }, columns = names }) {
      let rows: number[] = [];
      const flush = (): DataBatch => {
        const batch: DataBatch = {
          start: rows[0]!,
          rows: rows.length,
          columns: columns.map((name): Column => {
            const values = table[name]!;
            const picked = rows.map((r) => values[r]!);
            return typeof picked[0] === 'string'
              ? { name, type: 'string', rowShape: [], data: picked as string[] }
              : { name, type: 'float64', rowShape: [], data: Float64Array.from(picked as number[]) };
          }),
        };
        rows = [];
        return batch;
      };
      for (let r = shard.index; r < total; r += shard.count) {
        rows.push(r);
        if (rows.length === batchSize) yield flush();
      }
      if (rows.length > 0) yield flush();
    },
  };
}

/** A softmax classifier: x[batch, features] → probabilities[batch, classes]. */
export function softmaxModelBytes(weights: number[][], bias: number[]): Uint8Array {
  const features = weights.length;
  const classes = bias.length;
  return writeModel(
    buildModel({
      inputs: [{ name: 'x', elementType: 'float', shape: ['batch', features] }],
      outputs: [{ name: 'probabilities', elementType: 'float', shape: ['batch', classes] }],
      initializers: [
        makeTensor('w', new Float32Array(weights.flat()), [features, classes]),
        makeTensor('b', new Float32Array(bias), [classes]),
      ],
      nodes: [
        makeNode('MatMul', ['x', 'w'], ['xw']),
        makeNode('Add', ['xw', 'b'], ['logits']),
        makeNode('Softmax', ['logits'], ['probabilities'], { axis: { int: 1 } }),
      ],
    }),
  );
}

/** A linear regressor: x[batch, features] → value[batch, 1]. */
export function regressionModelBytes(weights: number[], bias: number): Uint8Array {
  return writeModel(
    buildModel({
      inputs: [{ name: 'x', elementType: 'float', shape: ['batch', weights.length] }],
      outputs: [{ name: 'value', elementType: 'float', shape: ['batch', 1] }],
      initializers: [
        makeTensor('w', new Float32Array(weights), [weights.length, 1]),
        makeTensor('b', new Float32Array([bias]), [1]),
      ],
      nodes: [makeNode('MatMul', ['x', 'w'], ['xw']), makeNode('Add', ['xw', 'b'], ['value'])],
    }),
  );
}

/** A temp directory holding the given files. */
export async function tempDir(files: Record<string, string | Uint8Array> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'modelops-eval-'));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

/** Verb dependencies for a local run in `cwd`, logging into `lines`. */
export function localDeps(cwd: string, lines: string[] = []): VerbDeps {
  const logger: Logger = {
    debug: () => undefined,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    group: (_t, fn) => fn(),
  };
  return {
    logger,
    progress: () => ({ tick: () => undefined, update: () => undefined, done: () => undefined }),
    cwd,
    clock: () => new Date('2026-01-01T00:00:00Z'),
    env: {},
  };
}
