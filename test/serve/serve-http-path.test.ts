import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, createWorkerSession } from '../../src/platform/runtime/index.js';
import type { ModelRuntime } from '../../src/platform/runtime/model-runtime.js';
import { BodyPool } from '../../src/serve/body-pool.js';
import { loadServedModel } from '../../src/serve/load-served-model.js';
import { startServer, type RunningServer } from '../../src/serve/start-server.js';
import { requestPath } from '../../src/serve/v2-server.js';
import { mlpBytes, seeded } from './serve-models.js';

const SIZES = [32, 16, 4];

/** A binary-extension infer request for x[rows, 32]; the tensor bytes start at an odd offset. */
function binaryRequest(x: Float32Array, id: string) {
  const rows = x.length / SIZES[0]!;
  const head = Buffer.from(
    JSON.stringify({
      id,
      inputs: [
        {
          name: 'x',
          shape: [rows, SIZES[0]],
          datatype: 'FP32',
          parameters: { binary_data_size: x.byteLength },
        },
      ],
      parameters: { binary_data_output: true },
    }),
  );
  return {
    body: Buffer.concat([head, Buffer.from(x.buffer, x.byteOffset, x.byteLength)]),
    headers: { 'inference-header-content-length': String(head.length) },
  };
}

async function postBinary(url: string, x: Float32Array, id: string) {
  const { body, headers } = binaryRequest(x, id);
  const res = await fetch(`${url}/v2/models/mlp/infer`, { method: 'POST', body, headers });
  const bytes = Buffer.from(await res.arrayBuffer());
  const jsonLength = Number(res.headers.get('inference-header-content-length'));
  const json = JSON.parse(bytes.subarray(0, jsonLength).toString('utf8')) as {
    id: string;
    outputs: { shape: number[]; parameters: { binary_data_size: number } }[];
  };
  const tail = bytes.subarray(jsonLength);
  const values = new Float32Array(tail.buffer.slice(tail.byteOffset, tail.byteOffset + tail.byteLength));
  return { status: res.status, json, values };
}

describe('the HTTP path: pooled bodies, parallel sessions', () => {
  let reference: ModelRuntime;
  const expected = async (x: Float32Array) =>
    (await reference.run({ x: { elementType: 'float', dims: [x.length / SIZES[0]!, SIZES[0]!], data: x } }))
      .y!.data as Float32Array;
  beforeAll(async () => {
    reference = await createSession(mlpBytes(SIZES));
  });
  afterAll(() => reference.release());

  // Requests of many sizes (so pooled buffers of one capacity are reused by bodies of another),
  // sent together and one after another: every answer is bit for bit what a direct run gives.
  it.each([
    ['one session on the main thread', 1],
    ['two worker sessions', 2],
  ])('%s: each binary request gets exactly its own rows back', async (_, replicas) => {
    const model = await loadServedModel({
      name: 'mlp',
      version: undefined,
      bytes: mlpBytes(SIZES),
      source: 'mlp',
      createSession: replicas > 1 ? (b, o) => createWorkerSession(b, { ...o, replicas }) : createSession,
    });
    expect(model.runtime.concurrency ?? 1).toBe(replicas);
    const server = await startServer({ models: [model], port: 0, batching: { maxBatchSize: 1 } });
    try {
      const inputs = [1, 700, 3, 129, 512, 64, 1000, 2].map((rows, i) => seeded(rows * SIZES[0]!, 50 + i));
      const together = await Promise.all(inputs.map((x, i) => postBinary(server.url, x, `r${i}`)));
      const apart = [];
      for (const [i, x] of inputs.entries()) apart.push(await postBinary(server.url, x, `s${i}`));
      for (const [i, x] of inputs.entries()) {
        const want = await expected(x);
        for (const [answer, id] of [
          [together[i]!, `r${i}`],
          [apart[i]!, `s${i}`],
        ] as const) {
          expect(answer.status).toBe(200);
          expect(answer.json.id).toBe(id);
          expect(answer.json.outputs[0]!.shape).toEqual([x.length / SIZES[0]!, SIZES.at(-1)]);
          expect(answer.values).toEqual(want);
        }
      }
    } finally {
      await server.close();
    }
  });

  it('a client that stops sending mid-body leaves the server answering the next requests', async () => {
    const model = await loadServedModel({
      name: 'mlp',
      version: undefined,
      bytes: mlpBytes(SIZES),
      source: 'mlp',
      createSession,
    });
    const server: RunningServer = await startServer({ models: [model], port: 0 });
    try {
      const x = seeded(600 * SIZES[0]!, 3);
      const { body, headers } = binaryRequest(x, 'cut');
      await new Promise<void>((done) => {
        const req = request(`${server.url}/v2/models/mlp/infer`, {
          method: 'POST',
          headers: { ...headers, 'content-length': String(body.length) },
        });
        req.on('error', () => done());
        req.write(body.subarray(0, 40_000), () => {
          req.destroy();
          done();
        });
      });
      const answer = await postBinary(server.url, x, 'next');
      expect(answer.status).toBe(200);
      expect(answer.values).toEqual(await expected(x));
    } finally {
      await server.close();
    }
  });
});

describe('BodyPool', () => {
  it('hands a released buffer out again for a body of the same size, as a whole buffer of its own', () => {
    const pool = new BodyPool();
    const first = pool.acquire(40_000);
    expect([first.byteLength, first.byteOffset, first.buffer.byteLength]).toEqual([40_000, 0, 40_000]);
    pool.release(first);
    expect(pool.acquire(40_001).buffer).not.toBe(first.buffer);
    const second = pool.acquire(40_000);
    expect(second.buffer).toBe(first.buffer);
    expect([second.byteLength, second.byteOffset]).toEqual([40_000, 0]);
    // Not released: the next body of that size gets fresh memory.
    expect(pool.acquire(40_000).buffer).not.toBe(first.buffer);
  });

  it('keeps no more than its byte budget, and does not pool small bodies', () => {
    const pool = new BodyPool(64 * 1024);
    const [a, b] = [pool.acquire(60_000), pool.acquire(60_000)];
    pool.release(a);
    pool.release(b);
    expect(pool.acquire(60_000).buffer).toBe(a.buffer);
    expect(pool.acquire(60_000).buffer).not.toBe(b.buffer);
    const tiny = pool.acquire(100);
    expect([tiny.byteOffset, tiny.buffer.byteLength]).toEqual([0, 100]);
    pool.release(tiny);
    expect(pool.acquire(100).buffer).not.toBe(tiny.buffer);
    pool.release(Buffer.allocUnsafe(50_000)); // not from the pool: ignored
    expect(pool.acquire(50_000).byteLength).toBe(50_000);
  });
});

describe('requestPath', () => {
  // Whatever the fast path takes as it is must equal what the URL parser makes of it.
  it.each([
    '/v2/models/mlp/infer',
    '/v2/models/mlp/infer/',
    '/v2/models/a.b/versions/1.2.0/infer?trace=1',
    '/v2/models/./mlp/infer',
    '/v2/models/x/%2E%2e/ready',
    '//v2/health/live',
    '/v2/models/m%20x/infer',
    '/v2/models/a b/ready',
    '/v2/models/é/ready',
    '/v2\\models',
    '/v2//',
    '/',
    'http://example.test/v2/health/live',
  ])('%s', (target) => {
    expect(requestPath(target)).toBe(new URL(target, 'http://localhost').pathname.replace(/\/+$/, ''));
  });
});
