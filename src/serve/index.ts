/** The KServe V2 / Open Inference Protocol server behind `modelops serve` and deploy's local target. */
export {
  startServer,
  DEFAULT_BATCHING,
  DEFAULT_MAX_BODY_BYTES,
  type RunningServer,
  type ServerOptions,
} from './start-server.js';
export type { BatchingOptions } from './dynamic-batcher.js';
export { loadServedModel } from './load-served-model.js';
export { decodeInferRequest, InferRequestError, type DecodedInferRequest } from './infer-request.js';
export { modelMetadata, type ServedModel } from './served-model.js';
export { onnxElementType, v2Datatype } from './v2-datatypes.js';
export { startServer as startV2Server } from './start-server.js';
export type { RunningServer as RunningV2Server, ServerOptions as V2ServerOptions } from './start-server.js';
