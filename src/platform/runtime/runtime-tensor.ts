import { UsageError } from '../../core/errors.js';
import type { TensorValues } from '../../core/onnx/tensor-data.js';

/**
 * A tensor as plain values, independent of onnxruntime's classes so callers need not load it.
 * `elementType` uses ONNX names ('float', 'int64', …) like model signatures; float16 data is
 * Uint16Array bit patterns on every Node version.
 */
export interface RuntimeTensor {
  elementType: string;
  dims: readonly number[];
  data: TensorValues;
}

/** Nested plain arrays of a tensor's values (numbers, bigints beyond 2^53, booleans, strings). */
export type NestedArray = (number | bigint | boolean | string | NestedArray)[];

// prettier-ignore
const ORT_BY_ONNX: Record<string, string> = {
  float: 'float32', double: 'float64', int8: 'int8', uint8: 'uint8', int16: 'int16', uint16: 'uint16',
  int32: 'int32', uint32: 'uint32', int64: 'int64', uint64: 'uint64', bool: 'bool', string: 'string',
  float16: 'float16', int4: 'int4', uint4: 'uint4',
};
const ONNX_BY_ORT = Object.fromEntries(Object.entries(ORT_BY_ONNX).map(([k, v]) => [v, k]));

type NumericArray = Exclude<TensorValues, string[]>;
type NumericCtor = { new (length: number): NumericArray; from(values: ArrayLike<number>): NumericArray };

// prettier-ignore
const ARRAY_BY_TYPE: Record<string, NumericCtor> = {
  float: Float32Array, double: Float64Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
  int16: Int16Array, uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, float16: Uint16Array,
  int64: BigInt64Array as unknown as NumericCtor, uint64: BigUint64Array as unknown as NumericCtor,
};

/** onnxruntime's name for an ONNX element type; throws UsageError for types it cannot hold (bfloat16, complex). */
export function ortTypeName(elementType: string): string {
  const name = ORT_BY_ONNX[elementType];
  if (!name)
    throw new UsageError(`element type '${elementType}' cannot be passed to onnxruntime-node`, {
      fix: `use one of ${Object.keys(ORT_BY_ONNX).join(', ')}`,
    });
  return name;
}

/** The ONNX element type name for one of onnxruntime's tensor type names. */
export function onnxTypeName(ortType: string): string {
  return ONNX_BY_ORT[ortType] ?? ortType;
}

/** The typed array constructor that holds an element type (float → Float32Array, int64 → BigInt64Array). */
export function typedArrayFor(elementType: string): NumericCtor {
  const ctor = ARRAY_BY_TYPE[elementType];
  if (!ctor)
    throw new UsageError(`element type '${elementType}' has no typed array`, {
      fix: `use one of ${Object.keys(ARRAY_BY_TYPE).join(', ')}`,
    });
  return ctor;
}

/**
 * Rows of numbers → a [rows, columns] tensor (float by default). Every row must have the same
 * length; a ragged row is a data problem the user must fix, so it is a UsageError naming the row.
 */
export function rowsToTensor(rows: readonly (readonly number[])[], elementType = 'float'): RuntimeTensor {
  const width = rows[0]?.length ?? 0;
  const Ctor = typedArrayFor(elementType);
  const data = new Ctor(rows.length * width);
  const bigint = data instanceof BigInt64Array || data instanceof BigUint64Array;
  rows.forEach((row, r) => {
    if (row.length !== width) {
      throw new UsageError(`row ${r} has ${row.length} values but row 0 has ${width}`, {
        fix: 'give every row the same number of features',
      });
    }
    for (let c = 0; c < width; c++)
      (data as unknown as unknown[])[r * width + c] = bigint ? BigInt(row[c]!) : row[c]!;
  });
  return { elementType, dims: [rows.length, width], data };
}

/** A tensor's values as nested arrays shaped by dims; int64 values that fit become numbers, bools booleans. */
export function tensorToNested(tensor: RuntimeTensor): NestedArray | number | bigint | boolean | string {
  const flat = flatValues(tensor);
  if (tensor.dims.length === 0) return flat[0]!;
  let offset = 0;
  const build = (axis: number): NestedArray => {
    const size = tensor.dims[axis]!;
    if (axis === tensor.dims.length - 1) return flat.slice(offset, (offset += size));
    return Array.from({ length: size }, () => build(axis + 1));
  };
  return build(0);
}

/** A tensor's values as one flat plain array. */
export function flatValues(tensor: RuntimeTensor): (number | bigint | boolean | string)[] {
  const values = Array.from(tensor.data as ArrayLike<number | bigint | string>);
  if (tensor.elementType === 'bool') return values.map((v) => v !== 0);
  if (tensor.elementType === 'float16') return values.map((v) => halfToNumber(Number(v)));
  return values.map((v) =>
    typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v,
  );
}

/** IEEE 754 half-precision bits → number (Float16Array is missing on Node 20). */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
