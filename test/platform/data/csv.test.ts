import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { openDataset } from '../../../src/platform/data/index.js';
import { collect, doublesFromHex, hasPandas, makeTempDir, python } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

async function csvFile(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function readError(path: string, batchSize = 2): Promise<UsageError> {
  const source = await openDataset(path);
  const error = await collect(source, { batchSize }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).not.toContain('\n');
  return error as UsageError;
}

describe('CSV reader', () => {
  it('reads RFC 4180 quoting, CRLF, blank fields as NaN and infers types from the first batch', async () => {
    const path = await csvFile(
      'rfc.csv',
      '\ufeffx,label,y\r\n1.5,"a, ""quoted"" one",-2e3\r\n,"two\r\nlines",NaN\r\n\r\n3,plain,"4"\r\n-0.25,é,inf',
    );
    const source = await openDataset(path);
    expect(await source.columnNames()).toEqual(['x', 'label', 'y']);
    const got = await collect(source, { batchSize: 2 });
    expect(got.rows).toBe(4);
    expect(got.starts).toEqual([0, 2]);
    expect(got.columns.x).toEqual({ type: 'float64', rowShape: [], values: [1.5, NaN, 3, -0.25] });
    expect(got.columns.label!.type).toBe('string');
    expect(got.columns.label!.values).toEqual(['a, "quoted" one', 'two\r\nlines', 'plain', 'é']);
    expect(got.columns.y!.values).toEqual([-2000, NaN, 4, Infinity]);
  });

  it('parses numbers exactly like V8 (fast path and fallback agree on awkward values)', async () => {
    const values = [
      '0',
      '-0',
      '1e22',
      '1e23',
      '9007199254740993',
      '0.1',
      '0.30000000000000004',
      '1.7976931348623157e308',
      '5e-324',
      '123456789012345678901234567890',
      '.5',
      '-.5e-2',
      '+7',
      '4.',
      '1E5',
      '2.2250738585072014e-308',
    ];
    const path = await csvFile('numbers.csv', `v\n${values.join('\n')}\n`);
    const got = await collect(await openDataset(path), { batchSize: 64 });
    expect(got.columns.v!.values).toEqual(values.map(Number));
    expect(Object.is(got.columns.v!.values[1], -0)).toBe(true);
  });

  it('agrees with Number() on 30,000 random decimals of every length', async () => {
    let seed = 12345;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const texts: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const x = (random() - 0.5) * 10 ** Math.floor(random() * 40 - 20);
      texts.push(String(x), x.toPrecision(1 + Math.floor(random() * 21)));
      const digits = Array.from({ length: 1 + Math.floor(random() * 21) }, () =>
        Math.floor(random() * 10),
      ).join('');
      const dot = Math.floor(random() * digits.length);
      texts.push(`${random() < 0.5 ? '-' : ''}${digits.slice(0, dot)}.${digits.slice(dot)}`);
    }
    const path = await csvFile('random.csv', `v\n${texts.join('\n')}\n`);
    const got = await collect(await openDataset(path), { batchSize: 4096 });
    const mismatches = texts.filter((t, i) => !Object.is(got.columns.v!.values[i], Number(t)));
    expect(mismatches).toEqual([]);
  });

  it('keeps a column as string when the first batch has text, and fails on later text in a number column', async () => {
    const path = await csvFile('late.csv', 'a,b\n1,x\n2,3\n3,y\noops,z\n');
    const first = await collect(await openDataset(path), { batchSize: 10 });
    expect(first.columns.a!.type).toBe('string');
    expect(first.columns.b!.values).toEqual(['x', '3', 'y', 'z']);
    const error = await readError(path, 2);
    expect(error.message).toMatch(/late\.csv:5: column 'a' has "oops", not a number/);
  });

  it('rejects ragged rows, text after a closing quote and unterminated quotes with file:line', async () => {
    expect((await readError(await csvFile('few.csv', 'a,b\n1,2\n3\n'))).message).toMatch(
      /few\.csv:3: row has 1 fields but the header has 2 \(no value for column 'b'\)/,
    );
    expect((await readError(await csvFile('fewer.csv', 'a,b,c\n1,2,3\n4\n'))).message).toMatch(
      /fewer\.csv:3: row has 1 fields but the header has 3 \(no value for column 'b' and 1 more\)/,
    );
    expect((await readError(await csvFile('many.csv', 'a,b\n1,2,3\n'))).message).toMatch(
      /many\.csv:2: row has more than 2 fields but the header has 2 \(a field past the last column 'b'\)/,
    );
    expect((await readError(await csvFile('after.csv', 'a,b\n"x"y,2\n'))).message).toMatch(
      /after\.csv:2: .*closing quote/,
    );
    expect((await readError(await csvFile('open.csv', 'a,b\n1,"never closed\n2,3\n'))).message).toMatch(
      /open\.csv:2: quoted field is never closed/,
    );
    await expect(openDataset(await csvFile('empty.csv', ''))).rejects.toThrow(/empty\.csv is empty/);
    await expect(openDataset(await csvFile('dup.csv', 'a,a\n1,2\n'))).rejects.toThrow(
      /column 'a' appears twice/,
    );
    const source = await openDataset(await csvFile('cols.csv', 'a,b\n1,2\n'));
    await expect(collect(source, { batchSize: 1, columns: ['c'] })).rejects.toThrow(
      /column 'c' is not in .*choose from: a, b/,
    );
    await expect(collect(source, { batchSize: 0 })).rejects.toThrow(/batch size 0/);
    await expect(collect(source, { batchSize: 1, shard: { index: 2, count: 2 } })).rejects.toThrow(
      /shard 2\/2/,
    );
  });

  it('partitions rows exactly across shards, records that span read chunks included', async () => {
    // Quoted multi-line fields and a > 1 MiB file make records straddle the reader's window.
    const lines = ['id,text,value'];
    for (let i = 0; i < 30_000; i++) {
      const text = i % 7 === 0 ? `"line ${i}\nsecond, ""line"""` : `t${i}`;
      lines.push(`${i},${text},${i % 5 === 0 ? '' : i / 4}`);
    }
    const path = await csvFile('shards.csv', lines.join('\n') + '\n');
    const whole = await collect(await openDataset(path), { batchSize: 1000 });
    expect(whole.columns.id!.values).toEqual(Array.from({ length: 30_000 }, (_, i) => i));
    expect(whole.columns.text!.values[7]).toBe('line 7\nsecond, "line"');
    const seen: number[] = [];
    for (let index = 0; index < 3; index++) {
      const part = await collect(await openDataset(path), { batchSize: 777, shard: { index, count: 3 } });
      const ids = part.columns.id!.values as number[];
      expect(ids.every((id) => id % 3 === index)).toBe(true);
      expect(part.starts[0]).toBe(index);
      expect(part.starts[1]).toBe(index + 777 * 3);
      expect(part.columns.value!.values).toEqual(ids.map((i) => (i % 5 === 0 ? NaN : i / 4)));
      seen.push(...ids);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(whole.columns.id!.values);
  });

  it('grows its window for a record longer than one read', async () => {
    const long = 'x'.repeat(3 * 1024 * 1024);
    const path = await csvFile('long.csv', `a,b\n1,"${long}\n""end"""\n2,short\n`);
    const got = await collect(await openDataset(path), { batchSize: 1 });
    expect(got.columns.a!.values).toEqual([1, 2]);
    expect(got.columns.b!.values).toEqual([`${long}\n"end"`, 'short']);
  });

  it('materializes only the requested columns, in the requested order', async () => {
    const path = await csvFile('pick.csv', 'a,b,c\n1,x,2\n3,y,4\n');
    const source = await openDataset(path);
    const batches = [];
    for await (const batch of source.batches({ batchSize: 10, columns: ['c', 'a'] })) batches.push(batch);
    expect(batches[0]!.columns.map((c) => c.name)).toEqual(['c', 'a']);
    expect(Array.from(batches[0]!.columns[0]!.data as Float64Array)).toEqual([2, 4]);
  });

  it.runIf(hasPandas)('reads what pandas.to_csv wrote, value for value', async () => {
    const out = python(
      `
import numpy as np, pandas as pd, json
rng = np.random.default_rng(7)
n = 5000
df = pd.DataFrame({
  'f': rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8, n),
  'i': rng.integers(-10**6, 10**6, n).astype('float64'),
  'g': np.where(rng.random(n) < 0.1, np.nan, rng.random(n)),
  's': ['row %d, "q" \\n %s' % (k, 'é' * (k % 3)) for k in range(n)],
})
df.to_csv('pandas.csv', index=False)
df.to_csv('pandas-crlf.csv', index=False, lineterminator='\\r\\n')
print(json.dumps({c: df[c].to_numpy('<f8').tobytes().hex() for c in 'fig'} | {'s': list(df['s'])}))
`,
      dir,
    );
    const expected = JSON.parse(out) as Record<string, string | string[]>;
    for (const file of ['pandas.csv', 'pandas-crlf.csv']) {
      const got = await collect(await openDataset(join(dir, file)), { batchSize: 512 });
      for (const c of ['f', 'i', 'g'])
        expect(got.columns[c]!.values).toEqual(doublesFromHex(expected[c] as string));
      // pandas keeps a newline inside a quoted field as written, whatever the line terminator.
      const strings = expected.s as string[];
      expect(got.columns.s!.values).toEqual(strings);
    }
  });

  it('streams a 200 MB CSV in bounded memory', { timeout: 180_000 }, async () => {
    const path = join(dir, 'big.csv');
    const stream = createWriteStream(path);
    stream.write('a,b,c,d,e,f,g,h,label\n');
    const row = (i: number) => `${i},${i * 0.5},${-i},0.123456,1e-3,${i % 97},7.25,-3.5,label${i % 10}\n`;
    let written = 0;
    for (let i = 0; written < 200 * 1024 * 1024; i++) {
      const chunk = Array.from({ length: 1000 }, (_, k) => row(i * 1000 + k)).join('');
      written += chunk.length;
      if (!stream.write(chunk)) await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve) => stream.end(() => resolve()));

    const before = process.memoryUsage().rss;
    let peak = before;
    let rows = 0;
    let checksum = 0;
    for await (const batch of (await openDataset(path)).batches({ batchSize: 8192 })) {
      rows += batch.rows;
      checksum += (batch.columns[0]!.data as Float64Array)[0]!;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(rows).toBeGreaterThan(2_000_000);
    expect(checksum).toBeGreaterThan(0);
    expect(peak - before).toBeLessThan(150 * 1024 * 1024);
  });
});
