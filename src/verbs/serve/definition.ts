import { availableParallelism } from 'node:os';
import { UsageError } from '../../core/errors.js';
import {
  createSession,
  createWorkerSession,
  defaultReplicas,
  keepHeapUnderLoad,
} from '../../platform/runtime/index.js';
import { loadServedModel } from '../../serve/load-served-model.js';
import { startServer } from '../../serve/start-server.js';
import type { ParsedInputs, VerbDefinition, VerbDeps, VerbOutcome } from '../types.js';
import { SERVE_INPUTS, SERVE_OUTPUTS } from './inputs.js';
import { isServeWorker, joinServeProcesses, leaveServeProcesses, startServeProcesses } from './processes.js';
import { resolveModelToServe, type ModelToServe } from './resolve-model.js';

declare const MODELOPS_VERSION: string; // replaced at build time

export const serveVerb: VerbDefinition = {
  name: 'serve',
  description:
    'serve a model over the KServe V2 / Open Inference Protocol (HTTP and gRPC) on onnxruntime, with dynamic batching and Prometheus metrics, until SIGTERM or Ctrl-C',
  inputs: SERVE_INPUTS,
  outputs: SERVE_OUTPUTS,
  examples: [
    'modelops serve --model models/churn/model.onnx --port 8080',
    'modelops serve --model churn@v1.2.0 --port 0            # a registered version; 0 picks a free port',
    'modelops serve --model model.onnx --grpc-port 8081      # also the V2 GRPCInferenceService',
    'modelops serve --model model.onnx --max-batch-size 256 --batch-delay-ms 2',
    'modelops serve --model model.onnx --sessions 1 --threads 2   # one session, onnxruntime threads inside it',
    'modelops serve --model model.onnx --processes 2         # two server processes on one port (fast models)',
    'curl -s localhost:8080/v2/models/churn/infer -d \'{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}\'',
    'curl -s localhost:8080/metrics                          # Prometheus text format',
  ],
  async run(inputs, deps) {
    try {
      return await serve(inputs, deps);
    } finally {
      // A --processes worker stays alive while connected to the primary: let go, served or failed.
      if (isServeWorker()) leaveServeProcesses();
    }
  },
};

