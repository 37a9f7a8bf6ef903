import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import type { DataFormat } from '../../../src/core/data/types.js';
import { openDataset } from '../../../src/platform/data/index.js';
import { collect, makeTempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

async function usageError(attempt: Promise<unknown>): Promise<string> {
  const error = await attempt.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UsageError);
  expect((error as Error).message).not.toContain('\n');
  return (error as Error).message;
}

describe('openDataset', () => {
  it('picks the reader from the extension, or from format when given', async () => {
    await writeFile(join(dir, 'a.CSV'), 'x\n1\n');
    await writeFile(join(dir, 'b.ndjson'), '{"x": 1}\n');
    await writeFile(join(dir, 'table.txt'), 'x\n2\n');
    expect((await openDataset(join(dir, 'a.CSV'))).format).toBe('csv');
    expect((await openDataset(join(dir, 'b.ndjson'))).format).toBe('jsonl');
    const forced = await openDataset(join(dir, 'table.txt'), { format: 'csv' });
    expect((await collect(forced, { batchSize: 1 })).columns.x!.values).toEqual([2]);
  });

  it('names the path and the accepted formats when it cannot open a file', async () => {
    expect(await usageError(openDataset(join(dir, 'table.txt')))).toMatch(
      /cannot tell the format of dataset .*table\.txt from its extension — name it \.csv, \.jsonl, \.ndjson, \.parquet, \.npy or \.npz/,
    );
    expect(await usageError(openDataset(join(dir, 'missing.csv')))).toMatch(
      /dataset .*missing\.csv does not exist/,
    );
    expect(await usageError(openDataset(dir, { format: 'csv' }))).toMatch(/is not a file/);
    expect(await usageError(openDataset(join(dir, 'a.CSV'), { format: 'xlsx' as DataFormat }))).toMatch(
      /format 'xlsx' is not one we read — use one of csv, jsonl, parquet, npy, npz/,
    );
  });
});
