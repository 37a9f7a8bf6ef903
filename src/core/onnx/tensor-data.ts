import { TensorProto_DataLocation, type TensorProto } from 'onnx-buf';
import { ModelFormatError } from '../errors.js';
import { elementTypeName } from './element-types.js';

/** Values of a tensor as the typed array JS and onnxruntime use; float16/bfloat16 are raw bit patterns. */
export type TensorValues =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | string[];

type TypedArrayConstructor = new (buffer: ArrayBuffer) => Exclude<TensorValues, string[]>;

/** The typed array that holds each element type; types without one (complex, 4-bit) are absent. */
// prettier-ignore
const ARRAY_BY_TYPE: Record<string, TypedArrayConstructor> = {
  float: Float32Array, double: Float64Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array,
  int64: BigInt64Array, uint64: BigUint64Array, float16: Uint16Array, bfloat16: Uint16Array,
  float8e4m3fn: Uint8Array, float8e4m3fnuz: Uint8Array, float8e5m2: Uint8Array,
  float8e5m2fnuz: Uint8Array, float8e8m0: Uint8Array,
};

/** Number of elements: the product of dims (1 for a scalar). */
export function tensorElementCount(tensor: TensorProto): number {
  return tensor.dims.reduce((n, d) => n * Number(d), 1);
}

/** True when the tensor's data lives in a separate file rather than inside the protobuf. */
export function isExternal(tensor: TensorProto): boolean {
  return tensor.dataLocation === TensorProto_DataLocation.EXTERNAL;
}

/**
 * The tensor's data as little-endian raw bytes, whichever field holds it (raw_data or the typed
 * *_data fields). Undefined for strings and for typed-field layouts we do not convert (sub-byte
 * types), so callers can leave those tensors as they are.
 */
export function tensorRawBytes(tensor: TensorProto): Uint8Array | undefined {
  if (isExternal(tensor)) return undefined;
  if (tensor.rawData.length > 0) return tensor.rawData;
  const type = elementTypeName(tensor.dataType);
  const values = typedFieldValues(tensor, type);
  return values && !Array.isArray(values)
    ? new Uint8Array(values.buffer, values.byteOffset, values.byteLength)
    : undefined;
}

/**
 * Decodes a tensor's values into a typed array (or string[] for strings). Assumes a little-endian
 * host, as onnxruntime does. Throws ModelFormatError for external data that was not loaded and for
 * types JS cannot hold (complex, 4-bit).
 */
export function tensorValues(tensor: TensorProto): TensorValues {
  const type = elementTypeName(tensor.dataType);
  if (isExternal(tensor)) {
    throw new ModelFormatError(`tensor '${tensor.name}' has external data that was not loaded`, {
      fix: 'load the model with loadExternalData: true',
    });
  }
  if (type === 'string') return tensor.stringData.map((s) => new TextDecoder().decode(s));
  const Ctor = ARRAY_BY_TYPE[type];
  if (!Ctor) {
    throw new ModelFormatError(`tensor '${tensor.name}' has element type '${type}' that cannot be decoded`, {
      fix: 'use float, double, (u)int8/16/32/64, bool, float16 or bfloat16',
    });
  }
  if (tensor.rawData.length > 0) {
    // Copy into a fresh, aligned buffer: rawData is often a view at an odd offset of the file's
    // bytes. Not rawData.slice(): when those bytes are a Node Buffer, slice() is a view, not a copy.
    const { byteLength } = tensor.rawData;
    const copy = new Uint8Array(byteLength);
    copy.set(tensor.rawData);
    return new Ctor(copy.buffer);
  }
  return typedFieldValues(tensor, type) ?? new Ctor(new ArrayBuffer(0));
}

/** Reads the typed *_data field the ONNX spec assigns to each element type. */
function typedFieldValues(tensor: TensorProto, type: string): TensorValues | undefined {
  switch (type) {
    case 'float':
    case 'complex64':
      return Float32Array.from(tensor.floatData);
    case 'double':
    case 'complex128':
      return Float64Array.from(tensor.doubleData);
    case 'int64':
      return BigInt64Array.from(tensor.int64Data);
    case 'uint64':
      return BigUint64Array.from(tensor.uint64Data);
    case 'uint32':
      return Uint32Array.from(tensor.uint64Data, (v) => Number(v));
    case 'string':
      return undefined;
    default: {
      // int32_data carries every narrower type (and float16 bit patterns) one value per element.
      const Ctor = ARRAY_BY_TYPE[type];
      if (!Ctor || type === 'uint64' || tensor.int32Data.length === 0) return undefined;
      const out = new Ctor(new ArrayBuffer(tensor.int32Data.length * bytesPer(Ctor)));
      (out as Int32Array).set(tensor.int32Data);
      return out;
    }
  }
}

function bytesPer(Ctor: TypedArrayConstructor): number {
  return (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
}
