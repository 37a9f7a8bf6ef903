import { describe, it, expect } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  elementBits,
  elementTypeCode,
  elementTypeName,
  rawByteLength,
} from '../../../src/core/onnx/element-types.js';

describe('element types', () => {
  it('names the TensorProto.DataType codes in lower case', () => {
    expect([1, 2, 3, 6, 7, 8, 9, 10, 11, 16, 17, 21].map(elementTypeName)).toEqual([
      'float',
      'uint8',
      'int8',
      'int32',
      'int64',
      'string',
      'bool',
      'float16',
      'double',
      'bfloat16',
      'float8e4m3fn',
      'uint4',
    ]);
    expect(elementTypeName(0)).toBe('undefined');
    expect(elementTypeName(999)).toBe('unknown(999)');
  });

  it('maps names back to codes, case-insensitively', () => {
    for (let code = 1; code <= 26; code++) expect(elementTypeCode(elementTypeName(code))).toBe(code);
    expect(elementTypeCode('FLOAT')).toBe(1);
  });

  it('refuses an unknown name with the valid ones in the message', () => {
    expect(() => elementTypeCode('float32')).toThrow(UsageError);
    expect(() => elementTypeCode('float32')).toThrow(
      /unknown ONNX element type 'float32' — use one of float, uint8/,
    );
  });

  it('knows element sizes, packing sub-byte types', () => {
    expect(elementBits('float16')).toBe(16);
    expect(elementBits('string')).toBeUndefined();
    expect(rawByteLength('int64', 3)).toBe(24);
    expect(rawByteLength('int4', 3)).toBe(2);
  });
});
