import { create } from '@bufbuild/protobuf';
import { TensorProtoSchema, type TensorProto } from 'onnx-buf';
import { UsageError } from '../errors.js';
import { elementTypeCode } from './element-types.js';
import type { TensorValues } from './tensor-data.js';

/** Element type implied by each typed array; Uint8Array/Uint16Array may be overridden (bool, float16). */
function impliedType(values: TensorValues | number[]): string {
  if (Array.isArray(values)) return values.every((v) => typeof v === 'string') ? 'string' : 'float';
  if (values instanceof Float32Array) return 'float';
  if (values instanceof Float64Array) return 'double';
  if (values instanceof BigInt64Array) return 'int64';
  if (values instanceof BigUint64Array) return 'uint64';
  if (values instanceof Int32Array) return 'int32';
  if (values instanceof Uint32Array) return 'uint32';
  if (values instanceof Int16Array) return 'int16';
  if (values instanceof Uint16Array) return 'uint16';
  if (values instanceof Int8Array) return 'int8';
  return 'uint8';
}

/**
 * Builds a TensorProto (an initializer or an attribute value). Numeric data goes to raw_data as
 * little-endian bytes, as exporters write it; strings go to string_data. `dims` defaults to a
 * vector; a plain number[] is float unless `elementType` says otherwise.
 *
 * @example makeTensor('W', new Float32Array([0.5, -1]), [2, 1])
 */
export function makeTensor(
  name: string,
  values: TensorValues | number[],
  dims?: readonly number[],
  elementType?: string,
): TensorProto {
  const type = elementType ?? impliedType(values);
  const shape = dims ?? [values.length];
  const count = shape.reduce((n, d) => n * d, 1);
  if (count !== values.length) {
    throw new UsageError(
      `tensor '${name}' has ${values.length} values but dims [${shape.join(', ')}] need ${count}`,
      {
        fix: 'pass dims whose product equals the number of values',
      },
    );
  }
  const tensor = create(TensorProtoSchema, {
    name,
    dims: shape.map(BigInt),
    dataType: elementTypeCode(type),
  });
  if (type === 'string') {
    const encoder = new TextEncoder();
    tensor.stringData = (values as string[]).map((s) => encoder.encode(String(s)));
  } else if (Array.isArray(values)) {
    tensor.rawData = toRaw(fromNumbers(values as number[], type, name));
  } else {
    tensor.rawData = toRaw(values);
  }
  return tensor;
}

function fromNumbers(values: number[], type: string, name: string): Exclude<TensorValues, string[]> {
  switch (type) {
    case 'float':
      return Float32Array.from(values);
    case 'double':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(v));
    case 'int32':
      return Int32Array.from(values);
    case 'uint8':
    case 'bool':
      return Uint8Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    default:
      throw new UsageError(`tensor '${name}': cannot build '${type}' from a number[]`, {
        fix: 'pass a typed array of the right kind',
      });
  }
}

/** A copy of the array's bytes in its own buffer (the typed array may view a larger buffer). */
function toRaw(values: Exclude<TensorValues, string[]>): Uint8Array<ArrayBuffer> {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}
