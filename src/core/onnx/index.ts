/**
 * ONNX model I/O: decode/encode ModelProto (onnx-buf), files with external data, signatures,
 * metadata, a small graph builder and a structural checker. Pure apart from file reads/writes.
 */
export type { ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto } from 'onnx-buf';
export { readModel, writeModel, PROTOBUF_LIMIT } from './model-codec.js';
export {
  loadModelFile,
  saveModelFile,
  type LoadModelOptions,
  type SaveModelOptions,
  type SavedModel,
} from './model-file.js';
export { assertSafeLocation, externalDataRef, type ExternalDataRef } from './external-location.js';
export { externalTensors } from './external-data-load.js';
export { elementTypeName, elementTypeCode, elementBits, rawByteLength } from './element-types.js';
export {
  tensorValues,
  tensorRawBytes,
  tensorElementCount,
  isExternal,
  type TensorValues,
} from './tensor-data.js';
export { extractSignature, opsetImports, shapeDims, typeString, valueSignature } from './signature.js';
export { getMetadata, getMetadataValue, setMetadata, producerInfo, type ProducerInfo } from './metadata.js';
export { allGraphs, allTensors, graphAndSubgraphs } from './walk-tensors.js';
export {
  buildModel,
  irVersionForOpset,
  makeAttribute,
  makeNode,
  makeTensor,
  makeType,
  makeValueInfo,
  PRODUCER_NAME,
  type AttributeValue,
  type ModelSpec,
  type NodeOptions,
  type TypeSpec,
  type ValueSpec,
} from './builder.js';
export { checkModel } from './check-model.js';
export type { Dim, ElementType, ModelSignature, OpsetImport, TensorSignature } from './signature-types.js';
export {
  upgradeOpset,
  NEWEST_KNOWN_OPSET,
  OLDEST_UPGRADABLE_OPSET,
  type OpsetUpgrade,
} from './upgrade-opset.js';
