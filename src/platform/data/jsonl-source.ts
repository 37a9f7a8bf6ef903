import { UsageError } from '../../core/errors.js';
import type { DataBatch, DatasetSource } from '../../core/data/types.js';
import { resolveBatchRequest, type BatchOptions } from './batch-request.js';
import { ByteWindow } from './byte-window.js';
import { describeKind, JsonColumnWriter, kindOf, sameKind, type JsonColumnKind } from './json-columns.js';

const NL = 10;

/** A parsed line of a JSONL file. */
interface JsonRow {
  line: number;
  row: number;
  value: Record<string, unknown>;
}

/**
 * Opens a JSON Lines file: one object per line. The columns are the keys of the first object, in
 * its order; blank lines are skipped and do not count as rows.
 */
export async function openJsonl(path: string): Promise<DatasetSource> {
  let names: string[] | undefined;
  for await (const rows of jsonRows(path, (row) => row === 0)) {
    const first = rows[0];
    if (first) {
      names = Object.keys(first.value);
      break;
    }
  }
  if (!names) throw new UsageError(`${path} has no rows`, { fix: 'write one JSON object per line' });
  const columns = names;
  return {
    path,
    format: 'jsonl',
    columnNames: async () => [...columns],
    batches: (options) => jsonlBatches(path, columns, options),
  };
}

/**
 * Column kinds come from the first `batchSize` rows of the file (all shards alike): number →
 * float64, boolean → bool, string → string, a rectangular array of numbers → float64 with that
 * rowShape. A null number is NaN, a null string ''. Any later value of another kind, bad JSON, or
 * (without `columns`) a key missing from the first line is a UsageError naming the line.
 * Rows of other shards are not parsed, so their errors surface only in their own shard.
 */
async function* jsonlBatches(
  path: string,
  names: string[],
  options: BatchOptions,
): AsyncGenerator<DataBatch> {
  const request = resolveBatchRequest(path, options, names);
  const { batchSize, shardIndex, shardCount } = request;
  const selected = request.selected.map((j) => names[j]!);
  const known = options.columns ? undefined : new Set(names);
  let writers: JsonColumnWriter[] | undefined;
  let probe: JsonRow[] = [];
  let rows = 0;
  let start = -1;
  const flush = (): DataBatch => {
    const batch = { start, rows, columns: writers!.map((w) => w.column(rows)) };
    for (const w of writers!) w.reset();
    rows = 0;
    start = -1;
    return batch;
  };
  const add = (item: JsonRow): void => {
    if (known) for (const key in item.value) if (!known.has(key)) throw extraKey(path, item.line, key);
    if (rows === 0) start = item.row;
    for (const w of writers!) w.write(rows, item.value[w.name], item.line);
    rows++;
  };

  const keep = (row: number): boolean => writers === undefined || row % shardCount === shardIndex;
  for await (const parsed of jsonRows(path, keep)) {
    for (const item of parsed) {
      if (!writers) {
        probe.push(item);
        if (probe.length < batchSize) continue;
        writers = inferWriters(path, selected, probe, batchSize);
        for (const p of probe) if (p.row % shardCount === shardIndex) add(p);
        probe = [];
        if (rows === batchSize) yield flush();
        continue;
      }
      // A window parsed during the probe holds every row; keep only the shard's.
      if (item.row % shardCount !== shardIndex) continue;
      add(item);
      if (rows === batchSize) yield flush();
    }
  }
  if (!writers) {
    writers = inferWriters(path, selected, probe, batchSize);
    for (const p of probe) if (p.row % shardCount === shardIndex) add(p);
  }
  if (rows > 0) yield flush();
}

function inferWriters(path: string, names: string[], probe: JsonRow[], capacity: number): JsonColumnWriter[] {
  return names.map((name) => {
    let kind: JsonColumnKind | null = null;
    let firstLine = 0;
    for (const { value, line } of probe) {
      const found = kindOf(value[name]);
      if (found === undefined) {
        throw new UsageError(`${path}:${line}: '${name}' holds ${describeKind(found)}`, {
          fix: 'flatten it into number, boolean or string keys, or leave it out with columns',
        });
      }
      if (found === null) continue;
      if (kind === null) {
        kind = found;
        firstLine = line;
      } else if (!sameKind(kind, found)) {
        throw new UsageError(
          `${path}:${line}: '${name}' is ${describeKind(found)} but line ${firstLine} has ${describeKind(kind)}`,
          { fix: 'give the key the same kind of value on every line (null for a missing value)' },
        );
      }
    }
    return new JsonColumnWriter(path, name, kind ?? { type: 'float64', rowShape: [] }, capacity);
  });
}

function extraKey(path: string, line: number, key: string): UsageError {
  return new UsageError(`${path}:${line}: key '${key}' is not on the first line, which sets the columns`, {
    fix: 'put every key on the first line (null for a missing value), or pick columns with `columns`',
  });
}

/**
 * Streams the file's non-blank lines as parsed objects, one array per window of the file.
 * Lines for which `keep(row)` is false are counted but not parsed.
 */
async function* jsonRows(path: string, keep: (row: number) => boolean): AsyncGenerator<JsonRow[]> {
  const window = await ByteWindow.open(path);
  try {
    let line = 0;
    let row = 0;
    while (await window.refill()) {
      const { buf, limit } = window;
      const out: JsonRow[] = [];
      let pos = window.pos;
      while (pos <= limit) {
        const nl = buf.indexOf(NL, pos);
        line++;
        if (!isBlank(buf, pos, nl)) {
          if (keep(row)) out.push({ line, row, value: parseLine(path, buf.toString('utf8', pos, nl), line) });
          row++;
        }
        pos = nl + 1;
      }
      window.pos = pos;
      yield out;
    }
  } finally {
    await window.close();
  }
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function parseLine(path: string, text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    // JSON.parse rejects a byte order mark; editors on Windows still write one.
    value = JSON.parse(line === 1 && text.startsWith('\ufeff') ? text.slice(1) : text);
  } catch (error) {
    throw new UsageError(`${path}:${line}: not valid JSON (${(error as Error).message.split('\n')[0]})`, {
      fix: 'write one JSON object per line',
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(
      `${path}:${line}: is ${Array.isArray(value) ? 'an array' : typeof value}, not a JSON object`,
      {
        fix: 'write one JSON object per line, keys as column names',
      },
    );
  }
  return value as Record<string, unknown>;
}
