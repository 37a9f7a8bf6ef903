import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import type { BatchingOptions } from './dynamic-batcher.js';
import type { RunningGrpcServer } from './grpc/grpc-server.js';
import { InferenceService } from './inference-service.js';
import type { ServedModel } from './served-model.js';
import { createHttpHandler } from './v2-server.js';

/** Options for {@link startServer}. */
export interface ServerOptions {
  models: readonly ServedModel[];
  /** Loopback by default: nothing is exposed beyond this machine unless asked. */
  host?: string;
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** gRPC port; undefined serves no gRPC, 0 picks a free one. */
  grpcPort?: number;
  /** Largest request body (HTTP) or message (gRPC) accepted, in bytes (default 16 MiB). */
  maxBodyBytes?: number;
  /** Dynamic batching (default: up to 64 rows, no added delay). maxBatchSize 1 turns it off. */
  batching?: Partial<BatchingOptions>;
  logger?: Logger;
  serverVersion?: string;
  /**
   * What GET /metrics answers, given this process's own text (default: that text). Several
   * server processes (`modelops serve --processes`) answer for all of them.
   */
  renderMetrics?: (local: string) => Promise<string>;
}

/** A listening server; close() stops accepting, waits for requests in flight, frees the sessions. */
export interface RunningServer {
  /** e.g. http://127.0.0.1:8080 */
  url: string;
  host: string;
  port: number;
  /** host:port of the gRPC endpoint, when one was asked for. */
  grpcAddress?: string;
  grpcPort?: number;
  /** The current Prometheus metrics (what GET /metrics answers). */
  metrics(): string;
  close(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_BATCHING: BatchingOptions = { maxBatchSize: 64, delayMs: 0 };

/**
 * Starts the KServe V2 / Open Inference Protocol server over onnxruntime sessions: HTTP always,
 * gRPC (GRPCInferenceService) when `grpcPort` is given, one dynamic batcher per model shared by
 * both. A busy port is a UsageError naming the port and the flag to change. The sessions belong
 * to the server from here on: close() releases them, and so does a failed start.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const batching = { ...DEFAULT_BATCHING, ...options.batching };
  const invalid =
    !Number.isSafeInteger(batching.maxBatchSize) || batching.maxBatchSize < 1
      ? new UsageError(`max batch size ${batching.maxBatchSize} is not a positive integer`, {
          fix: 'pass --max-batch-size 1 or more (1 turns batching off)',
        })
      : !Number.isFinite(batching.delayMs) || batching.delayMs < 0
        ? new UsageError(`batch delay ${batching.delayMs} ms is not a non-negative number`, {
            fix: 'pass --batch-delay-ms 0 or more',
          })
        : undefined;
  if (invalid) {
    for (const model of options.models) await model.runtime.release();
    throw invalid;
  }
  const service = new InferenceService(options.models, batching, options.serverVersion ?? 'dev');
  const server = createServer(
    createHttpHandler(service, {
      maxBodyBytes,
      logger: options.logger,
      ...(options.renderMetrics ? { renderMetrics: options.renderMetrics } : {}),
    }),
  );
  let grpc: RunningGrpcServer | undefined;
  try {
    await listen(server, host, options.port);
    if (options.grpcPort !== undefined) {
      // Loaded only when asked for: grpc-js is most of the bundle's weight.
      const { startGrpcServer } = await import('./grpc/grpc-server.js');
      grpc = await startGrpcServer(service, {
        host,
        port: options.grpcPort,
        maxMessageBytes: maxBodyBytes,
        logger: options.logger,
      });
    }
  } catch (error) {
    await new Promise<void>((done) => (server.listening ? server.close(() => done()) : done()));
    await service.release();
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    ...(grpc ? { grpcAddress: grpc.address, grpcPort: grpc.port } : {}),
    metrics: () => service.metrics.registry.render(),
    close: () =>
      (closing ??= Promise.all([
        new Promise<void>((done) => {
          server.close(() => done());
          server.closeIdleConnections();
        }),
        grpc?.close(),
      ]).then(() => service.release())),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      fail(
        error.code === 'EADDRINUSE'
          ? new UsageError(`port ${port} on ${host} is already in use`, {
              fix: 'stop what listens there or pass another --port (0 picks a free one)',
            })
          : error.code === 'EACCES'
            ? new UsageError(`no permission to listen on ${host}:${port}`, { fix: 'use a port above 1023' })
            : error,
      );
    });
    server.listen(port, host, () => done());
  });
}
