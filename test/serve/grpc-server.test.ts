import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/serve/start-server.js';
import { linearModelBytes } from '../support/models.js';
import { parseExposition, sampleValue } from './prometheus-text.js';
import { loadModel, mixedBytes } from './serve-models.js';

const PROTO = fileURLToPath(new URL('../../src/serve/grpc/grpc_predict_v2.proto', import.meta.url));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

type Message = Record<string, unknown>;
type Client = Record<
  string,
  (request: Message, callback: (error: grpc.ServiceError | null, response: Message) => void) => void
> &
  grpc.Client;

/** A V2 gRPC client from the .proto, as any user would generate one. */
function connect(address: string): Client {
  const definition = protoLoader.loadSync(PROTO, {
    keepCase: true,
    longs: Number,
    defaults: true,
    oneofs: true,
  });
  const api = grpc.loadPackageDefinition(definition) as unknown as {
    inference: {
      GRPCInferenceService: new (address: string, credentials: grpc.ChannelCredentials) => Client;
    };
  };
  return new api.inference.GRPCInferenceService(address, grpc.credentials.createInsecure());
}

describe('KServe V2 GRPCInferenceService over onnxruntime', () => {
  let server: RunningServer;
  let client: Client;
  const call = (method: string, request: Message = {}) =>
    new Promise<Message>((done, fail) =>
      client[method]!(request, (error, response) => (error ? fail(error) : done(response))),
    );
  const refusal = async (method: string, request: Message) => {
    const error = (await call(method, request).then(
      () => undefined,
      (e: unknown) => e,
    )) as grpc.ServiceError | undefined;
    if (!error) throw new Error(`${method} succeeded`);
    return { code: grpc.status[error.code], details: error.details };
  };
  const features = (overrides: Message = {}) => ({
    model_name: 'churn',
    inputs: [
      {
        name: 'features',
        datatype: 'FP32',
        shape: [2, 4],
        contents: { fp32_contents: [1, 2, 3, 4, 0, 0, 0, -1] },
        ...overrides,
      },
    ],
  });

  beforeAll(async () => {
    server = await startServer({
      models: [
        await loadModel('churn', linearModelBytes({ bias: 0.5 }), '1.2.0'),
        await loadModel('mixed', mixedBytes()),
      ],
      port: 0,
      grpcPort: 0,
      batching: { maxBatchSize: 64, delayMs: 300 },
      maxBodyBytes: 4096,
    });
    client = connect(server.grpcAddress!);
  });
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  it('listens on loopback beside HTTP and answers health and metadata', async () => {
    expect(server.grpcAddress).toBe(`127.0.0.1:${server.grpcPort}`);
    expect(server.grpcPort).not.toBe(server.port);
    expect(await call('ServerLive')).toEqual({ live: true });
    expect(await call('ServerReady')).toEqual({ ready: true });
    expect(await call('ServerMetadata')).toEqual({ name: 'modelops', version: 'dev', extensions: [] });
    expect(await call('ModelReady', { name: 'churn', version: '1.2.0' })).toEqual({ ready: true });
    expect(await call('ModelMetadata', { name: 'churn' })).toEqual({
      name: 'churn',
      versions: ['1.2.0'],
      platform: 'onnxruntime_onnx',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'probability', datatype: 'FP32', shape: [-1, 1] }],
    });
  });

  it('infers with typed contents and answers in typed contents', async () => {
    const response = await call('ModelInfer', { ...features(), id: 'g1' });
    expect(response).toMatchObject({
      model_name: 'churn',
      model_version: '1.2.0',
      id: 'g1',
      raw_output_contents: [],
    });
    const [out] = response.outputs as {
      name: string;
      datatype: string;
      shape: number[];
      contents: { fp32_contents: number[] };
    }[];
    expect(out).toMatchObject({ name: 'probability', datatype: 'FP32', shape: [2, 1] });
    expect(out!.contents.fp32_contents[0]).toBeCloseTo(sigmoid(0.1 + 0.4 + 0.9 + 1.6 + 0.5), 5);
    expect(out!.contents.fp32_contents[1]).toBeCloseTo(sigmoid(-0.4 + 0.5), 5);
  });

  it('infers with raw_input_contents and answers in raw_output_contents, the same float32 values', async () => {
    const typed = await call('ModelInfer', features());
    const raw = await call('ModelInfer', {
      model_name: 'churn',
      inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4] }],
      raw_input_contents: [Buffer.from(new Float32Array([1, 2, 3, 4, 0, 0, 0, -1]).buffer)],
    });
    const [bytes] = raw.raw_output_contents as Buffer[];
    expect(bytes!.length).toBe(8);
    const values = Array.from(new Float32Array(new Uint8Array(bytes!).buffer));
    expect(values).toEqual(
      (typed.outputs as { contents: { fp32_contents: number[] } }[])[0]!.contents.fp32_contents,
    );
    expect((raw.outputs as Message[])[0]).toEqual({
      name: 'probability',
      datatype: 'FP32',
      shape: [2, 1],
      parameters: {},
      contents: null,
    });
  });

  it('int64 and bool tensors in typed contents, and a requested output only', async () => {
    const response = await call('ModelInfer', {
      model_name: 'mixed',
      inputs: [
        {
          name: 'ids',
          datatype: 'INT64',
          shape: [1, 2],
          contents: { int64_contents: [41, 9007199254740993n.toString()] },
        },
        { name: 'flags', datatype: 'BOOL', shape: [1, 2], contents: { bool_contents: [true, false] } },
      ],
      outputs: [{ name: 'next' }],
    });
    const outputs = response.outputs as { name: string; contents: { int64_contents: number[] } }[];
    expect(outputs.map((o) => o.name)).toEqual(['next']);
    // The client reads int64 as numbers, so 2^53 + 2 arrives rounded; the server computed it exactly.
    expect(outputs[0]!.contents.int64_contents).toEqual([42, 9007199254740994]);
    const both = await call('ModelInfer', {
      model_name: 'mixed',
      inputs: [
        { name: 'ids', datatype: 'INT64', shape: [1, 2], contents: { int64_contents: [1, 2] } },
        { name: 'flags', datatype: 'BOOL', shape: [1, 2], contents: { bool_contents: [true, false] } },
      ],
    });
    expect((both.outputs as { contents: { bool_contents: boolean[] } }[])[1]!.contents.bool_contents).toEqual(
      [false, true],
    );
  });

  it.each([
    ['an unknown input', features({ name: 'x' }), /^inputs\[0\]\.name: 'x' is not an input of churn/],
    [
      'a wrong datatype',
      features({ datatype: 'INT64' }),
      /^inputs\[0\]\.datatype: input 'features' is FP32, not INT64/,
    ],
    [
      'a wrong fixed dim',
      features({ shape: [4, 2] }),
      /^inputs\[0\]\.shape: dimension 1 of 'features' must be 4, not 2/,
    ],
    [
      'too few values',
      features({ contents: { fp32_contents: [1, 2, 3] } }),
      /^inputs\[0\]\.contents\.fp32_contents: holds 3 values but shape \[2, 4\] needs 8/,
    ],
    [
      'values in the wrong contents field',
      features({ contents: { fp64_contents: [1, 2, 3, 4, 5, 6, 7, 8] } }),
      /holds 0 values .* \(the values are in fp64_contents; FP32 goes in fp32_contents\)/,
    ],
    [
      'a raw byte size the shape does not need',
      { ...features({ contents: null }), raw_input_contents: [Buffer.alloc(12)] },
      /^raw_input_contents\[0\]: holds 12 bytes but shape \[2, 4\] of float needs 32/,
    ],
    [
      'raw contents for fewer inputs than given',
      {
        model_name: 'mixed',
        inputs: [
          { name: 'ids', datatype: 'INT64', shape: [1, 2] },
          { name: 'flags', datatype: 'BOOL', shape: [1, 2] },
        ],
        raw_input_contents: [Buffer.alloc(16)],
      },
      /^raw_input_contents: holds 1 entries but there are 2 inputs/,
    ],
    [
      'a missing input',
      {
        model_name: 'mixed',
        inputs: [
          { name: 'flags', datatype: 'BOOL', shape: [1, 2], contents: { bool_contents: [true, false] } },
        ],
      },
      /the model's input 'ids' is missing/,
    ],
    [
      'an unknown output',
      { ...features(), outputs: [{ name: 'logit' }] },
      /^outputs\[0\]\.name: must be one of probability/,
    ],
    ['no inputs', { model_name: 'churn' }, /^inputs: must be a non-empty list/],
  ])('refuses %s with INVALID_ARGUMENT naming the field', async (_what, request, message) => {
    const { code, details } = await refusal('ModelInfer', request);
    expect(code).toBe('INVALID_ARGUMENT');
    expect(details).toMatch(message);
  });

  it('NOT_FOUND for an unknown model or version; RESOURCE_EXHAUSTED over the size cap', async () => {
    expect(await refusal('ModelInfer', { ...features(), model_name: 'fraud' })).toEqual({
      code: 'NOT_FOUND',
      details: "model 'fraud' is not served here (models: churn, mixed)",
    });
    expect((await refusal('ModelReady', { name: 'churn', version: '9.9.9' })).code).toBe('NOT_FOUND');
    expect((await refusal('ModelMetadata', { name: 'nope' })).code).toBe('NOT_FOUND');
    const big = await refusal('ModelInfer', {
      ...features({ contents: null }),
      raw_input_contents: [Buffer.alloc(8192)],
    });
    expect(big.code).toBe('RESOURCE_EXHAUSTED');
  });

  it('HTTP and gRPC requests for one model join the same batch; metrics count each protocol', async () => {
    const before = parseExposition(server.metrics());
    const runsBefore = sampleValue(before, 'modelops_session_runs_total', { model: 'churn' })!;
    const [viaGrpc, viaHttp] = await Promise.all([
      call('ModelInfer', features()),
      fetch(`${server.url}/v2/models/churn/infer`, {
        method: 'POST',
        body: JSON.stringify({
          inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [0, 0, 0, -1] }],
        }),
      }).then(async (r) => (await r.json()) as { outputs: { data: number[] }[] }),
    ]);
    const grpcValues = (viaGrpc.outputs as { contents: { fp32_contents: number[] } }[])[0]!.contents
      .fp32_contents;
    expect(viaHttp.outputs[0]!.data).toEqual([grpcValues[1]]);
    const after = parseExposition(await (await fetch(`${server.url}/metrics`)).text());
    expect(sampleValue(after, 'modelops_session_runs_total', { model: 'churn' })).toBe(runsBefore + 1);
    const grpcCount = (status: string) =>
      sampleValue(after, 'modelops_infer_requests_total', { model: 'churn', protocol: 'grpc', status });
    expect(grpcCount('OK')).toBe(4);
    expect(grpcCount('INVALID_ARGUMENT')).toBe(8);
    expect(
      sampleValue(after, 'modelops_infer_requests_total', {
        model: 'churn',
        protocol: 'http',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sampleValue(after, 'modelops_infer_requests_total', {
        model: '_unknown',
        protocol: 'grpc',
        status: 'NOT_FOUND',
      }),
    ).toBe(1);
  });

  it('a busy gRPC port is a one-line usage error naming the port and the flag', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startServer({ models: [], port: 0, grpcPort: port })).rejects.toThrow(
        `gRPC port ${port} on 127.0.0.1 is already in use — stop what listens there or pass another --grpc-port (0 picks a free one)`,
      );
    } finally {
      blocker.close();
    }
  });
});
