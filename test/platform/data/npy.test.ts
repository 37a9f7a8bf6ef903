import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { openDataset } from '../../../src/platform/data/index.js';
import { collect, doublesFromHex, hasPandas, makeTempDir, npyBytes, python } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

async function npyFile(name: string, bytes: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, bytes);
  return path;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

describe('NPY reader', () => {
  it('reads rows along axis 0 with the rest of the shape per row, one column named after the stem', async () => {
    const values = Float32Array.from({ length: 5 * 2 * 3 }, (_, i) => i / 4);
    const path = await npyFile('images.npy', npyBytes('<f4', [5, 2, 3], bytesOf(values)));
    const source = await openDataset(path);
    expect(await source.columnNames()).toEqual(['images']);
    const got = await collect(source, { batchSize: 2 });
    expect(got.starts).toEqual([0, 2, 4]);
    expect(got.columns.images).toEqual({ type: 'float32', rowShape: [2, 3], values: Array.from(values) });
  });

  it('reads each dtype, big-endian data and format 2.0/3.0 headers', async () => {
    const cases: [string, ArrayBufferView, (number | bigint)[]][] = [
      ['<f8', Float64Array.of(1.5, -2, NaN), [1.5, -2, NaN]],
      ['<i4', Int32Array.of(-7, 2 ** 31 - 1, 0), [-7, 2 ** 31 - 1, 0]],
      ['<i8', BigInt64Array.of(-(2n ** 62n), 5n, 2n ** 60n + 1n), [-(2n ** 62n), 5n, 2n ** 60n + 1n]],
      ['|u1', Uint8Array.of(0, 255, 7), [0, 255, 7]],
      ['|b1', Uint8Array.of(1, 0, 1), [1, 0, 1]],
    ];
    for (const [descr, data, expected] of cases) {
      for (const version of [1, 2, 3] as const) {
        const path = await npyFile(
          `t${descr.slice(1)}-${version}.npy`,
          npyBytes(descr, [3], bytesOf(data), { version }),
        );
        const got = await collect(await openDataset(path), { batchSize: 2 });
        expect(Object.values(got.columns)[0]!.values).toEqual(expected);
      }
    }
    const big = Buffer.from(Float64Array.of(1.25, -3e100).buffer).swap64();
    const path = await npyFile('big.npy', npyBytes('>f8', [2], big));
    expect((await collect(await openDataset(path), { batchSize: 8 })).columns.big!.values).toEqual([
      1.25, -3e100,
    ]);
    const bigInts = Buffer.from(Int32Array.of(-2, 70000).buffer).swap32();
    const ints = await npyFile('bigint.npy', npyBytes('>i4', [2, 1], bigInts));
    expect((await collect(await openDataset(ints), { batchSize: 8 })).columns.bigint!.values).toEqual([
      -2, 70000,
    ]);
  });

  it('reads exactly the shard rows with strided reads', async () => {
    const values = Float64Array.from({ length: 1001 }, (_, i) => i);
    const path = await npyFile('range.npy', npyBytes('<f8', [1001], bytesOf(values)));
    const seen: number[] = [];
    for (let index = 0; index < 3; index++) {
      const got = await collect(await openDataset(path), { batchSize: 100, shard: { index, count: 3 } });
      expect(got.starts.slice(0, 2)).toEqual([index, index + 300]);
      expect((got.columns.range!.values as number[]).every((v) => v % 3 === index)).toBe(true);
      seen.push(...(got.columns.range!.values as number[]));
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from(values));
  });

  it('refuses Fortran order, pickled objects, other dtypes and truncated files in one line', async () => {
    const bad: [string, Buffer, RegExp][] = [
      ['fortran.npy', npyBytes('<f8', [2, 2], new Uint8Array(32), { fortran: true }), /Fortran order/],
      ['object.npy', npyBytes('|O', [2], new Uint8Array(16)), /object arrays are pickles; refusing/],
      ['half.npy', npyBytes('<f2', [2], new Uint8Array(4)), /dtype '<f2'.*f4, f8, i4, i8, u1, b1/],
      [
        'short.npy',
        npyBytes('<f8', [4], new Uint8Array(16)),
        /short\.npy has \d+ bytes but its header .* needs/,
      ],
      ['text.npy', Buffer.from('not numpy at all'), /not a \.npy array/],
      ['empty.npy', Buffer.alloc(0), /not a \.npy array/],
    ];
    for (const [name, bytes, message] of bad) {
      const error = await openDataset(await npyFile(name, bytes)).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it.runIf(hasPandas)('reads what numpy.save wrote: C order, big-endian, format 2.0', async () => {
    const out = python(
      `
import numpy as np, json
rng = np.random.default_rng(3)
a = rng.standard_normal((37, 4, 5))
np.save('a.npy', a)
np.save('be.npy', a.astype('>f8'))
np.save('ints.npy', rng.integers(-2**40, 2**40, (37, 2)))
np.save('u8.npy', rng.integers(0, 256, (37, 3), dtype='u1'))
np.save('mask.npy', rng.random(37) < 0.5)
np.save('f4.npy', rng.standard_normal((37, 2)).astype('<f4'))
from numpy.lib import format
with open('v2.npy', 'wb') as f:
    format.write_array(f, a, version=(2, 0))
print(json.dumps({'a': a.tobytes().hex(), 'ints': np.load('ints.npy').tolist(), 'u8': np.load('u8.npy').ravel().tolist(),
  'mask': np.load('mask.npy').astype(int).tolist(), 'f4': np.load('f4.npy').astype('<f8').tobytes().hex()}))
`,
      dir,
    );
    const expected = JSON.parse(out) as {
      a: string;
      ints: number[][];
      u8: number[];
      mask: number[];
      f4: string;
    };
    for (const name of ['a', 'be', 'v2']) {
      const got = await collect(await openDataset(join(dir, `${name}.npy`)), { batchSize: 10 });
      expect(got.columns[name]).toEqual({
        type: 'float64',
        rowShape: [4, 5],
        values: doublesFromHex(expected.a),
      });
    }
    const ints = await collect(await openDataset(join(dir, 'ints.npy')), { batchSize: 10 });
    expect(ints.columns.ints!.type).toBe('int64');
    expect(ints.columns.ints!.values).toEqual(expected.ints.flat().map(BigInt));
    expect(
      (await collect(await openDataset(join(dir, 'u8.npy')), { batchSize: 10 })).columns.u8!.values,
    ).toEqual(expected.u8);
    const mask = await collect(await openDataset(join(dir, 'mask.npy')), { batchSize: 10 });
    expect(mask.columns.mask).toEqual({ type: 'bool', rowShape: [], values: expected.mask });
    const f4 = await collect(await openDataset(join(dir, 'f4.npy')), { batchSize: 10 });
    expect(f4.columns.f4!.values).toEqual(doublesFromHex(expected.f4));
    python(
      `import numpy as np; np.save('obj.npy', np.array([{'a': 1}], dtype=object), allow_pickle=True)`,
      dir,
    );
    await expect(openDataset(join(dir, 'obj.npy'))).rejects.toThrow(/object arrays are pickles; refusing/);
    python(`import numpy as np; np.save('fort.npy', np.asfortranarray(np.ones((3, 2))))`, dir);
    await expect(openDataset(join(dir, 'fort.npy'))).rejects.toThrow(/Fortran order/);
  });
});
