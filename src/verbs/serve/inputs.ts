import { CONFIG_INPUT, MODEL_INPUT } from '../shared-inputs.js';
import type { InputSpec, OutputSpec } from '../types.js';

export const SERVE_INPUTS: readonly InputSpec[] = [
  MODEL_INPUT,
  {
    name: 'name',
    description:
      'Name the server answers to under /v2/models/{name}. Default: the registry name (NAME@vX.Y.Z) or the folder under models/.',
    type: 'string',
  },
  {
    name: 'port',
    description: 'TCP port to listen on (0 picks a free one and logs it).',
    type: 'number',
    default: '8080',
  },
  {
    name: 'grpc-port',
    description:
      'Also serve the V2 GRPCInferenceService (gRPC) on this TCP port; 0 picks a free one and logs it. Unset: HTTP only.',
    type: 'number',
  },
  {
    name: 'max-batch-size',
    description:
      'Dynamic batching: concurrent infer requests for a model are joined into one onnxruntime run of at most this many rows (first dimension); 1 turns batching off.',
    type: 'number',
    default: '64',
  },
  {
    name: 'batch-delay-ms',
    description:
      'Dynamic batching: longest a request waits for others to join its batch, in milliseconds; 0 joins only requests already waiting.',
    type: 'number',
    default: '0',
  },
  {
    name: 'threads',
    description:
      "onnxruntime threads inside one operator. Default: onnxruntime's choice (one per core); 1 leaves the other cores to the HTTP/gRPC side and its clients, often faster on a busy host.",
    type: 'number',
  },
  {
    name: 'sessions',
    description:
      "onnxruntime sessions serving the model side by side, each in its own worker thread with one intra-op thread (unless --threads says otherwise), each running a different batch while the main thread reads and answers requests. Default: one per core, up to 4 (1 for models of 512 MB or more). 1 runs a single session with onnxruntime's own threading, on the thread --session-thread names.",
    type: 'number',
  },
  {
    name: 'processes',
    description:
      'Server processes sharing the ports (node:cluster), each with its own event loop and, unless --sessions/--threads say otherwise, one session with cores ÷ processes intra-op threads. For fast models, where reading and answering requests costs more than the model: 2 on 2 cores served 1.2× the rows/s of one process on a 0.22 ms model (about the same on a 2.5 ms one, where --sessions 1 did best). /metrics answers for all of them. Default 1.',
    type: 'number',
    default: '1',
  },
  {
    name: 'session-thread',
    description:
      "Where a single session (--sessions 1) runs: 'main' (the JavaScript thread, the default for one session; given alone it means --sessions 1) or 'worker' (its own thread, so requests are read and answered while a batch computes, at the cost of copying tensors between threads). Several sessions always run in worker threads.",
    type: 'string',
    choices: ['main', 'worker'],
  },
  {
    name: 'host',
    description: 'Address to listen on. Loopback by default; anything else exposes the model to the network.',
    type: 'string',
    default: '127.0.0.1',
  },
  {
    name: 'max-body-bytes',
    description:
      'Largest infer request accepted, in bytes; larger HTTP bodies get 413, larger gRPC messages RESOURCE_EXHAUSTED.',
    type: 'number',
    default: String(16 * 1024 * 1024),
  },
  {
    name: 'remote',
    description: 'Git remote to push tags to and fetch tags from.',
    type: 'string',
    default: 'origin',
  },
  CONFIG_INPUT,
];

export const SERVE_OUTPUTS: readonly OutputSpec[] = [
  { name: 'url', description: 'Base URL the server listened on, e.g. http://127.0.0.1:8080.' },
  { name: 'grpc-address', description: 'host:port of the gRPC endpoint, when --grpc-port was given.' },
];
