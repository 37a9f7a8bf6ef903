import type { Tensor } from 'onnxruntime-node';
import type { TensorValues } from '../../core/onnx/tensor-data.js';
import type { OrtModule } from './load-ort.js';
import { onnxTypeName, ortTypeName, type RuntimeTensor } from './runtime-tensor.js';

/**
 * Plain tensor → ORT tensor. float16 needs care: on Node 24, where Float16Array exists,
 * onnxruntime-common 1.30 wraps Uint16Array data in a Float16Array, which the native binding
 * reads as 0 bytes ("not enough space: expected 24, got 0"). Handing the binding back the
 * Uint16Array view of the same bytes works on every Node version; a float16 test pins it.
 */
export function toOrt(ort: OrtModule, t: RuntimeTensor): Tensor {
  const tensor = new ort.Tensor(ortTypeName(t.elementType) as 'float32', t.data as Float32Array, t.dims);
  if (t.elementType === 'float16' && !(tensor.data instanceof Uint16Array)) {
    const data = tensor.data as unknown as Uint16Array;
    (tensor as unknown as { cpuData: Uint16Array }).cpuData = new Uint16Array(
      data.buffer,
      data.byteOffset,
      data.length,
    );
  }
  return tensor;
}

/** ORT tensor → plain values; float16 comes back as Float16Array on Node 24, so take its bits. */
export function fromOrt(tensor: Tensor): RuntimeTensor {
  const elementType = onnxTypeName(tensor.type);
  let data = tensor.data as TensorValues;
  if (elementType === 'float16' && !(data instanceof Uint16Array) && !Array.isArray(data)) {
    data = new Uint16Array(data.buffer, data.byteOffset, data.length);
  }
  return { elementType, dims: [...tensor.dims], data };
}
