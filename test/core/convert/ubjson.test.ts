import { describe, expect, it } from 'vitest';
import { decodeUbjson } from '../../../src/core/convert/index.js';
import { ModelFormatError } from '../../../src/core/errors.js';

/**
 * Builds UBJSON bytes from markers and raw chars (strings) and numbers: [type, value] writes the
 * type marker then the big-endian value; [type, value, false] only the value (typed-array items).
 */
function ubj(...parts: (string | [string, number] | [string, number, false])[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') {
      for (const ch of part) out.push(ch.charCodeAt(0));
      continue;
    }
    const [type, value] = part;
    if (part.length === 2) out.push(type.charCodeAt(0));
    const size = { i: 1, U: 1, I: 2, l: 4, d: 4, D: 8 }[type]!;
    const view = new DataView(new ArrayBuffer(size));
    if (type === 'i') view.setInt8(0, value);
    if (type === 'U') view.setUint8(0, value);
    if (type === 'I') view.setInt16(0, value);
    if (type === 'l') view.setInt32(0, value);
    if (type === 'd') view.setFloat32(0, value);
    if (type === 'D') view.setFloat64(0, value);
    out.push(...new Uint8Array(view.buffer));
  }
  return Uint8Array.from(out);
}

describe('UBJSON decoding', () => {
  it('decodes objects, strings, numbers, booleans and null', () => {
    const bytes = ubj(
      '{',
      ['U', 1],
      'a',
      'S',
      ['U', 2],
      'hi',
      ['U', 1],
      'b',
      ['I', -300],
      ['U', 1],
      'c',
      'T',
      ['U', 1],
      'd',
      'Z',
      '}',
    );
    expect(decodeUbjson(bytes)).toEqual({ a: 'hi', b: -300, c: true, d: null });
  });

  it('decodes optimized typed arrays into typed arrays (XGBoost node arrays)', () => {
    const bytes = ubj('[', '$', 'd', '#', ['U', 3], ['d', 0.5, false], ['d', -1.25, false], ['d', 3, false]);
    const value = decodeUbjson(bytes) as Float32Array;
    expect(value).toBeInstanceOf(Float32Array);
    expect(Array.from(value)).toEqual([0.5, -1.25, 3]);
    const ints = decodeUbjson(
      ubj('[', '$', 'l', '#', ['i', 2], ['l', -1, false], ['l', 70000, false]),
    ) as Int32Array;
    expect(Array.from(ints)).toEqual([-1, 70000]);
  });

  it('decodes plain and counted arrays of mixed values', () => {
    expect(decodeUbjson(ubj('[', ['i', 1], ['D', 0.1], 'F', ']'))).toEqual([1, 0.1, false]);
    expect(decodeUbjson(ubj('[', '#', ['U', 2], ['U', 200], 'C', 'x'))).toEqual([200, 'x']);
  });

  it('a truncated document is a ModelFormatError', () => {
    expect(() => decodeUbjson(ubj('[', '$', 'd', '#', ['U', 3], ['d', 0.5, false]))).toThrow(
      ModelFormatError,
    );
    expect(() => decodeUbjson(ubj('{', ['U', 1], 'a'))).toThrow(/ends early/);
  });
});
