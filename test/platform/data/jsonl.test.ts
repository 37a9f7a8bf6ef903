import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { openDataset } from '../../../src/platform/data/index.js';
import { collect, makeTempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

async function jsonlFile(name: string, lines: unknown[] | string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof lines === 'string' ? lines : lines.map((l) => JSON.stringify(l)).join('\n'));
  return path;
}

async function failure(path: string, options: { batchSize: number; columns?: string[] } = { batchSize: 4 }) {
  const error = await collect(await openDataset(path), options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).not.toContain('\n');
  return (error as Error).message;
}

describe('JSONL reader', () => {
  it('maps numbers, booleans, strings and number arrays to columns', async () => {
    const path = await jsonlFile('rows.jsonl', [
      {
        x: 1.5,
        ok: true,
        name: 'a',
        v: [1, 2, 3],
        m: [
          [1, 2],
          [3, 4],
        ],
      },
      { x: null, ok: false, name: null, v: [4, 5, 6], m: null },
      {
        x: -2,
        ok: true,
        name: 'ç',
        v: null,
        m: [
          [5, 6],
          [7, 8],
        ],
      },
    ]);
    const source = await openDataset(path);
    expect(source.format).toBe('jsonl');
    expect(await source.columnNames()).toEqual(['x', 'ok', 'name', 'v', 'm']);
    const got = await collect(source, { batchSize: 2 });
    expect(got.starts).toEqual([0, 2]);
    expect(got.columns.x).toEqual({ type: 'float64', rowShape: [], values: [1.5, NaN, -2] });
    expect(got.columns.ok).toEqual({ type: 'bool', rowShape: [], values: [1, 0, 1] });
    expect(got.columns.name!.values).toEqual(['a', '', 'ç']);
    expect(got.columns.v).toEqual({
      type: 'float64',
      rowShape: [3],
      values: [1, 2, 3, 4, 5, 6, NaN, NaN, NaN],
    });
    expect(got.columns.m!.rowShape).toEqual([2, 2]);
    expect(got.columns.m!.values.slice(4, 8)).toEqual([NaN, NaN, NaN, NaN]);
  });

  it('accepts a byte order mark and lines longer than one read', async () => {
    const text = 'y'.repeat(2 * 1024 * 1024);
    const path = await jsonlFile('bom.jsonl', `\ufeff{"t": "${text}", "n": 1}\n{"t": "b", "n": 2}`);
    const got = await collect(await openDataset(path), { batchSize: 8 });
    expect(got.columns.t!.values).toEqual([text, 'b']);
    expect(got.columns.n!.values).toEqual([1, 2]);
  });

  it('shards by row (blank lines do not count) and picks columns', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ id: i, label: `l${i}` }));
    lines.splice(10, 0, '', '   ');
    const path = await jsonlFile('shards.jsonl', lines.join('\r\n') + '\r\n');
    const ids: number[] = [];
    for (let index = 0; index < 4; index++) {
      const part = await collect(await openDataset(path), {
        batchSize: 5,
        shard: { index, count: 4 },
        columns: ['id'],
      });
      expect(Object.keys(part.columns)).toEqual(['id']);
      expect(part.starts[0]).toBe(index);
      ids.push(...(part.columns.id!.values as number[]));
    }
    expect(ids.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('reports bad JSON, kind changes and unknown keys with the line number', async () => {
    expect(await failure(await jsonlFile('bad.jsonl', '{"a": 1}\n{"a": 2}\n\n{"a": 3,}\n'))).toMatch(
      /bad\.jsonl:4: not valid JSON/,
    );
    expect(
      await failure(await jsonlFile('kind.jsonl', [{ a: 1 }, { a: 2 }, { a: 'x' }]), { batchSize: 2 }),
    ).toMatch(/kind\.jsonl:3: 'a' is a string but the column holds a number/);
    expect(await failure(await jsonlFile('mixed.jsonl', [{ a: 1 }, { a: 'x' }]))).toMatch(
      /mixed\.jsonl:2: 'a' is a string but line 1 has a number/,
    );
    expect(await failure(await jsonlFile('ragged.jsonl', [{ a: [1, 2] }, { a: [1, 2, 3] }]))).toMatch(
      /ragged\.jsonl:2: 'a' is a number array of shape \[3\]/,
    );
    expect(await failure(await jsonlFile('nested.jsonl', [{ a: { b: 1 } }]))).toMatch(
      /nested\.jsonl:1: 'a' holds an object/,
    );
    expect(await failure(await jsonlFile('extra.jsonl', [{ a: 1 }, { a: 2, b: 3 }]))).toMatch(
      /extra\.jsonl:2: key 'b' is not on the first line/,
    );
    expect(
      (await collect(await openDataset(join(dir, 'extra.jsonl')), { batchSize: 4, columns: ['a'] })).rows,
    ).toBe(2);
    await expect(openDataset(await jsonlFile('array.jsonl', '[1, 2]\n'))).rejects.toThrow(
      /array\.jsonl:1: is an array, not a JSON object/,
    );
    await expect(openDataset(await jsonlFile('none.jsonl', '\n\n'))).rejects.toThrow(
      /none\.jsonl has no rows/,
    );
  });
});
