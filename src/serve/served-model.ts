import type { ModelSignature, TensorSignature } from '../core/onnx/signature-types.js';
import type { ModelRuntime } from '../platform/runtime/model-runtime.js';
import { v2Datatype } from './v2-datatypes.js';

/** One model the server answers for: its name, optional version, signature and loaded session. */
export interface ServedModel {
  name: string;
  /** e.g. '1.2.0' for a registry version; undefined for a plain file. */
  version: string | undefined;
  signature: ModelSignature;
  runtime: ModelRuntime;
}

/** A tensor as V2 metadata describes it: symbolic or unknown dims are -1. */
export interface V2TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** The body of GET /v2/models/{name}. */
export function modelMetadata(model: ServedModel): Record<string, unknown> {
  return {
    name: model.name,
    versions: model.version ? [model.version] : [],
    platform: 'onnxruntime_onnx',
    inputs: model.signature.inputs.map(tensorMetadata),
    outputs: model.signature.outputs.filter((o) => o.kind === 'tensor').map(tensorMetadata),
  };
}

export function tensorMetadata(tensor: TensorSignature): V2TensorMetadata {
  return {
    name: tensor.name,
    datatype: v2Datatype(tensor.elementType),
    shape: (tensor.shape ?? [-1]).map((d) => (typeof d === 'number' ? d : -1)),
  };
}
