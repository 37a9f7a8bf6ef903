import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/platform/runtime/session.js';
import { loadServedModel } from '../../src/serve/load-served-model.js';
import {
  startServer as startV2Server,
  type RunningServer as RunningV2Server,
} from '../../src/serve/start-server.js';
import { linearModelBytes } from '../support/models.js';
import { parseExposition, sampleValue } from './prometheus-text.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('KServe V2 server over onnxruntime', () => {
  let server: RunningV2Server;
  const call = async (path: string, init?: RequestInit) => {
    const res = await fetch(server.url + path, init);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const infer = (body: unknown, name = 'churn') =>
    call(`/v2/models/${name}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const input = (overrides: Record<string, unknown> = {}) => ({
    inputs: [
      { name: 'features', shape: [2, 4], datatype: 'FP32', data: [1, 2, 3, 4, 0, 0, 0, -1], ...overrides },
    ],
  });

  beforeAll(async () => {
    const model = await loadServedModel({
      name: 'churn',
      version: '1.2.0',
      bytes: linearModelBytes({ bias: 0.5 }),
      source: 'churn',
      createSession,
    });
    server = await startV2Server({ models: [model], port: 0, maxBodyBytes: 4096 });
  });
  afterAll(async () => server.close());

  it('listens on loopback and answers health, server and model metadata', async () => {
    expect(server.host).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(await call('/v2/health/live')).toEqual({ status: 200, body: { live: true } });
    expect(await call('/v2/health/ready')).toEqual({ status: 200, body: { ready: true } });
    expect((await call('/v2')).body).toMatchObject({ name: 'modelops', extensions: ['binary_tensor_data'] });
    expect(await call('/v2/models/churn/ready')).toEqual({
      status: 200,
      body: { name: 'churn', ready: true },
    });
    expect(await call('/v2/models/churn/versions/1.2.0')).toEqual({
      status: 200,
      body: {
        name: 'churn',
        versions: ['1.2.0'],
        platform: 'onnxruntime_onnx',
        inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
        outputs: [{ name: 'probability', datatype: 'FP32', shape: [-1, 1] }],
      },
    });
  });

  it('infers: sigmoid(x·w + b) for each row, with the request id echoed', async () => {
    const { status, body } = await infer({ id: 'r1', ...input() });
    expect(status).toBe(200);
    expect(body).toMatchObject({ model_name: 'churn', model_version: '1.2.0', id: 'r1' });
    const [out] = body.outputs as { name: string; shape: number[]; datatype: string; data: number[] }[];
    expect(out).toMatchObject({ name: 'probability', shape: [2, 1], datatype: 'FP32' });
    // w = [0.1, 0.2, 0.3, 0.4], b = 0.5
    expect(out!.data[0]).toBeCloseTo(sigmoid(0.1 + 0.4 + 0.9 + 1.6 + 0.5), 5);
    expect(out!.data[1]).toBeCloseTo(sigmoid(-0.4 + 0.5), 5);
    // nested data is accepted too
    const nested = await infer(
      input({
        data: [
          [1, 2, 3, 4],
          [0, 0, 0, -1],
        ],
      }),
    );
    expect((nested.body.outputs as { data: number[] }[])[0]!.data).toEqual(out!.data);
  });

  it.each([
    ['not JSON', '{"inputs": [', 'body'],
    ['no inputs', {}, 'inputs'],
    ['unknown input', input({ name: 'x' }), 'inputs[0].name'],
    ['wrong dtype', input({ datatype: 'INT64' }), 'inputs[0].datatype'],
    ['unknown dtype', input({ datatype: 'FLOAT' }), 'inputs[0].datatype'],
    ['wrong rank', input({ shape: [8] }), 'inputs[0].shape'],
    ['wrong fixed dim', input({ shape: [4, 2] }), 'inputs[0].shape'],
    ['negative dim', input({ shape: [-2, 4] }), 'inputs[0].shape'],
    ['too few values', input({ data: [1, 2, 3] }), 'inputs[0].data'],
    ['a string in FP32 data', input({ data: [1, 2, 3, 'x', 0, 0, 0, 0] }), 'inputs[0].data[3]'],
    ['unknown output', { ...input(), outputs: [{ name: 'logit' }] }, 'outputs[0].name'],
    ['an input given twice', { inputs: [input().inputs[0], input().inputs[0]] }, 'inputs[1].name'],
    ['a non-string id', { id: 7, ...input() }, 'id'],
    ['a fractional dim', input({ shape: [1.5, 4] }), 'inputs[0].shape'],
    ['FP16 as JSON numbers', input({ datatype: 'FP16' }), 'inputs[0].datatype'],
  ])('refuses %s with 400 naming the field', async (_what, body, field) => {
    const res = await infer(body);
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toMatch(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}: `));
  });

  it('binary tensor data: inputs after the JSON part, outputs asked as binary', async () => {
    const values = new Float32Array([1, 2, 3, 4, 0, 0, 0, -1]);
    const json = Buffer.from(
      JSON.stringify({
        inputs: [{ name: 'features', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: 32 } }],
        outputs: [{ name: 'probability', parameters: { binary_data: true } }],
      }),
    );
    const res = await fetch(`${server.url}/v2/models/churn/infer`, {
      method: 'POST',
      headers: { 'inference-header-content-length': String(json.length) },
      body: Buffer.concat([json, Buffer.from(values.buffer)]),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    const body = Buffer.from(await res.arrayBuffer());
    const headerLength = Number(res.headers.get('inference-header-content-length'));
    const head = JSON.parse(body.subarray(0, headerLength).toString()) as { outputs: unknown[] };
    expect(head.outputs).toEqual([
      { name: 'probability', shape: [2, 1], datatype: 'FP32', parameters: { binary_data_size: 8 } },
    ]);
    const out = new Float32Array(body.subarray(headerLength).buffer.slice(body.byteOffset + headerLength));
    expect(out[0]).toBeCloseTo(sigmoid(0.1 + 0.4 + 0.9 + 1.6 + 0.5), 5);
    expect(out[1]).toBeCloseTo(sigmoid(-0.4 + 0.5), 5);
    // The same request in JSON answers the same float32 values.
    const plain = await infer(input());
    expect((plain.body.outputs as { data: number[] }[])[0]!.data).toEqual(Array.from(out));
  });

  it.each([
    [
      'a byte size the shape does not need',
      28,
      28,
      /binary_data_size: holds 28 bytes but shape \[2, 4\] of float needs 32/,
    ],
    ['a byte size beyond the data', 32, 16, /binary_data_size: 32 bytes at offset 0 run past the 16 bytes/],
    [
      'bytes that belong to no input',
      32,
      40,
      /^body: 8 bytes of binary data after the JSON belong to no input/,
    ],
  ])('binary tensor data: refuses %s with 400', async (_what, declared, sent, message) => {
    const json = Buffer.from(
      JSON.stringify({
        inputs: [
          { name: 'features', shape: [2, 4], datatype: 'FP32', parameters: { binary_data_size: declared } },
        ],
      }),
    );
    const res = await fetch(`${server.url}/v2/models/churn/infer`, {
      method: 'POST',
      headers: { 'inference-header-content-length': String(json.length) },
      body: Buffer.concat([json, Buffer.alloc(sent)]),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it('a header length past the body is a 400 naming the header', async () => {
    const res = await fetch(`${server.url}/v2/models/churn/infer`, {
      method: 'POST',
      headers: { 'inference-header-content-length': '99999' },
      body: JSON.stringify(input()),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^Inference-Header-Content-Length: /);
  });

  it('GET /metrics is Prometheus text: requests by model, protocol and status, and the latency histograms', async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const exposition = parseExposition(await res.text());
    expect(exposition.types.get('modelops_infer_requests_total')).toBe('counter');
    for (const name of [
      'modelops_infer_request_duration_seconds',
      'modelops_inference_duration_seconds',
      'modelops_queue_duration_seconds',
      'modelops_batch_size',
    ])
      expect(exposition.types.get(name)).toBe('histogram');
    const count = (status: string) =>
      sampleValue(exposition, 'modelops_infer_requests_total', { model: 'churn', protocol: 'http', status });
    // Earlier tests in this file: 4 answered infers, 19 refused with 400.
    expect(count('200')).toBe(4);
    expect(count('400')).toBe(19);
    const ok = count('200')!;
    expect(
      sampleValue(exposition, 'modelops_infer_request_duration_seconds_count', {
        model: 'churn',
        protocol: 'http',
      }),
    ).toBe(ok + count('400')!);
    expect(sampleValue(exposition, 'modelops_session_runs_total', { model: 'churn' })).toBe(ok);
    expect(sampleValue(exposition, 'modelops_batch_size_sum', { model: 'churn' })).toBe(2 * ok);
    expect(exposition.types.get('process_cpu_seconds_total')).toBe('counter');
    expect(sampleValue(exposition, 'process_cpu_seconds_total', {})).toBeGreaterThan(0);
    expect(exposition.types.get('process_resident_memory_bytes')).toBe('gauge');
    expect(sampleValue(exposition, 'process_resident_memory_bytes', {})).toBeGreaterThan(1e6);
  });

  it('404 for an unknown model, version or route; 405 for GET infer; 413 over the body cap', async () => {
    const unknown = await infer(input(), 'fraud');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/model 'fraud' is not served here \(models: churn\)/);
    expect(
      sampleValue(
        parseExposition(await (await fetch(`${server.url}/metrics`)).text()),
        'modelops_infer_requests_total',
        {
          model: '_unknown',
          protocol: 'http',
          status: '404',
        },
      ),
    ).toBe(1);
    expect((await call('/v2/models/churn/versions/9.9.9')).status).toBe(404);
    expect((await call('/v3/anything')).status).toBe(404);
    expect((await call('/v2/models/churn/infer')).status).toBe(405);
    const big = await infer(input({ data: Array.from({ length: 3000 }, () => 1) }));
    expect(big.status).toBe(413);
    expect(big.body.error).toMatch(/4096-byte limit/);
  });

  it('a second server on the same port is a one-line usage error naming the port', async () => {
    await expect(startV2Server({ models: [], port: server.port })).rejects.toThrow(
      new RegExp(`port ${server.port} on 127.0.0.1 is already in use`),
    );
  });
});
