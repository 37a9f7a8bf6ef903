/** The KServe V2 / Open Inference Protocol server behind `modelops serve` and deploy's local target. */
export { startV2Server, type RunningV2Server, type V2ServerOptions } from './v2-server.js';
export { loadServedModel } from './load-served-model.js';
export { decodeInferRequest, InferRequestError, type DecodedInferRequest } from './infer-request.js';
export { modelMetadata, type ServedModel } from './served-model.js';
export { onnxElementType, v2Datatype } from './v2-datatypes.js';
