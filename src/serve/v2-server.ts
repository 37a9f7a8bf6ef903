import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from '../platform/logger.js';
import { flatValues, type RuntimeTensor } from '../platform/runtime/runtime-tensor.js';
import { decodeInferRequest, InferRequestError, isObject, type CheckedInput } from './infer-request.js';
import { ModelNotFoundError, type InferenceService } from './inference-service.js';
import { PROMETHEUS_CONTENT_TYPE } from './metrics.js';
import { modelMetadata, type ServedModel } from './served-model.js';
import { BodyPool } from './body-pool.js';
import { tensorFromBytes, tensorToBytes } from './tensor-bytes.js';
import { v2Datatype } from './v2-datatypes.js';

/** The protocol extensions GET /v2 advertises. */
export const HTTP_EXTENSIONS = ['binary_tensor_data'];

/** Header of the binary tensor data extension: the size of the JSON part before the tensor bytes. */
const HEADER_LENGTH = 'inference-header-content-length';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The KServe V2 / Open Inference Protocol over HTTP/1.1 as a request listener. Errors are V2
 * error bodies (`{ "error": "…" }`): 400 names the offending field, 404 an unknown model or route.
 * GET /metrics answers Prometheus text. Tensor data may be JSON or, with the binary tensor data
 * extension, raw bytes after the JSON (`Inference-Header-Content-Length`).
 */
export function createHttpHandler(
  service: InferenceService,
  options: { maxBodyBytes: number; logger?: Logger; renderMetrics?: (local: string) => Promise<string> },
): RequestListener {
  const bodies = new BodyPool();
  return (req, res) => {
    const started = performance.now();
    let inferModel: string | undefined;
    handle(req, res, (name) => (inferModel = name))
      .then(
        () => res.statusCode,
        (error: unknown) => {
          const status =
            error instanceof HttpError
              ? error.status
              : error instanceof ModelNotFoundError
                ? 404
                : error instanceof InferRequestError
                  ? 400
                  : 500;
          if (status === 500) options.logger?.warning(`serve: ${(error as Error).message}`);
          send(res, status, { error: (error as Error).message });
          return status;
        },
      )
      .then((status) => {
        if (inferModel !== undefined)
          service.record('http', inferModel, statusText(status), (performance.now() - started) / 1000);
      });
  };

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    markInfer: (model: string) => void,
  ): Promise<void> {
    const path = requestPath(req.url ?? '/');
    if (path === '/v2/health/live') return get(req, res, () => ({ live: true }));
    if (path === '/v2/health/ready') return get(req, res, () => ({ ready: true }));
    if (path === '/v2')
      return get(req, res, () => ({
        name: 'modelops',
        version: service.serverVersion,
        extensions: HTTP_EXTENSIONS,
      }));
    if (path === '/metrics') {
      if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `use GET for ${path}`);
      const local = service.metrics.registry.render();
      const text = options.renderMetrics ? await options.renderMetrics(local) : local;
      res.writeHead(200, {
        'content-type': PROMETHEUS_CONTENT_TYPE,
        'content-length': Buffer.byteLength(text),
      });
      res.end(req.method === 'HEAD' ? undefined : text);
      return;
    }
    const route = /^\/v2\/models\/(.+?)(?:\/versions\/([^/]+))?(?:\/(ready|infer))?$/.exec(path);
    if (!route) throw new HttpError(404, `no route for ${req.method} ${path}`);
    const name = decodeURIComponent(route[1]!);
    if (route[3] === 'infer' && req.method === 'POST') markInfer(name);
    const model = service.findModel(name, route[2] && decodeURIComponent(route[2]));
    if (route[3] === 'ready') return get(req, res, () => ({ name: model.name, ready: true }));
    if (route[3] === 'infer') {
      if (req.method !== 'POST') throw new HttpError(405, `use POST for ${path}`);
      return infer(req, res, model);
    }
    return get(req, res, () => modelMetadata(model));
  }

  async function infer(req: IncomingMessage, res: ServerResponse, model: ServedModel): Promise<void> {
    const header = req.headers[HEADER_LENGTH];
    const body = await readBody(req, options.maxBodyBytes, header, bodies);
    try {
      await answer(res, model, body, header);
    } finally {
      // The answer is written (or failed): nothing refers to the body's bytes any more.
      bodies.release(body.head);
      bodies.release(body.tail);
    }
  }

  async function answer(
    res: ServerResponse,
    model: ServedModel,
    body: Body,
    header: string | string[] | undefined,
  ): Promise<void> {
    const { json, binary } = splitBinary(body, header);
    let offset = 0;
    const request = decodeInferRequest(json, model, (field, checked: CheckedInput, input) => {
      const size = (input.parameters as Record<string, unknown>).binary_data_size;
      if (!Number.isSafeInteger(size) || (size as number) < 0)
        throw new InferRequestError(`${field}.parameters.binary_data_size`, 'must be a non-negative integer');
      if (offset + (size as number) > binary.byteLength)
        throw new InferRequestError(
          `${field}.parameters.binary_data_size`,
          `${size} bytes at offset ${offset} run past the ${binary.byteLength} bytes of binary data after the JSON`,
        );
      const bytes = binary.subarray(offset, (offset += size as number));
      return tensorFromBytes(bytes, checked, `${field}.parameters.binary_data_size`);
    });
    if (offset !== binary.byteLength)
      throw new InferRequestError(
        'body',
        `${binary.byteLength - offset} bytes of binary data after the JSON belong to no input`,
      );
    const outputs = await service.infer(model, request);
    const binaryOut = binaryOutputs(json);
    const parts: Buffer[] = [];
    const reply = {
      model_name: model.name,
      ...(model.version ? { model_version: model.version } : {}),
      ...(request.id !== undefined ? { id: request.id } : {}),
      outputs: Object.entries(outputs).map(([name, tensor]) => {
        const head = { name, shape: [...tensor.dims], datatype: v2Datatype(tensor.elementType) };
        if (!binaryOut(name)) return { ...head, data: jsonValues(tensor) };
        const bytes = tensorToBytes(tensor);
        parts.push(bytes);
        return { ...head, parameters: { binary_data_size: bytes.byteLength } };
      }),
    };
    if (parts.length === 0) return send(res, 200, reply);
    // One buffer, JSON then tensors, written with the header block in one writev.
    const text = JSON.stringify(reply);
    const headLength = Buffer.byteLength(text);
    let length = headLength;
    for (const p of parts) length += p.byteLength;
    const out = Buffer.allocUnsafe(length);
    out.write(text, 0, 'utf8');
    let at = headLength;
    for (const p of parts) at += p.copy(out, at);
    res.writeHead(200, [
      'content-type',
      'application/octet-stream',
      'content-length',
      String(length),
      HEADER_LENGTH,
      String(headLength),
    ]);
    res.end(out);
  }
}

