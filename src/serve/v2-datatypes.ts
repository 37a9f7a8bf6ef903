/**
 * The Open Inference Protocol names element types differently from ONNX: FP32 is ONNX 'float',
 * INT64 is 'int64', BYTES is 'string'. One table both ways, used by metadata and infer.
 */
// prettier-ignore
const V2_BY_ONNX: Record<string, string> = {
  bool: 'BOOL', uint8: 'UINT8', uint16: 'UINT16', uint32: 'UINT32', uint64: 'UINT64',
  int8: 'INT8', int16: 'INT16', int32: 'INT32', int64: 'INT64',
  float16: 'FP16', float: 'FP32', double: 'FP64', string: 'BYTES',
};
const ONNX_BY_V2 = Object.fromEntries(Object.entries(V2_BY_ONNX).map(([onnx, v2]) => [v2, onnx]));

/** The V2 datatype of an ONNX element type ('float' → 'FP32'); unknown types pass through upper-cased. */
export function v2Datatype(elementType: string): string {
  return V2_BY_ONNX[elementType] ?? elementType.toUpperCase();
}

/** The ONNX element type of a V2 datatype ('FP32' → 'float'), or undefined when the protocol has none. */
export function onnxElementType(datatype: string): string | undefined {
  return ONNX_BY_V2[datatype];
}

/** Every datatype the server accepts, for error messages. */
export const V2_DATATYPES: readonly string[] = Object.values(V2_BY_ONNX);
