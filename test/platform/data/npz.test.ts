import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { openDataset } from '../../../src/platform/data/index.js';
import {
  collect,
  doublesFromHex,
  hasPandas,
  makeTempDir,
  npyBytes,
  python,
  zipBytes,
  type ZipMember,
} from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

const ROWS = 300;
const features = Float32Array.from({ length: ROWS * 4 }, (_, i) => Math.sin(i));
const labels = BigInt64Array.from({ length: ROWS }, (_, i) => BigInt(i % 10));
const bytes = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
const members = (deflate: boolean): ZipMember[] => [
  { name: 'x.npy', data: npyBytes('<f4', [ROWS, 4], bytes(features)), deflate },
  { name: 'y.npy', data: npyBytes('<i8', [ROWS], bytes(labels)), deflate: !deflate },
  { name: 'notes.txt', data: Buffer.from('ignored') },
];

async function npzFile(name: string, data: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, data);
  return path;
}

describe('NPZ reader', () => {
  it('reads stored, deflated and ZIP64 members as one column each, sharded exactly', async () => {
    for (const [name, data] of [
      ['stored.npz', zipBytes(members(false))],
      ['deflated.npz', zipBytes(members(true))],
      ['zip64.npz', zipBytes(members(true), { zip64: true })],
    ] as const) {
      const path = await npzFile(name, data);
      const source = await openDataset(path);
      expect(await source.columnNames()).toEqual(['x', 'y']);
      const whole = await collect(source, { batchSize: 64 });
      expect(whole.columns.x).toEqual({ type: 'float32', rowShape: [4], values: Array.from(features) });
      expect(whole.columns.y!.values).toEqual(Array.from(labels));
      const seen: bigint[] = [];
      let rows = 0;
      for (let index = 0; index < 4; index++) {
        const part = await collect(source, {
          batchSize: 32,
          shard: { index, count: 4 },
          columns: ['y', 'x'],
        });
        expect(Object.keys(part.columns)).toEqual(['y', 'x']);
        expect(part.starts[1]).toBe(index + 32 * 4);
        const firstRow = part.columns.x!.values.slice(0, 4);
        expect(firstRow).toEqual(Array.from(features.subarray(index * 4, index * 4 + 4)));
        seen.push(...(part.columns.y!.values as bigint[]));
        rows += part.rows;
      }
      expect(rows).toBe(ROWS);
      expect(seen.length).toBe(ROWS);
    }
  });

  it('recycle: memory handed back is read into again, holding the next batch values', async () => {
    // 64 rows × 4 float32 = 1 KiB per batch is under the pool's minimum: use wider rows.
    const wide = Float32Array.from({ length: 256 * 64 }, (_, i) => i / 7);
    const path = await npzFile(
      'wide.npz',
      zipBytes([{ name: 'x.npy', data: npyBytes('<f4', [256, 64], bytes(wide)) }]),
    );
    const source = await openDataset(path);
    expect(source.recycle).toBeTypeOf('function');
    const seen: Float32Array[] = [];
    const buffers: ArrayBufferLike[] = [];
    for await (const batch of source.batches({ batchSize: 64 })) {
      const data = batch.columns[0]!.data as Float32Array;
      seen.push(data.slice());
      buffers.push(data.buffer);
      source.recycle!(data.buffer as ArrayBuffer); // this batch's memory is free once we are done with it
    }
    expect(seen).toHaveLength(4);
    expect(new Set(buffers).size).toBe(1); // one buffer, filled four times
    seen.forEach((rows, b) =>
      expect(Array.from(rows)).toEqual(Array.from(wide.subarray(b * 64 * 64, (b + 1) * 64 * 64))),
    );
  });

  it('refuses zip bombs, mismatched rows, corrupt archives and pickles in one line', async () => {
    const bomb = zipBytes([
      { name: 'x.npy', data: npyBytes('<f8', [4], new Uint8Array(32)), deflate: true, declaredSize: 2 ** 31 },
    ]);
    const cases: [string, Buffer, RegExp][] = [
      [
        'bomb.npz',
        bomb,
        /declares 2147483648 bytes, over 100x the \d+-byte file; refusing \(zip bomb guard\)/,
      ],
      [
        'rows.npz',
        zipBytes([
          { name: 'a.npy', data: npyBytes('<f8', [3], new Uint8Array(24)) },
          { name: 'b.npy', data: npyBytes('<f8', [4], new Uint8Array(32)) },
        ]),
        /arrays differ in their first dimension \(a: 3, b: 4\)/,
      ],
      [
        'notzip.npz',
        Buffer.from('PK but not really'),
        /not a readable zip\/\.npz: no zip end-of-central-directory/,
      ],
      ['none.npz', zipBytes([{ name: 'a.txt', data: Buffer.from('x') }]), /holds no \.npy arrays/],
      [
        'pickle.npz',
        zipBytes([{ name: 'o.npy', data: npyBytes('|O', [1], new Uint8Array(8)) }]),
        /object arrays are pickles; refusing/,
      ],
      [
        'lies.npz',
        zipBytes([
          { name: 'a.npy', data: npyBytes('<f8', [3], new Uint8Array(24)), deflate: true, declaredSize: 500 },
        ]),
        /holds 500 bytes but its header .* needs 152/,
      ],
    ];
    for (const [name, data, message] of cases) {
      const error = await openDataset(await npzFile(name, data)).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
    // A stored member is never refused by the ratio guard; the guard can be raised for trusted files.
    const zeros = zipBytes([
      { name: 'z.npy', data: npyBytes('<f8', [20000], new Uint8Array(160000)), deflate: true },
    ]);
    const path = await npzFile('zeros.npz', zeros);
    await expect(openDataset(path)).rejects.toThrow(/zip bomb guard/);
    const trusted = await openDataset(path, { maxInflateRatio: 2000 });
    expect((await collect(trusted, { batchSize: 5000 })).rows).toBe(20000);
  });

  it('stops a member that inflates past its declared size', async () => {
    // Header and declared size agree; the deflated stream carries more than declared.
    const npy = npyBytes('<f8', [8], new Uint8Array(64));
    const zip = zipBytes([
      {
        name: 'a.npy',
        data: Buffer.concat([npy, Buffer.alloc(1 << 20)]),
        deflate: true,
        declaredSize: npy.length,
      },
    ]);
    const error = await openDataset(await npzFile('grows.npz', zip)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/member a\.npy\) inflates past its declared size of \d+ bytes/);
  });

  it.runIf(hasPandas)('reads numpy.savez and numpy.savez_compressed archives', async () => {
    const out = python(
      `
import numpy as np, json
rng = np.random.default_rng(5)
x = rng.standard_normal((123, 3, 2))
y = rng.integers(0, 5, 123).astype('<i4')
m = rng.random(123) < 0.3
np.savez('plain.npz', x=x, y=y, m=m)
np.savez_compressed('small.npz', x=x, y=y, m=m)
np.savez('be.npz', x=x.astype('>f8'), y=y.astype('>i4'), m=m)
print(json.dumps({'x': x.tobytes().hex(), 'y': y.tolist(), 'm': m.astype(int).tolist()}))
`,
      dir,
    );
    const expected = JSON.parse(out) as { x: string; y: number[]; m: number[] };
    for (const name of ['plain.npz', 'small.npz', 'be.npz']) {
      const source = await openDataset(join(dir, name));
      expect(await source.columnNames()).toEqual(['x', 'y', 'm']);
      const got = await collect(source, { batchSize: 50 });
      expect(got.columns.x).toEqual({
        type: 'float64',
        rowShape: [3, 2],
        values: doublesFromHex(expected.x),
      });
      expect(got.columns.y).toEqual({ type: 'int32', rowShape: [], values: expected.y });
      expect(got.columns.m).toEqual({ type: 'bool', rowShape: [], values: expected.m });
      const odd = await collect(source, { batchSize: 7, shard: { index: 1, count: 2 }, columns: ['y'] });
      expect(odd.columns.y!.values).toEqual(expected.y.filter((_, i) => i % 2 === 1));
    }
  });
});
