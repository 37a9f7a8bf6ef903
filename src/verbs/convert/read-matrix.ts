import { UsageError } from '../../core/errors.js';
import type { Matrix } from '../../core/convert/index.js';

/** A dataset file as one matrix of all its columns, and as one matrix per named column. */
export interface NamedMatrices {
  whole: Matrix;
  byName: Map<string, Matrix>;
}

/** Reads every column of a dataset file into one dense row-major matrix of numbers. */
export async function readMatrix(path: string, what: string): Promise<Matrix> {
  return (await readColumns(path, what)).whole;
}

/**
 * Reads a dataset file whole and by column: an NPZ of arrays named after the model's outputs
 * (np.savez(path, probabilities=p, label=l)) becomes one reference per output.
 */
export async function readColumns(path: string, what: string): Promise<NamedMatrices> {
  const { openDataset } = await import('../../platform/data/index.js');
  const source = await openDataset(path);
  const chunks: Float64Array[] = [];
  const named = new Map<string, number[]>();
  const widthOf = new Map<string, number>();
  let width = -1;
  let rows = 0;
  for await (const batch of source.batches({ batchSize: 65_536 })) {
    const widths = batch.columns.map((c) => c.rowShape.reduce((n, d) => n * d, 1));
    const batchWidth = widths.reduce((n, w) => n + w, 0);
    if (width >= 0 && batchWidth !== width) throw new UsageError(`${what} ${path}: rows of different widths`);
    width = batchWidth;
    const out = new Float64Array(batch.rows * width);
    let offset = 0;
    batch.columns.forEach((column, c) => {
      if (Array.isArray(column.data)) {
        throw new UsageError(`${what} ${path}: column '${column.name}' holds text, not numbers`, {
          fix: 'give numeric columns only (encode categories before converting)',
        });
      }
      const w = widths[c]!;
      const data = column.data;
      const own = named.get(column.name) ?? [];
      named.set(column.name, own);
      widthOf.set(column.name, w);
      for (let r = 0; r < batch.rows; r++)
        for (let k = 0; k < w; k++) {
          const value = Number(data[r * w + k]!);
          out[r * width + offset + k] = value;
          own.push(value);
        }
      offset += w;
    });
    chunks.push(out);
    rows += batch.rows;
  }
  const data = new Float64Array(rows * Math.max(width, 0));
  let at = 0;
  for (const chunk of chunks) {
    data.set(chunk, at);
    at += chunk.length;
  }
  const byName = new Map<string, Matrix>();
  for (const [name, values] of named) {
    byName.set(name, { rows, width: widthOf.get(name)!, data: Float64Array.from(values) });
  }
  return { whole: { rows, width: Math.max(width, 0), data }, byName };
}
