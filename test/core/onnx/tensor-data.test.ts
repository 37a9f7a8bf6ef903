import { describe, it, expect } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { TensorProto_DataLocation, TensorProtoSchema, type TensorProto } from 'onnx-buf';
import { ModelFormatError } from '../../../src/core/errors.js';
import { elementTypeCode } from '../../../src/core/onnx/element-types.js';
import { tensorElementCount, tensorRawBytes, tensorValues } from '../../../src/core/onnx/tensor-data.js';

const tensor = (type: string, fields: Partial<TensorProto>) =>
  create(TensorProtoSchema, { name: 't', dataType: elementTypeCode(type), dims: [2n], ...fields } as never);

describe('tensor data', () => {
  it('reads every typed *_data field the spec assigns', () => {
    expect(tensorValues(tensor('float', { floatData: [1.5, -2] }))).toEqual(new Float32Array([1.5, -2]));
    expect(tensorValues(tensor('double', { doubleData: [0.1, 2] }))).toEqual(new Float64Array([0.1, 2]));
    expect(tensorValues(tensor('int64', { int64Data: [5n, -6n] }))).toEqual(new BigInt64Array([5n, -6n]));
    expect(tensorValues(tensor('uint64', { uint64Data: [7n, 8n] }))).toEqual(new BigUint64Array([7n, 8n]));
    expect(tensorValues(tensor('uint32', { uint64Data: [4294967295n, 1n] }))).toEqual(
      new Uint32Array([4294967295, 1]),
    );
    expect(tensorValues(tensor('int32', { int32Data: [-1, 3] }))).toEqual(new Int32Array([-1, 3]));
    expect(tensorValues(tensor('int8', { int32Data: [-128, 127] }))).toEqual(new Int8Array([-128, 127]));
    expect(tensorValues(tensor('bool', { int32Data: [1, 0] }))).toEqual(new Uint8Array([1, 0]));
    expect(tensorValues(tensor('float16', { int32Data: [0x3c00, 0xc000] }))).toEqual(
      new Uint16Array([0x3c00, 0xc000]),
    );
    expect(
      tensorValues(tensor('string', { stringData: [new TextEncoder().encode('hi'), new Uint8Array()] })),
    ).toEqual(['hi', '']);
  });

  it('reads raw_data even when it sits at an odd offset of a larger buffer', () => {
    const buffer = new Uint8Array(9);
    buffer.set(new Uint8Array(new Float32Array([1, 2]).buffer), 1);
    const t = tensor('float', { rawData: buffer.subarray(1) as Uint8Array<ArrayBuffer> });
    expect(tensorValues(t)).toEqual(new Float32Array([1, 2]));
    expect(tensorRawBytes(t)).toHaveLength(8);
  });

  it('reads raw_data that views a Node Buffer (whose slice() does not copy)', () => {
    const file = Buffer.alloc(64);
    file.set(new Uint8Array(new Float32Array([3, 4]).buffer), 5);
    const t = tensor('float', { rawData: file.subarray(5, 13) as unknown as Uint8Array<ArrayBuffer> });
    expect(tensorValues(t)).toEqual(new Float32Array([3, 4]));
  });

  it('converts typed fields to little-endian raw bytes', () => {
    const raw = tensorRawBytes(tensor('int64', { int64Data: [1n, 256n] }))!;
    expect(Array.from(raw)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(tensorRawBytes(tensor('string', { stringData: [new Uint8Array([65])] }))).toBeUndefined();
  });

  it('counts elements from dims', () => {
    expect(tensorElementCount(tensor('float', { dims: [2n, 3n, 4n] }))).toBe(24);
    expect(tensorElementCount(tensor('float', { dims: [] }))).toBe(1);
  });

  it('refuses external data that was not loaded, and undecodable types', () => {
    const external = tensor('float', { dataLocation: TensorProto_DataLocation.EXTERNAL });
    expect(() => tensorValues(external)).toThrow(ModelFormatError);
    expect(() => tensorValues(external)).toThrow(
      /tensor 't' has external data that was not loaded — load the model with loadExternalData: true/,
    );
    expect(() => tensorValues(tensor('complex64', { floatData: [1, 2, 3, 4] }))).toThrow(
      /element type 'complex64' that cannot be decoded/,
    );
  });
});
