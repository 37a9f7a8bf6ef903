import { ModelFormatError } from '../errors.js';

/**
 * Decodes Universal Binary JSON (draft 12, what XGBoost writes to `.ubj`): big-endian numbers,
 * length-prefixed strings, and the optimized containers `[$<type>#<count>` that XGBoost uses for
 * its node arrays — those become typed arrays, which is what makes large models fast to read.
 */
export function decodeUbjson(bytes: Uint8Array): unknown {
  const reader = new UbjsonReader(bytes);
  const value = reader.value(reader.marker());
  return value;
}

const TYPED: Record<string, [number, (v: DataView, o: number) => number]> = {
  i: [1, (v, o) => v.getInt8(o)],
  U: [1, (v, o) => v.getUint8(o)],
  I: [2, (v, o) => v.getInt16(o)],
  l: [4, (v, o) => v.getInt32(o)],
  L: [8, (v, o) => Number(v.getBigInt64(o))],
  d: [4, (v, o) => v.getFloat32(o)],
  D: [8, (v, o) => v.getFloat64(o)],
};

class UbjsonReader {
  private offset = 0;
  private readonly view: DataView;
  private readonly text = new TextDecoder();

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  marker(): string {
    if (this.offset >= this.bytes.length) throw new ModelFormatError('UBJSON ends early (truncated file)');
    return String.fromCharCode(this.bytes[this.offset++]!);
  }

  value(marker: string): unknown {
    const typed = TYPED[marker];
    if (typed) return this.number(typed);
    switch (marker) {
      case 'Z':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'C':
        return String.fromCharCode(this.bytes[this.offset++]!);
      case 'S':
      case 'H':
        return this.string();
      case '[':
        return this.array();
      case '{':
        return this.object();
      default:
        throw new ModelFormatError(`UBJSON: unknown marker '${marker}' at byte ${this.offset - 1}`);
    }
  }

  private number([size, read]: [number, (v: DataView, o: number) => number]): number {
    if (this.offset + size > this.bytes.length)
      throw new ModelFormatError('UBJSON ends early (truncated file)');
    const value = read(this.view, this.offset);
    this.offset += size;
    return value;
  }

  private length(): number {
    const typed = TYPED[this.marker()];
    if (!typed) throw new ModelFormatError(`UBJSON: bad length at byte ${this.offset - 1}`);
    const n = this.number(typed);
    if (!Number.isInteger(n) || n < 0 || n > this.bytes.length * 8) {
      throw new ModelFormatError(`UBJSON: length ${n} at byte ${this.offset} is impossible`);
    }
    return n;
  }

  private string(): string {
    const n = this.length();
    if (this.offset + n > this.bytes.length) throw new ModelFormatError('UBJSON ends early (truncated file)');
    const s = this.text.decode(this.bytes.subarray(this.offset, this.offset + n));
    this.offset += n;
    return s;
  }

  /** `$type#count` header of an optimized container, if present. */
  private header(): { type?: string; count?: number } {
    const next = String.fromCharCode(this.bytes[this.offset] ?? 0);
    if (next === '$') {
      this.offset++;
      const type = this.marker();
      if (this.marker() !== '#') throw new ModelFormatError('UBJSON: a typed container needs a count');
      return { type, count: this.length() };
    }
    if (next === '#') {
      this.offset++;
      return { count: this.length() };
    }
    return {};
  }

  private array(): unknown[] | Float32Array | Float64Array | Int32Array {
    const { type, count } = this.header();
    if (type && count !== undefined) {
      const typed = TYPED[type];
      if (
        typed &&
        (type === 'd' || type === 'D' || type === 'l' || type === 'i' || type === 'U' || type === 'I')
      ) {
        const out =
          type === 'd'
            ? new Float32Array(count)
            : type === 'D'
              ? new Float64Array(count)
              : new Int32Array(count);
        for (let i = 0; i < count; i++) out[i] = this.number(typed);
        return out;
      }
      return Array.from({ length: count }, () => this.value(type));
    }
    const items: unknown[] = [];
    if (count !== undefined) {
      for (let i = 0; i < count; i++) items.push(this.value(this.marker()));
      return items;
    }
    for (let m = this.marker(); m !== ']'; m = this.marker()) if (m !== 'N') items.push(this.value(m));
    return items;
  }

  private object(): Record<string, unknown> {
    const { type, count } = this.header();
    const out: Record<string, unknown> = {};
    if (count !== undefined) {
      for (let i = 0; i < count; i++) {
        const key = this.string();
        out[key] = this.value(type ?? this.marker());
      }
      return out;
    }
    for (;;) {
      if (String.fromCharCode(this.bytes[this.offset] ?? 0) === '}') {
        this.offset++;
        return out;
      }
      const key = this.string();
      out[key] = this.value(this.marker());
    }
  }
}
