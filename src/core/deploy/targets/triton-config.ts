import type { Dim, ModelSignature, TensorSignature } from '../../onnx/signature-types.js';

// prettier-ignore
const TRITON_TYPES: Record<string, string> = {
  bool: 'TYPE_BOOL', uint8: 'TYPE_UINT8', uint16: 'TYPE_UINT16', uint32: 'TYPE_UINT32', uint64: 'TYPE_UINT64',
  int8: 'TYPE_INT8', int16: 'TYPE_INT16', int32: 'TYPE_INT32', int64: 'TYPE_INT64',
  float16: 'TYPE_FP16', float: 'TYPE_FP32', double: 'TYPE_FP64', bfloat16: 'TYPE_BF16', string: 'TYPE_STRING',
};

/** Triton's data_type for an ONNX element type ('float' → 'TYPE_FP32'). */
export function tritonDataType(elementType: string): string {
  return TRITON_TYPES[elementType] ?? 'TYPE_INVALID';
}

/** The knobs of a rendered config.pbtxt (modelops.yaml environments[].render.triton). */
export interface TritonOptions {
  /** onnxruntime_onnx → `platform: "onnxruntime_onnx"`; onnxruntime → `backend: "onnxruntime"`. */
  platform: 'onnxruntime_onnx' | 'onnxruntime';
  maxBatchSize: number;
  /** instance_group count (KIND_AUTO); undefined: Triton's default. */
  instanceCount?: number | undefined;
}

/**
 * Triton's config.pbtxt for the onnxruntime backend. When every input and output has a
 * variable first dim (a batch axis), batching is on: max_batch_size is set and that dim is left
 * out of `dims`, as Triton expects; otherwise max_batch_size is 0 and dims are the full shape.
 * Unknown or symbolic dims are -1.
 */
export function renderTritonConfig(name: string, signature: ModelSignature, options: TritonOptions): string {
  const { maxBatchSize } = options;
  const tensors = [...signature.inputs, ...signature.outputs.filter((o) => o.kind === 'tensor')];
  const batched =
    maxBatchSize > 0 && tensors.every((t) => (t.shape?.length ?? 0) > 0 && typeof t.shape![0] !== 'number');
  const entry = (t: TensorSignature): string => {
    const dims = (batched ? t.shape!.slice(1) : (t.shape ?? [-1])).map(dimValue);
    return [
      '  {',
      `    name: ${quote(t.name)}`,
      `    data_type: ${tritonDataType(t.elementType)}`,
      // A scalar in a batched model is shape [1] per request, as Triton's docs prescribe.
      `    dims: [ ${(dims.length > 0 ? dims : [1]).join(', ')} ]`,
      '  }',
    ].join('\n');
  };
  return [
    `name: ${quote(name)}`,
    options.platform === 'onnxruntime' ? 'backend: "onnxruntime"' : 'platform: "onnxruntime_onnx"',
    `max_batch_size: ${batched ? maxBatchSize : 0}`,
    'input [',
    signature.inputs.map(entry).join(',\n'),
    ']',
    'output [',
    signature.outputs
      .filter((o) => o.kind === 'tensor')
      .map(entry)
      .join(',\n'),
    ']',
    ...(batched ? ['dynamic_batching { }'] : []),
    ...(options.instanceCount !== undefined
      ? [`instance_group [ { count: ${options.instanceCount} kind: KIND_AUTO } ]`]
      : []),
    '',
  ].join('\n');
}

function dimValue(dim: Dim): number {
  return typeof dim === 'number' ? dim : -1;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
