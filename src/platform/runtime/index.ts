/**
 * onnxruntime-node behind a small interface. Nothing here imports onnxruntime-node until
 * createSession is called, so importing this module is cheap.
 */
export {
  createSession,
  type CreateSession,
  type ModelRuntime,
  type RuntimeOptions,
  type RuntimeValueInfo,
  type RunOptions,
  type TimedRun,
} from './session.js';
export { createWorkerSession } from './worker-session.js';
export { defaultReplicas, LARGE_MODEL_BYTES } from './default-replicas.js';
export { keepHeapUnderLoad } from './server-heap.js';
export { runBatches, type BatchOptions, type BatchResult } from './batching.js';
export {
  flatValues,
  halfToNumber,
  onnxTypeName,
  ortTypeName,
  rowsToTensor,
  tensorToNested,
  typedArrayFor,
  type NestedArray,
  type RuntimeTensor,
} from './runtime-tensor.js';
export { tensorFromProto } from './tensor-from-proto.js';
