import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import type { BatchOptions } from '../../../src/platform/data/index.js';
import type { ColumnType, DatasetSource } from '../../../src/core/data/types.js';

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'modelops-data-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface Collected {
  rows: number;
  starts: number[];
  columns: Record<string, { type: ColumnType; rowShape: number[]; values: (number | bigint | string)[] }>;
}

/** Reads every batch and concatenates each column's values. */
export async function collect(source: DatasetSource, options: BatchOptions): Promise<Collected> {
  const out: Collected = { rows: 0, starts: [], columns: {} };
  for await (const batch of source.batches(options)) {
    out.rows += batch.rows;
    out.starts.push(batch.start);
    for (const column of batch.columns) {
      const entry = (out.columns[column.name] ??= {
        type: column.type,
        rowShape: column.rowShape,
        values: [],
      });
      for (const value of column.data) entry.values.push(value);
    }
  }
  return out;
}

const PYTHON = '/usr/bin/python3';

/** True when Debian's python3 has numpy and pandas (the cross-checks skip without them). */
export const hasPandas = ((): boolean => {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy, pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** Runs a Python snippet in `cwd` and returns its stdout. */
export function python(script: string, cwd: string): string {
  return execFileSync(PYTHON, ['-c', script], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Float64 values from the hex of little-endian doubles (exact, NaN included). */
export function doublesFromHex(hex: string): number[] {
  const bytes = Buffer.from(hex.trim(), 'hex');
  return Array.from(new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8));
}

/** An .npy file: header dict padded so the data starts on a 64-byte boundary, like numpy writes it. */
export function npyBytes(
  descr: string,
  shape: number[],
  data: Uint8Array,
  { version = 1, fortran = false }: { version?: 1 | 2 | 3; fortran?: boolean } = {},
): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const preamble = version === 1 ? 10 : 12;
  dict = dict.padEnd(Math.ceil((preamble + dict.length + 1) / 64) * 64 - preamble - 1, ' ') + '\n';
  const head = Buffer.alloc(preamble);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) head.writeUInt16LE(dict.length, 8);
  else head.writeUInt32LE(dict.length, 8);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), data]);
}

export interface ZipMember {
  name: string;
  data: Buffer;
  deflate?: boolean;
  /** Lie about the uncompressed size (zip bomb and corruption tests). */
  declaredSize?: number;
}

/** A zip archive; `zip64` writes ZIP64 extra fields and end records even for small members. */
export function zipBytes(members: ZipMember[], { zip64 = false }: { zip64?: boolean } = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const member of members) {
    const name = Buffer.from(member.name);
    const body = member.deflate ? deflateRawSync(member.data) : member.data;
    const size = member.declaredSize ?? member.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(zip64 ? 45 : 20, 4);
    local.writeUInt16LE(member.deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc32(member.data), 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, body);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(zip64 ? 45 : 20, 4);
    central.writeUInt16LE(zip64 ? 45 : 20, 6);
    central.writeUInt16LE(member.deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc32(member.data), 16);
    central.writeUInt32LE(zip64 ? 0xffffffff : body.length, 20);
    central.writeUInt32LE(zip64 ? 0xffffffff : size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(zip64 ? 0xffffffff : offset, 42);
    let extra = Buffer.alloc(0);
    if (zip64) {
      extra = Buffer.alloc(28);
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(24, 2);
      extra.writeBigUInt64LE(BigInt(size), 4);
      extra.writeBigUInt64LE(BigInt(body.length), 12);
      extra.writeBigUInt64LE(BigInt(offset), 20);
    }
    central.writeUInt16LE(extra.length, 30);
    centrals.push(central, name, extra);
    offset += 30 + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (zip64) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(0x06064b50, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(members.length), 24);
    record.writeBigUInt64LE(BigInt(members.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(record, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(zip64 ? 0xffff : members.length, 8);
  end.writeUInt16LE(zip64 ? 0xffff : members.length, 10);
  end.writeUInt32LE(zip64 ? 0xffffffff : directory.length, 12);
  end.writeUInt32LE(zip64 ? 0xffffffff : offset, 16);
  return Buffer.concat([...locals, directory, ...tail, end]);
}
