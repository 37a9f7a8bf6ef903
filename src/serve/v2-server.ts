import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../platform/logger.js';
import { flatValues } from '../platform/runtime/runtime-tensor.js';
import { decodeInferRequest, InferRequestError } from './infer-request.js';
import { modelMetadata, type ServedModel } from './served-model.js';
import { v2Datatype } from './v2-datatypes.js';

/** Options for {@link startV2Server}. */
export interface V2ServerOptions {
  models: readonly ServedModel[];
  /** Loopback by default: nothing is exposed beyond this machine unless asked. */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Largest request body accepted, in bytes (default 16 MiB); larger bodies get 413. */
  maxBodyBytes?: number;
  logger?: Logger;
  serverVersion?: string;
}

/** A listening server; close() stops accepting, waits for requests in flight, frees the sessions. */
export interface RunningV2Server {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 16 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Starts a KServe V2 / Open Inference Protocol HTTP server over onnxruntime sessions. Errors are
 * V2 error bodies (`{ "error": "…" }`): 400 names the offending field, 404 an unknown model or
 * route. A busy port is a UsageError naming the port.
 */
export async function startV2Server(options: V2ServerOptions): Promise<RunningV2Server> {
  const host = options.host ?? '127.0.0.1';
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const models = new Map(options.models.map((m) => [m.name, m]));
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const known = error instanceof HttpError || error instanceof InferRequestError;
      const status = error instanceof HttpError ? error.status : known ? 400 : 500;
      if (!known) options.logger?.warning(`serve: ${(error as Error).message}`);
      send(res, status, { error: (error as Error).message });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (path === '/v2/health/live') return get(req, res, () => ({ live: true }));
    if (path === '/v2/health/ready') return get(req, res, () => ({ ready: true }));
    if (path === '/v2')
      return get(req, res, () => ({
        name: 'modelops',
        version: options.serverVersion ?? 'dev',
        extensions: [],
      }));
    const route = /^\/v2\/models\/(.+?)(?:\/versions\/([^/]+))?(?:\/(ready|infer))?$/.exec(path);
    if (!route) throw new HttpError(404, `no route for ${req.method} ${path}`);
    const model = findModel(decodeURIComponent(route[1]!), route[2] && decodeURIComponent(route[2]));
    if (route[3] === 'ready') return get(req, res, () => ({ name: model.name, ready: true }));
    if (route[3] === 'infer') {
      if (req.method !== 'POST') throw new HttpError(405, `use POST for ${path}`);
      return send(res, 200, await infer(model, await readJson(req, maxBody)));
    }
    return get(req, res, () => modelMetadata(model));
  }

  function findModel(name: string, version: string | undefined): ServedModel {
    const model = models.get(name);
    if (!model)
      throw new HttpError(
        404,
        `model '${name}' is not served here (models: ${[...models.keys()].join(', ')})`,
      );
    if (version !== undefined && version !== model.version && `v${version}` !== `v${model.version}`)
      throw new HttpError(
        404,
        `model '${name}' has no version '${version}' here (serving ${model.version ?? 'an unversioned file'})`,
      );
    return model;
  }

  await listen(server, host, options.port);
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    close: () =>
      (closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeIdleConnections();
      }).then(async () => {
        for (const model of options.models) await model.runtime.release();
      })),
  };
}

async function infer(model: ServedModel, body: unknown): Promise<Record<string, unknown>> {
  const request = decodeInferRequest(body, model);
  let results;
  try {
    results = await model.runtime.run(request.feeds, request.outputNames);
  } catch (error) {
    // The request matched the signature, so what remains is data onnxruntime refuses (e.g. a dim mismatch between inputs).
    throw new InferRequestError('inputs', (error as Error).message);
  }
  return {
    model_name: model.name,
    ...(model.version ? { model_version: model.version } : {}),
    ...(request.id !== undefined ? { id: request.id } : {}),
    outputs: Object.entries(results).map(([name, tensor]) => ({
      name,
      shape: [...tensor.dims],
      datatype: v2Datatype(tensor.elementType),
      // JSON has no bigint: int64 values beyond 2^53 are sent as decimal strings.
      data: flatValues(tensor).map((v) => (typeof v === 'bigint' ? v.toString() : v)),
    })),
  };
}

function get(req: IncomingMessage, res: ServerResponse, body: () => unknown): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `use GET for ${req.url}`);
  send(res, 200, body());
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.resume();
    throw new HttpError(413, `body of ${declared} bytes is over the ${maxBytes}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `body is over the ${maxBytes}-byte limit`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (error) {
    throw new InferRequestError('body', `is not valid JSON (${(error as Error).message})`);
  }
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
