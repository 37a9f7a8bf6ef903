/**
 * A minimal Parquet writer for tests (no pyarrow here): PLAIN-encoded, uncompressed data pages v1,
 * REQUIRED or OPTIONAL flat columns, several row groups. The footer is Thrift compact protocol.
 */
export type ParquetTestType = 'BOOLEAN' | 'INT32' | 'INT64' | 'FLOAT' | 'DOUBLE' | 'BYTE_ARRAY';

export interface ParquetTestColumn {
  name: string;
  type: ParquetTestType;
  /** BYTE_ARRAY annotated as UTF8 strings (converted_type 0). */
  utf8?: boolean;
  optional?: boolean;
  values: (number | bigint | boolean | string | null)[];
}

const TYPE_CODES: Record<ParquetTestType, number> = {
  BOOLEAN: 0,
  INT32: 1,
  INT64: 2,
  FLOAT: 4,
  DOUBLE: 5,
  BYTE_ARRAY: 6,
};

class Thrift {
  bytes: number[] = [];
  private last = 0;
  private stack: number[] = [];

  varint(value: bigint): void {
    let v = value;
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }
  zigzag(value: number | bigint): void {
    const v = BigInt(value);
    this.varint(v >= 0n ? v << 1n : (-v << 1n) - 1n);
  }
  field(id: number, type: number): void {
    this.bytes.push(((id - this.last) << 4) | type);
    this.last = id;
  }
  i32(id: number, value: number): void {
    this.field(id, 5);
    this.zigzag(value);
  }
  i64(id: number, value: number | bigint): void {
    this.field(id, 6);
    this.zigzag(value);
  }
  string(id: number, text: string): void {
    this.field(id, 8);
    this.raw(Buffer.from(text));
  }
  raw(bytes: Uint8Array): void {
    this.varint(BigInt(bytes.length));
    this.bytes.push(...bytes);
  }
  begin(id?: number): void {
    if (id !== undefined) this.field(id, 12);
    this.stack.push(this.last);
    this.last = 0;
  }
  end(): void {
    this.bytes.push(0);
    this.last = this.stack.pop()!;
  }
  list(id: number, elementType: number, length: number): void {
    this.field(id, 9);
    if (length < 15) this.bytes.push((length << 4) | elementType);
    else {
      this.bytes.push(0xf0 | elementType);
      this.varint(BigInt(length));
    }
  }
}

function plain(column: ParquetTestColumn, values: ParquetTestColumn['values']): Buffer {
  const present = values.filter((v) => v !== null);
  switch (column.type) {
    case 'BOOLEAN':
      return bitPack(present.map((v) => (v ? 1 : 0)));
    case 'INT32':
      return Buffer.from(Int32Array.from(present as number[]).buffer);
    case 'INT64':
      return Buffer.from(BigInt64Array.from(present.map((v) => BigInt(v as number))).buffer);
    case 'FLOAT':
      return Buffer.from(Float32Array.from(present as number[]).buffer);
    case 'DOUBLE':
      return Buffer.from(Float64Array.from(present as number[]).buffer);
    case 'BYTE_ARRAY':
      return Buffer.concat(
        present.map((v) => {
          const bytes = Buffer.from(String(v));
          const length = Buffer.alloc(4);
          length.writeUInt32LE(bytes.length);
          return Buffer.concat([length, bytes]);
        }),
      );
  }
}

function bitPack(bits: number[]): Buffer {
  const out = Buffer.alloc(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => {
    out[i >> 3]! |= bit << (i & 7);
  });
  return out;
}

/** Definition levels (1 = present) as one bit-packed run of the RLE/bit-packing hybrid, length-prefixed. */
function definitionLevels(values: unknown[]): Buffer {
  const groups = Math.ceil(values.length / 8);
  const header = new Thrift();
  header.varint(BigInt((groups << 1) | 1));
  const run = Buffer.concat([Buffer.from(header.bytes), bitPack(values.map((v) => (v === null ? 0 : 1)))]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(run.length);
  return Buffer.concat([length, run]);
}

export function parquetBytes(columns: ParquetTestColumn[], rowGroupSize: number): Buffer {
  const rows = columns[0]!.values.length;
  const parts: Buffer[] = [Buffer.from('PAR1')];
  let offset = 4;
  const groups: { rows: number; chunks: { offset: number; size: number; column: ParquetTestColumn }[] }[] =
    [];
  for (let start = 0; start < rows; start += rowGroupSize) {
    const end = Math.min(rows, start + rowGroupSize);
    const chunks = columns.map((column) => {
      const values = column.values.slice(start, end);
      const body = Buffer.concat([
        ...(column.optional ? [definitionLevels(values)] : []),
        plain(column, values),
      ]);
      const header = new Thrift();
      header.begin();
      header.i32(1, 0);
      header.i32(2, body.length);
      header.i32(3, body.length);
      header.begin(5);
      header.i32(1, values.length);
      header.i32(2, 0);
      header.i32(3, 3);
      header.i32(4, 3);
      header.end();
      header.end();
      const chunk = Buffer.concat([Buffer.from(header.bytes), body]);
      parts.push(chunk);
      const at = offset;
      offset += chunk.length;
      return { offset: at, size: chunk.length, column };
    });
    groups.push({ rows: end - start, chunks });
  }
  const meta = new Thrift();
  meta.begin();
  meta.i32(1, 1);
  meta.list(2, 12, columns.length + 1);
  meta.begin();
  meta.string(4, 'schema');
  meta.i32(5, columns.length);
  meta.end();
  for (const column of columns) {
    meta.begin();
    meta.i32(1, TYPE_CODES[column.type]);
    meta.i32(3, column.optional ? 1 : 0);
    meta.string(4, column.name);
    if (column.utf8) meta.i32(6, 0);
    meta.end();
  }
  meta.i64(3, rows);
  meta.list(4, 12, groups.length);
  for (const group of groups) {
    meta.begin();
    meta.list(1, 12, group.chunks.length);
    for (const chunk of group.chunks) {
      meta.begin();
      meta.i64(2, chunk.offset);
      meta.begin(3);
      meta.i32(1, TYPE_CODES[chunk.column.type]);
      meta.list(2, 5, 2);
      meta.zigzag(0);
      meta.zigzag(3);
      meta.list(3, 8, 1);
      meta.raw(Buffer.from(chunk.column.name));
      meta.i32(4, 0);
      meta.i64(5, group.rows);
      meta.i64(6, chunk.size);
      meta.i64(7, chunk.size);
      meta.i64(9, chunk.offset);
      meta.end();
      meta.end();
    }
    meta.i64(
      2,
      group.chunks.reduce((a, c) => a + c.size, 0),
    );
    meta.i64(3, group.rows);
    meta.end();
  }
  meta.end();
  const footer = Buffer.from(meta.bytes);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(footer.length);
  return Buffer.concat([...parts, footer, length, Buffer.from('PAR1')]);
}
