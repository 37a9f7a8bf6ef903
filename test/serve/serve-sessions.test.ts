import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelRuntime } from '../../src/platform/runtime/model-runtime.js';
import type { RuntimeTensor } from '../../src/platform/runtime/runtime-tensor.js';
import { startServer } from '../../src/serve/start-server.js';
import { defaultReplicas } from '../../src/platform/runtime/default-replicas.js';
import { runCli } from '../support/cli-runner.js';
import { startServe } from '../support/serve-cli.js';
import { doublerBytes, loadModel } from './serve-models.js';

/**
 * A runtime with `concurrency` sessions whose runs finish only when the test says so: it shows
 * how many batches the server keeps in flight without timing anything.
 */
function heldRuntime(concurrency: number | undefined) {
  const held: { feeds: Record<string, RuntimeTensor>; finish: () => void }[] = [];
  let waiters: (() => void)[] = [];
  const runtime: Pick<ModelRuntime, 'run' | 'concurrency'> = {
    ...(concurrency === undefined ? {} : { concurrency }),
    run: (feeds) =>
      new Promise((resolve) => {
        const x = feeds.x!;
        const y = Float32Array.from(x.data as Float32Array, (v) => v * 2);
        held.push({ feeds, finish: () => resolve({ y: { elementType: 'float', dims: x.dims, data: y } }) });
        for (const wake of waiters) wake();
        waiters = [];
      }),
  };
  const started = async (count: number) => {
    while (held.length < count) await new Promise<void>((wake) => waiters.push(wake));
  };
  return { runtime, held, started };
}

const post = (url: string, value: number) =>
  fetch(`${url}/v2/models/doubler/infer`, {
    method: 'POST',
    body: JSON.stringify({ inputs: [{ name: 'x', shape: [1, 1], datatype: 'FP32', data: [value] }] }),
  }).then(async (res) => ({
    status: res.status,
    body: (await res.json()) as { outputs: { data: number[] }[] },
  }));

describe('parallel sessions', () => {
  it.each([
    ['a session on the main thread', undefined, 1],
    ['1 worker session', 1, 2],
    ['2 worker sessions', 2, 4],
    ['3 worker sessions', 3, 6],
  ])(
    'with %s (concurrency %s) the batcher keeps %i runs in flight — two per worker session — and the rest wait their turn',
    async (_label, concurrency, inFlight) => {
      const model = await loadModel('doubler', doublerBytes());
      await model.runtime.release();
      const { runtime, held, started } = heldRuntime(concurrency);
      const server = await startServer({
        models: [
          {
            ...model,
            runtime: { ...model.runtime, runTimed: undefined, ...runtime, release: async () => {} },
          },
        ],
        port: 0,
        batching: { maxBatchSize: 1 },
      });
      const total = inFlight + 3;
      try {
        const values = Array.from({ length: total }, (_, i) => i + 1);
        const answers = values.map((v) => post(server.url, v));
        await started(inFlight);
        // Let every request reach the server: none beyond `inFlight` may have started a run.
        for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
        await new Promise((r) => setTimeout(r, 50));
        expect(held.length).toBe(inFlight);
        // Finishing one run lets exactly one more start.
        held[0]!.finish();
        await started(inFlight + 1);
        await new Promise((r) => setTimeout(r, 50));
        expect(held.length).toBe(inFlight + 1);
        for (let next = 1; next < total; next++) {
          await started(Math.min(total, next + inFlight));
          held[next]!.finish();
        }
        const results = await Promise.all(answers);
        expect(results.map((r) => r.status)).toEqual(values.map(() => 200));
        expect(results.map((r) => r.body.outputs[0]!.data[0]!).sort((a, b) => a - b)).toEqual(
          values.map((v) => 2 * v),
        );
      } finally {
        await server.close();
      }
    },
  );

  it('a worker session queues a second batch only when it is full; a partial one waits to grow', async () => {
    const model = await loadModel('doubler', doublerBytes());
    await model.runtime.release();
    const { runtime, held, started } = heldRuntime(1);
    const server = await startServer({
      models: [
        { ...model, runtime: { ...model.runtime, runTimed: undefined, ...runtime, release: async () => {} } },
      ],
      port: 0,
      batching: { maxBatchSize: 4 },
    });
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, 50));
    };
    try {
      const answers = [post(server.url, 1)];
      await started(1); // the session was free: one row runs at once
      answers.push(post(server.url, 2), post(server.url, 3), post(server.url, 4));
      await settle();
      expect(held.length).toBe(1); // three rows do not fill a batch: they wait for the session
      answers.push(post(server.url, 5));
      await started(2); // four rows do: queued behind the running batch
      expect(held[1]!.feeds.x!.dims).toEqual([4, 1]);
      expect([...(held[1]!.feeds.x!.data as Float32Array)].sort()).toEqual([2, 3, 4, 5]);
      held[0]!.finish(); // the queued batch now runs; the queue slot is free again
      answers.push(post(server.url, 6), post(server.url, 7));
      await settle();
      expect(held.length).toBe(2); // two rows are not full: they wait for the session, not the slot
      held[1]!.finish();
      await started(3); // the session is free: the partial batch goes as it is
      expect(held[2]!.feeds.x!.dims).toEqual([2, 1]);
      expect([...(held[2]!.feeds.x!.data as Float32Array)].sort()).toEqual([6, 7]);
      held[2]!.finish();
      const results = await Promise.all(answers);
      expect(results.map((r) => r.body.outputs[0]!.data[0])).toEqual([2, 4, 6, 8, 10, 12, 14]);
      expect(held).toHaveLength(3);
    } finally {
      await server.close();
    }
  });

  it('one session per core, up to 4, and one for a model of 512 MB or more', () => {
    expect(defaultReplicas(1_000)).toBe(Math.max(1, Math.min(4, availableParallelism())));
    expect(defaultReplicas(512 * 1024 * 1024 - 1)).toBe(Math.max(1, Math.min(4, availableParallelism())));
    expect(defaultReplicas(512 * 1024 * 1024)).toBe(1);
    expect(defaultReplicas(2 * 1024 ** 3)).toBe(1);
  });
});

describe('modelops serve --sessions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelops-serve-sessions-'));
  writeFileSync(join(dir, 'model.onnx'), doublerBytes());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [['--sessions', '0'], /^modelops serve: error: --sessions 0 is not a whole number from 1 to 64/],
    [['--sessions', '2.5'], /^modelops serve: error: --sessions 2\.5 is not a whole number from 1 to 64/],
    [
      ['--sessions', '2', '--session-thread', 'main'],
      /^modelops serve: error: --session-thread main cannot hold 2 sessions — pass --sessions 1/,
    ],
  ])('%j is one line, exit 2', async (flags, message) => {
    const run = await runCli(['serve', '--model', 'model.onnx', '--port', '0', ...flags], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--session-thread main alone is accepted (it means one session) and serves', async () => {
    const serve = await startServe(
      ['--model', 'model.onnx', '--name', 'doubler', '--session-thread', 'main'],
      {
        cwd: dir,
      },
    );
    try {
      const answer = await post(serve.url, 21);
      expect(answer.status).toBe(200);
      expect(answer.body.outputs[0]!.data).toEqual([42]);
    } finally {
      expect(await serve.stop()).toBe(0);
    }
  });
});
