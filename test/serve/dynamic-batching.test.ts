import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from '../../src/serve/start-server.js';
import { parseExposition, sampleValue } from './prometheus-text.js';
import { adderBytes, doublerBytes, loadModel, mlpBytes, seeded } from './serve-models.js';

type Output = { name: string; shape: number[]; datatype: string; data: (number | boolean)[] };

describe('dynamic batching', () => {
  const servers: RunningServer[] = [];
  const start = async (options: ServerOptions) => {
    const server = await startServer(options);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    while (servers.length) await servers.pop()!.close();
  });

  const infer = async (server: RunningServer, model: string, inputs: unknown[]) => {
    const res = await fetch(`${server.url}/v2/models/${model}/infer`, {
      method: 'POST',
      body: JSON.stringify({ inputs }),
    });
    return { status: res.status, body: (await res.json()) as { outputs: Output[]; error?: string } };
  };
  const metrics = async (server: RunningServer) =>
    parseExposition(await (await fetch(`${server.url}/metrics`)).text());
  const runs = async (server: RunningServer, model: string) =>
    sampleValue(await metrics(server), 'modelops_session_runs_total', { model });

  it('concurrent requests are coalesced into fewer runs and answer exactly what sequential runs answer', async () => {
    const sizes = [16, 64, 64, 4];
    // 24 requests of 1–3 rows each, seeded data.
    const requests = Array.from({ length: 24 }, (_, i) => {
      const rows = 1 + (i % 3);
      return [
        { name: 'x', shape: [rows, 16], datatype: 'FP32', data: Array.from(seeded(rows * 16, 1000 + i)) },
      ];
    });
    const alone = await start({
      models: [await loadModel('mlp', mlpBytes(sizes))],
      port: 0,
      batching: { maxBatchSize: 1 },
    });
    const sequential: Awaited<ReturnType<typeof infer>>[] = [];
    for (const inputs of requests) sequential.push(await infer(alone, 'mlp', inputs));
    expect(await runs(alone, 'mlp')).toBe(24);

    const batching = await start({
      models: [await loadModel('mlp', mlpBytes(sizes))],
      port: 0,
      batching: { maxBatchSize: 64, delayMs: 200 },
    });
    const concurrent = await Promise.all(requests.map((inputs) => infer(batching, 'mlp', inputs)));

    expect(concurrent.map((r) => r.status)).toEqual(requests.map(() => 200));
    concurrent.forEach((r, i) => {
      expect(r.body.outputs[0]!.shape).toEqual([1 + (i % 3), 4]);
      // Bit-for-bit: float32 values serialise to the same JSON numbers only when equal.
      expect(r.body.outputs).toEqual(sequential[i]!.body.outputs);
    });
    const exposition = await metrics(batching);
    const sessionRuns = sampleValue(exposition, 'modelops_session_runs_total', { model: 'mlp' })!;
    expect(sessionRuns).toBeGreaterThanOrEqual(1);
    expect(sessionRuns).toBeLessThan(24);
    // Every request was counted once, every row went through a run, and some run held several requests.
    expect(
      sampleValue(exposition, 'modelops_infer_requests_total', {
        model: 'mlp',
        protocol: 'http',
        status: '200',
      }),
    ).toBe(24);
    expect(sampleValue(exposition, 'modelops_batch_size_sum', { model: 'mlp' })).toBe(48);
    expect(sampleValue(exposition, 'modelops_batch_requests_sum', { model: 'mlp' })).toBe(24);
    expect(sampleValue(exposition, 'modelops_batch_requests_bucket', { model: 'mlp', le: '1' })).toBeLessThan(
      sessionRuns,
    );
    expect(sampleValue(exposition, 'modelops_queue_duration_seconds_count', { model: 'mlp' })).toBe(24);
  });

  it('never puts more than max-batch-size rows in one run', async () => {
    const server = await start({
      models: [await loadModel('mlp', mlpBytes())],
      port: 0,
      batching: { maxBatchSize: 4, delayMs: 1000 },
    });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        infer(server, 'mlp', [
          { name: 'x', shape: [2, 8], datatype: 'FP32', data: Array.from(seeded(16, i)) },
        ]),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const exposition = await metrics(server);
    expect(sampleValue(exposition, 'modelops_session_runs_total', { model: 'mlp' })).toBe(3);
    expect(sampleValue(exposition, 'modelops_batch_size_bucket', { model: 'mlp', le: '4' })).toBe(3);
    expect(sampleValue(exposition, 'modelops_batch_size_sum', { model: 'mlp' })).toBe(12);
  });

  it('requests whose trailing dims differ do not share a run', async () => {
    const server = await start({
      models: [await loadModel('doubler', doublerBytes())],
      port: 0,
      batching: { maxBatchSize: 64, delayMs: 1000 },
    });
    const [a, b, c] = await Promise.all([
      infer(server, 'doubler', [{ name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }]),
      infer(server, 'doubler', [{ name: 'x', shape: [1, 5], datatype: 'FP32', data: [1, 1, 1, 1, 1.5] }]),
      infer(server, 'doubler', [{ name: 'x', shape: [1, 3], datatype: 'FP32', data: [-1, 0, 1] }]),
    ]);
    expect(a.body.outputs[0]).toMatchObject({ shape: [2, 3], data: [2, 4, 6, 8, 10, 12] });
    expect(b.body.outputs[0]).toMatchObject({ shape: [1, 5], data: [2, 2, 2, 2, 3] });
    expect(c.body.outputs[0]).toMatchObject({ shape: [1, 3], data: [-2, 0, 2] });
    const exposition = await metrics(server);
    // [2,3] and [1,3] ran together; [1,5] alone.
    expect(sampleValue(exposition, 'modelops_session_runs_total', { model: 'doubler' })).toBe(2);
    expect(sampleValue(exposition, 'modelops_batch_requests_sum', { model: 'doubler' })).toBe(3);
  });

  it('a request onnxruntime refuses fails alone with 400; the others in flight are answered', async () => {
    const server = await start({
      models: [await loadModel('adder', adderBytes())],
      port: 0,
      batching: { maxBatchSize: 64, delayMs: 200 },
    });
    const pair = (rowsA: number, rowsB: number, base: number) => [
      {
        name: 'a',
        shape: [rowsA, 2],
        datatype: 'FP32',
        data: Array.from({ length: rowsA * 2 }, (_, i) => base + i),
      },
      { name: 'b', shape: [rowsB, 2], datatype: 'FP32', data: Array.from({ length: rowsB * 2 }, () => 100) },
    ];
    // Rows disagree between the inputs: the signature allows it (both are 'batch'), onnxruntime does not.
    const [first, refused, second] = await Promise.all([
      infer(server, 'adder', pair(1, 1, 0)),
      infer(server, 'adder', pair(2, 3, 0)),
      infer(server, 'adder', pair(2, 2, 10)),
    ]);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/^inputs: .*onnxruntime failed to run/);
    expect(first.body.outputs).toEqual([{ name: 'sum', shape: [1, 2], datatype: 'FP32', data: [100, 101] }]);
    expect(second.body.outputs[0]!.data).toEqual([110, 111, 112, 113]);
    const exposition = await metrics(server);
    expect(
      sampleValue(exposition, 'modelops_infer_requests_total', {
        model: 'adder',
        protocol: 'http',
        status: '400',
      }),
    ).toBe(1);
    expect(
      sampleValue(exposition, 'modelops_infer_requests_total', {
        model: 'adder',
        protocol: 'http',
        status: '200',
      }),
    ).toBe(2);
  });

  it('a 128 KiB binary body (many socket chunks, JSON part of any length) answers what JSON answers', async () => {
    const server = await start({ models: [await loadModel('mlp', mlpBytes([256, 32, 4]))], port: 0 });
    const values = seeded(128 * 256, 99);
    for (const id of ['a', 'abc', 'abcdefg']) {
      // The id changes the JSON part's length, so the tensor bytes start at different alignments.
      const json = Buffer.from(
        JSON.stringify({
          id,
          inputs: [
            {
              name: 'x',
              shape: [128, 256],
              datatype: 'FP32',
              parameters: { binary_data_size: values.byteLength },
            },
          ],
        }),
      );
      const binary = await fetch(`${server.url}/v2/models/mlp/infer`, {
        method: 'POST',
        headers: { 'inference-header-content-length': String(json.length) },
        body: Buffer.concat([json, Buffer.from(values.buffer)]),
      });
      expect(binary.status).toBe(200);
      const viaJson = await infer(server, 'mlp', [
        { name: 'x', shape: [128, 256], datatype: 'FP32', data: Array.from(values) },
      ]);
      expect(((await binary.json()) as { outputs: Output[] }).outputs).toEqual(viaJson.body.outputs);
    }
  });

  it('refuses a batch size below 1 as a usage error, releasing the session it was handed (once)', async () => {
    const model = await loadModel('mlp', mlpBytes());
    await expect(start({ models: [model], port: 0, batching: { maxBatchSize: 0 } })).rejects.toThrow(
      /max batch size 0 is not a positive integer — pass --max-batch-size 1 or more/,
    );
    // Released already; a caller's own release on its error path is harmless.
    await expect(model.runtime.release()).resolves.toBeUndefined();
  });
});
