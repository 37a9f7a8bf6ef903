import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/platform/runtime/session.js';
import { loadServedModel } from '../../src/serve/load-served-model.js';
import { startV2Server, type RunningV2Server } from '../../src/serve/v2-server.js';
import { linearModelBytes } from '../support/models.js';

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
    expect((await call('/v2')).body).toMatchObject({ name: 'modelops', extensions: [] });
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
  ])('refuses %s with 400 naming the field', async (_what, body, field) => {
    const res = await infer(body);
    expect(res.status).toBe(400);
    expect(String(res.body.error)).toMatch(new RegExp(`^${field.replace(/[[\]]/g, '\\$&')}: `));
  });

  it('404 for an unknown model, version or route; 405 for GET infer; 413 over the body cap', async () => {
    const unknown = await infer(input(), 'fraud');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/model 'fraud' is not served here \(models: churn\)/);
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
