import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { openDataset } from '../../../src/platform/data/index.js';
import { collect, makeTempDir } from './helpers.js';
import { parquetBytes, type ParquetTestColumn } from './parquet-writer.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

// Neither pyarrow nor fastparquet is installed, so pandas cannot write Parquet here: files come from
// our test writer, plus the one pyarrow-written file Debian's pandas ships with its tests.
const PANDAS_SAMPLE = '/usr/lib/python3/dist-packages/pandas/tests/io/data/parquet/simple.parquet';

const ROWS = 250;
const columns: ParquetTestColumn[] = [
  { name: 'f64', type: 'DOUBLE', values: Array.from({ length: ROWS }, (_, i) => i / 8) },
  {
    name: 'f32',
    type: 'FLOAT',
    optional: true,
    values: Array.from({ length: ROWS }, (_, i) => (i % 9 === 0 ? null : i)),
  },
  { name: 'i32', type: 'INT32', values: Array.from({ length: ROWS }, (_, i) => 0 - i) },
  { name: 'i64', type: 'INT64', values: Array.from({ length: ROWS }, (_, i) => BigInt(i) * 10n ** 12n) },
  { name: 'flag', type: 'BOOLEAN', values: Array.from({ length: ROWS }, (_, i) => i % 3 === 0) },
  { name: 'label', type: 'BYTE_ARRAY', utf8: true, values: Array.from({ length: ROWS }, (_, i) => `r${i}é`) },
];

describe('Parquet reader', () => {
  it('reads flat columns across row groups into typed columns, nulls as NaN', async () => {
    const path = join(dir, 'table.parquet');
    await writeFile(path, parquetBytes(columns, 64));
    const source = await openDataset(path);
    expect(await source.columnNames()).toEqual(['f64', 'f32', 'i32', 'i64', 'flag', 'label']);
    const got = await collect(source, { batchSize: 100 });
    expect(got.starts).toEqual([0, 100, 200]);
    expect(got.columns.f64).toEqual({ type: 'float64', rowShape: [], values: columns[0]!.values });
    expect(got.columns.f32!.type).toBe('float32');
    expect(got.columns.f32!.values).toEqual(columns[1]!.values.map((v) => (v === null ? NaN : v)));
    expect(got.columns.i32).toEqual({ type: 'int32', rowShape: [], values: columns[2]!.values });
    expect(got.columns.i64).toEqual({ type: 'int64', rowShape: [], values: columns[3]!.values });
    expect(got.columns.flag!.values).toEqual(columns[4]!.values.map((v) => (v ? 1 : 0)));
    expect(got.columns.label).toEqual({ type: 'string', rowShape: [], values: columns[5]!.values });
  });

  it('partitions rows exactly across shards and row groups, with selected columns', async () => {
    const path = join(dir, 'table.parquet');
    const seen: number[] = [];
    for (let index = 0; index < 3; index++) {
      const part = await collect(await openDataset(path), {
        batchSize: 16,
        shard: { index, count: 3 },
        columns: ['label', 'i32'],
      });
      expect(Object.keys(part.columns)).toEqual(['label', 'i32']);
      expect(part.starts[1]).toBe(index + 16 * 3);
      const rows = (part.columns.i32!.values as number[]).map((v) => 0 - v);
      expect(rows.every((r) => r % 3 === index)).toBe(true);
      expect(part.columns.label!.values).toEqual(rows.map((r) => `r${r}é`));
      seen.push(...rows);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
  });

  it('refuses nulls in integer columns, non-Parquet files and unknown columns in one line', async () => {
    const nulls = join(dir, 'nulls.parquet');
    await writeFile(
      nulls,
      parquetBytes([{ name: 'n', type: 'INT32', optional: true, values: [1, null, 3] }], 10),
    );
    await writeFile(join(dir, 'junk.parquet'), 'not parquet');
    const failures: [() => Promise<unknown>, RegExp][] = [
      [
        async () => collect(await openDataset(nulls), { batchSize: 2 }),
        /column 'n' \(int32\) is null at row 1/,
      ],
      [() => openDataset(join(dir, 'junk.parquet')), /cannot be read as Parquet/],
      [
        async () => collect(await openDataset(nulls), { batchSize: 2, columns: ['m'] }),
        /column 'm' is not in/,
      ],
    ];
    for (const [attempt, message] of failures) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it.runIf(existsSync(PANDAS_SAMPLE))(
    'reads a pyarrow-written, snappy, dictionary-encoded file',
    async () => {
      const source = await openDataset(PANDAS_SAMPLE);
      const got = await collect(source, { batchSize: 2 });
      expect(got.columns.A).toEqual({ type: 'int64', rowShape: [], values: [1n, 2n, 3n] });
      expect(got.columns.B).toEqual({ type: 'string', rowShape: [], values: ['foo', 'foo', 'foo'] });
    },
  );
});