async function serve(inputs: ParsedInputs, deps: VerbDeps): Promise<VerbOutcome> {
  const port = checkPort('--port', inputs.port);
  const processes = processesInput(inputs.processes);
  const grpcPort =
    inputs['grpc-port'] === undefined ? undefined : checkPort('--grpc-port', inputs['grpc-port']);
  // Only the name and version stay for the server's life; the file's bytes go once a session
  // holds the model (`toServe = undefined` below).
  let toServe: ModelToServe | undefined = await resolveModelToServe(
    inputs.model as string | undefined,
    {
      name: inputs.name as string | undefined,
      remote: String(inputs.remote),
      config: String(inputs.config),
    },
    deps,
  );
  const model = { name: toServe.name, version: toServe.version };
  const version = model.version ? ` v${model.version}` : '';
  const worker = isServeWorker();
  if (processes > 1 && !worker) {
    // The primary: the workers (this same command) load the model and serve; see processes.ts.
    toServe = undefined;
    const listening = await startServeProcesses(processes, { logger: deps.logger, signal: deps.signal });
    deps.logger.info(
      `serving ${model.name}${version} at ${listening.url}/v2/models/${encodeURIComponent(model.name)}` +
        (listening.grpcAddress ? ` and over gRPC at ${listening.grpcAddress}` : '') +
        ` from ${processes} processes (metrics at ${listening.url}/metrics)`,
    );
    await listening.stopped;
    deps.logger.info(`stopped serving ${model.name}${version}`);
    return stoppedOutcome(model, listening.url, listening.grpcAddress, processes);
  }
  // This process serves: V8 must not mistake its time inside onnxruntime for idleness.
  keepHeapUnderLoad();
  const threadsInput = inputs.threads === undefined ? undefined : Number(inputs.threads);
  if (threadsInput !== undefined && (!Number.isInteger(threadsInput) || threadsInput < 1))
    throw new UsageError(`--threads ${threadsInput} is not a positive whole number`, {
      fix: "pass --threads 1 or more, or leave it out for onnxruntime's choice",
    });
  // One of several processes: its share of the cores, in one session.
  const threads =
    threadsInput ?? (worker ? Math.max(1, Math.floor(availableParallelism() / processes)) : undefined);
  const sessionThread = inputs['session-thread'] as 'main' | 'worker' | undefined;
  // --session-thread main alone asks for the one session it can hold.
  const sessions =
    sessionsInput(inputs.sessions) ??
    (sessionThread === 'main' || worker ? 1 : defaultReplicas(toServe.bytes.byteLength));
  if (sessions > 1 && sessionThread === 'main')
    throw new UsageError(`--session-thread main cannot hold ${sessions} sessions`, {
      fix: 'pass --sessions 1 to run one session on the main thread, or leave out --session-thread',
    });
  const served = await loadServedModel({
    ...toServe,
    createSession: (bytes, options) =>
      sessions > 1 || sessionThread === 'worker'
        ? createWorkerSession(bytes, { ...options, threads, replicas: sessions })
        : createSession(bytes, { ...options, threads }),
  });
  // onnxruntime holds its own copy of the model now. Kept here for the server's life, the file's
  // bytes would count as V8 external memory and, with each request's socket buffers on top,
  // bring on a full collection every few hundred ms (25 MB model: 10 in 4 s; without: 0).
  toServe = undefined;
  // A worker's /metrics answers for every process, once it has joined them (below).
  let allProcessesMetrics: ((local: string) => Promise<string>) | undefined;
  // From here the server owns the session: a failed start releases it.
  const server = await startServer({
    models: [served],
    host: String(inputs.host),
    port,
    grpcPort,
    maxBodyBytes: Number(inputs['max-body-bytes']),
    batching: { maxBatchSize: Number(inputs['max-batch-size']), delayMs: Number(inputs['batch-delay-ms']) },
    logger: deps.logger,
    serverVersion: typeof MODELOPS_VERSION === 'string' ? MODELOPS_VERSION : undefined,
    renderMetrics: (local) => (allProcessesMetrics ? allProcessesMetrics(local) : Promise.resolve(local)),
  });
  if (worker)
    allProcessesMetrics = joinServeProcesses(
      { url: server.url, ...(server.grpcAddress ? { grpcAddress: server.grpcAddress } : {}) },
      () => server.metrics(),
    );
  else
    deps.logger.info(
      `serving ${model.name}${version} at ${server.url}/v2/models/${encodeURIComponent(model.name)}` +
        (server.grpcAddress ? ` and over gRPC at ${server.grpcAddress}` : '') +
        ` (metrics at ${server.url}/metrics)`,
    );
  await new Promise<void>((done) => {
    if (!deps.signal || deps.signal.aborted) return done();
    deps.signal.addEventListener('abort', () => done(), { once: true });
  });
  await server.close();
  if (!worker) deps.logger.info(`stopped serving ${model.name}${version}`);
  return stoppedOutcome(model, server.url, server.grpcAddress, processes);
}

/** What serve hands back once stopped. */
function stoppedOutcome(
  model: { name: string; version?: string | undefined },
  url: string,
  grpcAddress: string | undefined,
  processes: number,
): VerbOutcome {
  return {
    exitCode: 0,
    result: {
      name: model.name,
      version: model.version ?? null,
      url,
      grpc_address: grpcAddress ?? null,
      processes,
      stopped: true,
    },
    outputs: { url, ...(grpcAddress ? { 'grpc-address': grpcAddress } : {}) },
    text: '',
  };
}

/** --processes: a whole number from 1 to 64. */
function processesInput(value: unknown): number {
  const n = Number(value ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--processes ${String(value)} is not a whole number from 1 to 64`, {
      fix: 'pass --processes 1 (one process) or up to the number of cores',
    });
  return n;
}

/** --sessions: a whole number from 1 to 64, or undefined for the default. */
function sessionsInput(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--sessions ${String(value)} is not a whole number from 1 to 64`, {
      fix: 'pass --sessions 1 for one session with onnxruntime threads, or leave it out for one per core',
    });
  return n;
}

function checkPort(flag: string, value: unknown): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`${flag} ${String(value)} is not a TCP port`, {
      fix: `pass ${flag} between 0 and 65535 (0 picks a free one)`,
    });
  return port;
}
