import { TensorProto_DataType } from 'onnx-buf';
import { UsageError } from '../errors.js';

/**
 * ONNX element types by lower-case name ('float', 'int64', 'float16', …). Names are derived from
 * the generated enum so a newer onnx-buf brings new types without a table to keep in sync.
 */
const NAME_BY_CODE = new Map<number, string>();
const CODE_BY_NAME = new Map<string, number>();
for (const [key, value] of Object.entries(TensorProto_DataType)) {
  if (typeof value !== 'number') continue; // TS enums also map number → name
  const name = key.toLowerCase();
  NAME_BY_CODE.set(value, name);
  CODE_BY_NAME.set(name, value);
}

/** Bits per element for fixed-size types; strings have no fixed size and are absent. */
// prettier-ignore
const BITS: Record<string, number> = {
  float: 32, uint8: 8, int8: 8, uint16: 16, int16: 16, int32: 32, int64: 64, bool: 8,
  float16: 16, double: 64, uint32: 32, uint64: 64, complex64: 64, complex128: 128, bfloat16: 16,
  float8e4m3fn: 8, float8e4m3fnuz: 8, float8e5m2: 8, float8e5m2fnuz: 8, float8e8m0: 8,
  uint4: 4, int4: 4, float4e2m1: 4, uint2: 2, int2: 2,
};

/** The lower-case ONNX name of a TensorProto.DataType code; `unknown(<code>)` for codes newer than onnx-buf. */
export function elementTypeName(code: number): string {
  return NAME_BY_CODE.get(code) ?? `unknown(${code})`;
}

/** The TensorProto.DataType code for a lower-case ONNX name; throws UsageError for an unknown name. */
export function elementTypeCode(name: string): number {
  const code = CODE_BY_NAME.get(name.toLowerCase());
  if (code === undefined || code === TensorProto_DataType.UNDEFINED) {
    throw new UsageError(`unknown ONNX element type '${name}'`, {
      fix: `use one of ${[...CODE_BY_NAME.keys()].filter((n) => n !== 'undefined').join(', ')}`,
    });
  }
  return code;
}

/** Bits one element occupies in raw_data, or undefined for variable-size types (string). */
export function elementBits(name: string): number | undefined {
  return BITS[name];
}

/** Bytes of raw_data a tensor of this type and element count occupies (sub-byte types pack, rounding up). */
export function rawByteLength(name: string, elements: number): number | undefined {
  const bits = BITS[name];
  return bits === undefined ? undefined : Math.ceil((bits * elements) / 8);
}