/** JSON has no bigint: int64 values beyond 2^53 are sent as decimal strings. */
function jsonValues(tensor: RuntimeTensor): unknown[] {
  if (tensor.data instanceof Float32Array || tensor.data instanceof Float64Array)
    return Array.from(tensor.data);
  return flatValues(tensor).map((v) => (typeof v === 'bigint' ? v.toString() : v));
}

function binaryOutputs(json: unknown): (name: string) => boolean {
  if (!isObject(json)) return () => false;
  const all = isObject(json.parameters) && json.parameters.binary_data_output === true;
  const named = new Set(
    (Array.isArray(json.outputs) ? json.outputs : [])
      .filter((o: unknown) => isObject(o) && isObject(o.parameters) && o.parameters.binary_data === true)
      .map((o: Record<string, unknown>) => o.name),
  );
  return (name) => all || named.has(name);
}

/**
 * A request body: `head` is the JSON part (the whole body without the binary extension) and
 * `tail`, when the body was read split, the binary tensor data in a buffer of its own.
 */
interface Body {
  head: Buffer;
  tail: Buffer | undefined;
}

function splitBinary(body: Body, header: string | string[] | undefined): { json: unknown; binary: Buffer } {
  let jsonBytes = body.head;
  let binary: Buffer = body.tail ?? Buffer.alloc(0);
  if (header !== undefined && body.tail === undefined) {
    const length = Number(header);
    if (!Number.isSafeInteger(length) || length < 0 || length > body.head.byteLength)
      throw new InferRequestError(
        'Inference-Header-Content-Length',
        `must be the byte length of the JSON part (0–${body.head.byteLength}), not '${String(header)}'`,
      );
    jsonBytes = body.head.subarray(0, length);
    binary = body.head.subarray(length);
  }
  try {
    return { json: JSON.parse(jsonBytes.toString('utf8')) as unknown, binary };
  } catch (error) {
    throw new InferRequestError('body', `is not valid JSON (${(error as Error).message})`);
  }
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

/**
 * Reads the whole body. With a Content-Length and a valid Inference-Header-Content-Length the
 * JSON part and the binary tensor data go straight into two buffers, the tensor data into one of
 * its own from `pool` (exactly its size, so 8-byte aligned): the tensors are then viewed in place,
 * and a worker-thread session posts them without first copying them out of a larger buffer — at
 * 64 KiB+ per request, copies and the garbage they leave are a visible share of the server's
 * CPU. The caller gives both buffers back to `pool`.
 */
function readBody(
  req: IncomingMessage,
  maxBytes: number,
  header: string | string[] | undefined,
  pool: BodyPool,
): Promise<Body> {
  const declared =
    req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (declared !== undefined && declared > maxBytes) {
    req.resume();
    return Promise.reject(new HttpError(413, `body of ${declared} bytes is over the ${maxBytes}-byte limit`));
  }
  if (declared === undefined || !Number.isSafeInteger(declared) || declared < 0)
    return readChunked(req, maxBytes).then((head) => ({ head, tail: undefined }));
  const split = header === undefined ? NaN : Number(header);
  // An invalid header is refused later, with the body's length in the message.
  const jsonLength = Number.isSafeInteger(split) && split >= 0 && split <= declared ? split : declared;
  // A small JSON part comes from Node's shared slab; a large one (tensors as JSON) is pooled too.
  const head = jsonLength < BodyPool.MIN_POOLED ? Buffer.allocUnsafe(jsonLength) : pool.acquire(jsonLength);
  const tail = jsonLength < declared ? pool.acquire(declared - jsonLength) : undefined;
  // Listeners rather than an async iterator: no promise per chunk on the hot path.
  return new Promise((resolve, reject) => {
    let size = 0;
    const done = (error?: Error) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (!error && size === declared) return resolve({ head, tail });
      pool.release(head);
      pool.release(tail);
      reject(error ?? new HttpError(400, `body ended after ${size} of its ${declared} bytes`));
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > declared) {
        req.destroy();
        return done(new HttpError(400, 'body is longer than its Content-Length'));
      }
      let from = 0;
      if (size < jsonLength) {
        from = Math.min(chunk.length, jsonLength - size);
        chunk.copy(head, size, 0, from);
      }
      if (from < chunk.length) chunk.copy(tail!, size + from - jsonLength, from);
      size += chunk.length;
    };
    const onEnd = () => done();
    const onError = (error: Error) => done(error);
    // A client that goes away before the end: the answer has nowhere to go.
    const onClose = () => done(new HttpError(400, 'the client closed the connection before the body ended'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** A body without Content-Length (chunked): collected, then joined. */
async function readChunked(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpError(413, `body is over the ${maxBytes}-byte limit`);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/**
 * The path of a request target, without query and trailing slashes. Plain origin-form targets
 * (the only kind clients send here) are taken as they are; anything a URL parser could rewrite —
 * dot segments, escapes, backslashes, `//`, an absolute URL, characters it escapes — goes through one.
 */
export function requestPath(target: string): string {
  const query = target.indexOf('?');
  const raw = query < 0 ? target : target.slice(0, query);
  const path =
    PLAIN_PATH.test(raw) && !raw.includes('/.') ? raw : new URL(target, 'http://localhost').pathname;
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end--;
  return end === path.length ? path : path.slice(0, end);
}

// No '%' (an escaped dot is a dot segment to a URL parser), no '//' at the start (a host to it).
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;

/** Status codes as metric labels, without a string per request. */
function statusText(status: number): string {
  return (STATUS_TEXT[status] ??= String(status));
}
const STATUS_TEXT: Record<number, string> = {};
