import { UsageError } from '../../core/errors.js';
import type { ModelRuntime } from './session.js';
import { rowsToTensor, type RuntimeTensor } from './runtime-tensor.js';

/** One batch's outputs and where its rows sit in the input stream. */
export interface BatchResult {
  /** Index of the batch's first row in the input. */
  start: number;
  rows: number;
  outputs: Record<string, RuntimeTensor>;
}

/** Options for {@link runBatches}. */
export interface BatchOptions<Row> {
  batchSize: number;
  /** Builds the feeds of one batch; default: rows of numbers → float [n, d] tensor for the model's only input. */
  toFeeds?: (rows: Row[]) => Record<string, RuntimeTensor>;
  outputNames?: readonly string[];
}

/**
 * Runs rows through a model in batches of `batchSize` and yields each batch's outputs in order.
 * Rows stream in from any (async) iterable, so a dataset larger than memory is fine; only one
 * batch is held at a time.
 */
export async function* runBatches<Row = number[]>(
  runtime: ModelRuntime,
  rows: AsyncIterable<Row> | Iterable<Row>,
  options: BatchOptions<Row>,
): AsyncGenerator<BatchResult> {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new UsageError(`batch size ${options.batchSize} is not a positive integer`, {
      fix: 'pass --batch-size 1 or more',
    });
  }
  const toFeeds = options.toFeeds ?? defaultFeeds(runtime);
  let batch: Row[] = [];
  let start = 0;
  const flush = async (): Promise<BatchResult> => {
    const outputs = await runtime.run(toFeeds(batch), options.outputNames);
    const result = { start, rows: batch.length, outputs };
    start += batch.length;
    batch = [];
    return result;
  };
  for await (const row of rows) {
    batch.push(row);
    if (batch.length === options.batchSize) yield await flush();
  }
  if (batch.length > 0) yield await flush();
}

function defaultFeeds<Row>(runtime: ModelRuntime): (rows: Row[]) => Record<string, RuntimeTensor> {
  if (runtime.inputNames.length !== 1) {
    throw new UsageError(
      `the model has ${runtime.inputNames.length} inputs (${runtime.inputNames.join(', ')}), so rows cannot be fed as one matrix`,
      {
        fix: 'pass toFeeds to map each batch onto the inputs',
      },
    );
  }
  const name = runtime.inputNames[0]!;
  const elementType = runtime.inputs[0]?.elementType === 'double' ? 'double' : 'float';
  return (rows) => ({ [name]: rowsToTensor(rows as unknown as number[][], elementType) });
}
