import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { UsageError } from '../../core/errors.js';
import type { Logger } from '../../platform/logger.js';
import { InferRequestError } from '../infer-request.js';
import { ModelNotFoundError, type InferenceService } from '../inference-service.js';
import { modelMetadata } from '../served-model.js';
import { decodeGrpcInfer, encodeGrpcInfer, type GrpcInferRequest } from './grpc-infer.js';

/** A listening gRPC server. */
export interface RunningGrpcServer {
  /** host:port, as a gRPC client dials it. */
  address: string;
  port: number;
  close(): Promise<void>;
}

const PROTO_FILE = 'grpc_predict_v2.proto';

/**
 * The .proto sits beside this module in the sources and beside the bundle in dist/ (the build
 * copies it there; this module then lives in dist/ or dist/chunks/).
 */
export function protoPath(): string {
  const candidates = [`./${PROTO_FILE}`, `../${PROTO_FILE}`].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new UsageError(
      `the gRPC API description ${PROTO_FILE} is missing (looked in ${candidates.join(', ')})`,
      {
        fix: 'rebuild with npm run build, which ships it beside dist/, or serve without --grpc-port',
      },
    );
  return found;
}

type Callback = grpc.sendUnaryData<Record<string, unknown>>;
type Call<T = Record<string, string>> = grpc.ServerUnaryCall<T, Record<string, unknown>>;

/**
 * The Open Inference Protocol's GRPCInferenceService over the same models, batchers and metrics
 * as the HTTP side. Invalid requests are INVALID_ARGUMENT with the same field-named message as an
 * HTTP 400; unknown models NOT_FOUND.
 */
export async function startGrpcServer(
  service: InferenceService,
  options: { host: string; port: number; maxMessageBytes: number; logger?: Logger },
): Promise<RunningGrpcServer> {
  // grpc-js logs to console.error by default (e.g. a second line for a busy port); ours goes to debug.
  const debug = (...args: unknown[]) => options.logger?.debug(`grpc: ${args.join(' ')}`);
  grpc.setLogger({ error: debug, info: debug, debug });
  const definition = protoLoader.loadSync(protoPath(), {
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const api = grpc.loadPackageDefinition(definition) as unknown as {
    inference: { GRPCInferenceService: { service: grpc.ServiceDefinition } };
  };
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_send_message_length': -1,
  });
  const fail = (callback: Callback, error: unknown): grpc.status => {
    const code =
      error instanceof InferRequestError
        ? grpc.status.INVALID_ARGUMENT
        : error instanceof ModelNotFoundError
          ? grpc.status.NOT_FOUND
          : grpc.status.INTERNAL;
    if (code === grpc.status.INTERNAL) options.logger?.warning(`serve (gRPC): ${(error as Error).message}`);
    callback({ code, details: (error as Error).message });
    return code;
  };
  server.addService(api.inference.GRPCInferenceService.service, {
    ServerLive: (_call: Call, callback: Callback) => callback(null, { live: true }),
    ServerReady: (_call: Call, callback: Callback) => callback(null, { ready: true }),
    ServerMetadata: (_call: Call, callback: Callback) =>
      callback(null, { name: 'modelops', version: service.serverVersion, extensions: [] }),
    ModelReady: (call: Call, callback: Callback) => {
      try {
        service.findModel(call.request.name!, call.request.version || undefined);
        callback(null, { ready: true });
      } catch (error) {
        fail(callback, error);
      }
    },
    ModelMetadata: (call: Call, callback: Callback) => {
      try {
        callback(
          null,
          modelMetadata(service.findModel(call.request.name!, call.request.version || undefined)),
        );
      } catch (error) {
        fail(callback, error);
      }
    },
    ModelInfer: (call: Call<GrpcInferRequest>, callback: Callback) => {
      const started = performance.now();
      const req = call.request;
      const answer = async (): Promise<grpc.status> => {
        try {
          const model = service.findModel(req.model_name, req.model_version || undefined);
          const { request, raw } = decodeGrpcInfer(req, model);
          const outputs = await service.infer(model, request);
          callback(null, encodeGrpcInfer(model, request, outputs, raw));
          return grpc.status.OK;
        } catch (error) {
          return fail(callback, error);
        }
      };
      void answer().then((code) =>
        service.record('grpc', req.model_name, grpc.status[code]!, (performance.now() - started) / 1000),
      );
    },
  });
  const port = await bind(server, options.host, options.port);
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    address: `${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((done) => {
        // Finish calls in flight, but do not wait forever on a client that keeps a stream open.
        const force = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(force);
          done();
        });
      }),
  };
}

function bind(server: grpc.Server, host: string, port: number): Promise<number> {
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((done, fail) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (!error) return done(bound);
      fail(
        /EADDRINUSE|address already in use/i.test(error.message)
          ? new UsageError(`gRPC port ${port} on ${host} is already in use`, {
              fix: 'stop what listens there or pass another --grpc-port (0 picks a free one)',
            })
          : /EACCES/i.test(error.message)
            ? new UsageError(`no permission to listen on ${host}:${port} for gRPC`, {
                fix: 'use a --grpc-port above 1023',
              })
            : new UsageError(`cannot listen for gRPC on ${address}: ${error.message}`, {
                fix: 'check --host and --grpc-port',
              }),
      );
    });
  });
}
