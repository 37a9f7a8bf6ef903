import { describe, it, expect } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema } from 'onnx-buf';
import { UsageError } from '../../../src/core/errors.js';
import {
  flatValues,
  halfToNumber,
  onnxTypeName,
  ortTypeName,
  rowsToTensor,
  tensorToNested,
  typedArrayFor,
} from '../../../src/platform/runtime/runtime-tensor.js';
import { tensorFromProto } from '../../../src/platform/runtime/tensor-from-proto.js';

describe('runtime tensors', () => {
  it('turns rows into a [n, d] float tensor', () => {
    const t = rowsToTensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t).toEqual({ elementType: 'float', dims: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) });
    expect(rowsToTensor([[1, 2]], 'int64').data).toEqual(new BigInt64Array([1n, 2n]));
    expect(rowsToTensor([]).dims).toEqual([0, 0]);
  });

  it('refuses ragged rows naming the row', () => {
    expect(() => rowsToTensor([[1, 2], [3]])).toThrow(UsageError);
    expect(() => rowsToTensor([[1, 2], [3]])).toThrow(
      'row 1 has 1 values but row 0 has 2 — give every row the same number of features',
    );
  });

  it('maps element type names both ways and picks typed arrays', () => {
    expect(ortTypeName('float')).toBe('float32');
    expect(ortTypeName('double')).toBe('float64');
    expect(onnxTypeName('float32')).toBe('float');
    expect(onnxTypeName('int64')).toBe('int64');
    expect(typedArrayFor('double')).toBe(Float64Array);
    expect(typedArrayFor('int64')).toBe(BigInt64Array);
    expect(() => ortTypeName('bfloat16')).toThrow(
      /element type 'bfloat16' cannot be passed to onnxruntime-node/,
    );
  });

  it('turns outputs into nested plain arrays', () => {
    expect(
      tensorToNested({ elementType: 'float', dims: [2, 2], data: new Float32Array([1, 2, 3, 4]) }),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(
      tensorToNested({ elementType: 'int64', dims: [3], data: new BigInt64Array([1n, -2n, 2n ** 60n]) }),
    ).toEqual([1, -2, 2n ** 60n]);
    expect(tensorToNested({ elementType: 'bool', dims: [2], data: new Uint8Array([1, 0]) })).toEqual([
      true,
      false,
    ]);
    expect(tensorToNested({ elementType: 'string', dims: [1, 1], data: ['cat'] })).toEqual([['cat']]);
    expect(tensorToNested({ elementType: 'double', dims: [], data: new Float64Array([0.5]) })).toBe(0.5);
    expect(
      flatValues({ elementType: 'float16', dims: [3], data: new Uint16Array([0x3c00, 0xc000, 0x3555]) }),
    ).toEqual([1, -2, halfToNumber(0x3555)]);
  });

  it('decodes half floats', () => {
    expect([0x0000, 0x3c00, 0x3800, 0x7bff, 0x0001, 0xfc00].map(halfToNumber)).toEqual([
      0,
      1,
      0.5,
      65504,
      2 ** -24,
      -Infinity,
    ]);
    expect(halfToNumber(0x7e00)).toBeNaN();
  });

  it('converts TensorProtos (test data, initializers) to runtime tensors', () => {
    const proto = create(TensorProtoSchema, {
      name: 'x',
      dims: [1n, 2n],
      dataType: 1,
      floatData: [0.5, 1.5],
    });
    expect(tensorFromProto(proto)).toEqual({
      elementType: 'float',
      dims: [1, 2],
      data: new Float32Array([0.5, 1.5]),
    });
  });
});
