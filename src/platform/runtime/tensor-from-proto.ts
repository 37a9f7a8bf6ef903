import type { TensorProto } from 'onnx-buf';
import { elementTypeName } from '../../core/onnx/element-types.js';
import { tensorValues } from '../../core/onnx/tensor-data.js';
import type { RuntimeTensor } from './runtime-tensor.js';

/**
 * A TensorProto (an initializer, or an input_N.pb of ONNX's test data) as a runtime tensor.
 * Throws ModelFormatError for types that cannot be decoded (complex, 4-bit).
 */
export function tensorFromProto(tensor: TensorProto): RuntimeTensor {
  return {
    elementType: elementTypeName(tensor.dataType),
    dims: tensor.dims.map(Number),
    data: tensorValues(tensor),
  };
}
