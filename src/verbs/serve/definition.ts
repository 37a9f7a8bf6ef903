import { UsageError } from '../../core/errors.js';
import { createSession, createWorkerSession, defaultReplicas } from '../../platform/runtime/index.js';
import { loadServedModel } from '../../serve/load-served-model.js';
import { startServer } from '../../serve/start-server.js';
import type { VerbDefinition } from '../types.js';
import { SERVE_INPUTS, SERVE_OUTPUTS } from './inputs.js';
import { resolveModelToServe } from './resolve-model.js';

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
    'curl -s localhost:8080/v2/models/churn/infer -d \'{"inputs":[{"name":"features","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}\'',
    'curl -s localhost:8080/metrics                          # Prometheus text format',
  ],
  async run(inputs, deps) {
    const port = checkPort('--port', inputs.port);
    const grpcPort =
      inputs['grpc-port'] === undefined ? undefined : checkPort('--grpc-port', inputs['grpc-port']);
    const model = await resolveModelToServe(
      inputs.model as string | undefined,
      {
        name: inputs.name as string | undefined,
        remote: String(inputs.remote),
        config: String(inputs.config),
      },
      deps,
    );
    const threads = inputs.threads === undefined ? undefined : Number(inputs.threads);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 1))
      throw new UsageError(`--threads ${threads} is not a positive whole number`, {
        fix: "pass --threads 1 or more, or leave it out for onnxruntime's choice",
      });
    const sessionThread = inputs['session-thread'] as 'main' | 'worker' | undefined;
    // --session-thread main alone asks for the one session it can hold.
    const sessions =
      sessionsInput(inputs.sessions) ??
      (sessionThread === 'main' ? 1 : defaultReplicas(model.bytes.byteLength));
    if (sessions > 1 && sessionThread === 'main')
      throw new UsageError(`--session-thread main cannot hold ${sessions} sessions`, {
        fix: 'pass --sessions 1 to run one session on the main thread, or leave out --session-thread',
      });
    const served = await loadServedModel({
      ...model,
      createSession: (bytes, options) =>
        sessions > 1 || sessionThread === 'worker'
          ? createWorkerSession(bytes, { ...options, threads, replicas: sessions })
          : createSession(bytes, { ...options, threads }),
    });
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
    });
    const version = model.version ? ` v${model.version}` : '';
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
    deps.logger.info(`stopped serving ${model.name}${version}`);
    return {
      exitCode: 0,
      result: {
        name: model.name,
        version: model.version ?? null,
        url: server.url,
        grpc_address: server.grpcAddress ?? null,
        stopped: true,
      },
      outputs: { url: server.url, ...(server.grpcAddress ? { 'grpc-address': server.grpcAddress } : {}) },
      text: '',
    };
  },
};

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
