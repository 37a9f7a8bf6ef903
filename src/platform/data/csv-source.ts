import type { Column, DataBatch, DatasetSource } from '../../core/data/types.js';
import { resolveBatchRequest, type BatchOptions, type BatchRequest } from './batch-request.js';
import { ByteWindow } from './byte-window.js';
import { CsvScanner, FLOAT, newCsvRows, SKIP, TEXT, type CsvRows } from './csv-scanner.js';

/**
 * Opens a CSV file (RFC 4180, header row, comma-separated, LF or CRLF). Reads only the header now;
 * batches stream the file through a fixed-size window.
 */
export async function openCsv(path: string): Promise<DatasetSource> {
  const names = await withScanner(path, (scanner) => scanner.readHeader());
  return {
    path,
    format: 'csv',
    columnNames: async () => [...names],
    batches: (options) => csvBatches(path, names, options),
  };
}

async function withScanner<T>(path: string, use: (scanner: CsvScanner) => Promise<T>): Promise<T> {
  const window = await ByteWindow.open(path);
  try {
    return await use(new CsvScanner(path, window));
  } finally {
    await window.close();
  }
}

/**
 * Column types come from the first `batchSize` rows of the file, ignoring the shard, so every shard
 * of a file agrees on them: a column whose values there are all numbers or blanks/NA markers is
 * float64 (blanks are NaN); anything else is string. A later non-number in a float64 column is a
 * UsageError naming file:line and the column.
 */
async function* csvBatches(path: string, names: string[], options: BatchOptions): AsyncGenerator<DataBatch> {
  const request = resolveBatchRequest(path, options, names);
  const { kinds, inferredFrom } = await inferKinds(path, names, request);
  const window = await ByteWindow.open(path);
  try {
    const scanner = new CsvScanner(path, window);
    await scanner.readHeader();
    scanner.kinds = kinds;
    scanner.inferredFrom = inferredFrom;
    scanner.shardIndex = request.shardIndex;
    scanner.shardCount = request.shardCount;
    for (;;) {
      const out = newCsvRows(kinds, request.batchSize);
      const full = await scanner.fill(out);
      if (out.rows > 0) yield toBatch(out, kinds, names, request);
      if (!full) return;
    }
  } finally {
    await window.close();
  }
}

/**
 * A first pass over the first `batchSize` rows that parses every selected column as numbers and
 * notes the ones that are not, without keeping any text. The batches then read the file again from
 * the top: re-scanning one batch of rows is cheaper than holding it as strings.
 */
async function inferKinds(
  path: string,
  names: string[],
  request: BatchRequest,
): Promise<{ kinds: Uint8Array; inferredFrom: number }> {
  return withScanner(path, async (scanner) => {
    await scanner.readHeader();
    const kinds = new Uint8Array(names.length).fill(SKIP);
    for (const j of request.selected) kinds[j] = FLOAT;
    scanner.kinds = kinds.slice();
    scanner.textColumns = new Set();
    const probe = newCsvRows(scanner.kinds, request.batchSize);
    await scanner.fill(probe);
    for (const j of scanner.textColumns) kinds[j] = TEXT;
    return { kinds, inferredFrom: probe.rows };
  });
}

function toBatch(out: CsvRows, kinds: Uint8Array, names: string[], request: BatchRequest): DataBatch {
  const columns: Column[] = request.selected.map((j) =>
    kinds[j] === FLOAT
      ? { name: names[j]!, type: 'float64', rowShape: [], data: out.floats[j]!.subarray(0, out.rows) }
      : {
          name: names[j]!,
          type: 'string',
          rowShape: [],
          data: out.rows === out.capacity ? out.texts[j]! : out.texts[j]!.slice(0, out.rows),
        },
  );
  return { start: out.start, rows: out.rows, columns };
}
