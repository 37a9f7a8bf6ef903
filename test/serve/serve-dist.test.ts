import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-runner.js';
import { linearModelBytes } from '../support/models.js';
import { parseExposition, sampleValue } from './prometheus-text.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

// The built CLI copied away from the repository (no node_modules of ours above it): grpc-js and
// proto-loader must be inside the bundle and the .proto beside it.
describe('modelops serve from a copy of dist/ (HTTP + gRPC, session in a worker thread)', () => {
  const work = mkdtempSync(join(tmpdir(), 'modelops-serve-dist-'));
  let child: ReturnType<typeof spawn>;
  let stderr = '';
  let httpUrl = '';
  let grpcAddress = '';
  let exited: Promise<number | null>;

  beforeAll(async () => {
    cpSync(join(root, 'dist'), join(work, 'dist'), { recursive: true });
    expect(existsSync(join(work, 'dist/grpc_predict_v2.proto'))).toBe(true);
    writeFileSync(join(work, 'model.onnx'), linearModelBytes({ weights: [1, 0, 0, 0] }));
    child = spawn(
      process.execPath,
      [
        join(work, 'dist/cli.js'),
        'serve',
        '--model',
        'model.onnx',
        '--name',
        'churn',
        '--port',
        '0',
        '--grpc-port',
        '0',
        // onnxruntime in its own thread: the worker's source and onnxruntime resolve from the copy too.
        '--session-thread',
        'worker',
      ],
      { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work } },
    );
    exited = new Promise((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((done, fail) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match =
          /at (http:\/\/127\.0\.0\.1:\d+)\/v2\/models\/churn and over gRPC at (127\.0\.0\.1:\d+)/.exec(
            stderr,
          );
        if (match) {
          [httpUrl, grpcAddress] = [match[1]!, match[2]!];
          done();
        }
      });
      void exited.then(() => fail(new Error(`serve exited before listening: ${stderr}`)));
    });
  }, 120_000);
  afterAll(async () => {
    if (child?.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('answers HTTP and gRPC infers, counts both in /metrics, and stops on SIGTERM with exit 0', async () => {
    const http = await fetch(`${httpUrl}/v2/models/churn/infer`, {
      method: 'POST',
      body: JSON.stringify({
        inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [2, 5, 5, 5] }],
      }),
    });
    expect(http.status).toBe(200);
    expect(((await http.json()) as { outputs: { data: number[] }[] }).outputs[0]!.data[0]).toBeCloseTo(
      sigmoid(2),
      5,
    );

    const definition = protoLoader.loadSync(join(work, 'dist/grpc_predict_v2.proto'), {
      keepCase: true,
      defaults: true,
    });
    const api = grpc.loadPackageDefinition(definition) as unknown as {
      inference: {
        GRPCInferenceService: new (
          a: string,
          c: grpc.ChannelCredentials,
        ) => grpc.Client & Record<string, CallableFunction>;
      };
    };
    const client = new api.inference.GRPCInferenceService(grpcAddress, grpc.credentials.createInsecure());
    const response = await new Promise<{ outputs: { contents: { fp32_contents: number[] } }[] }>(
      (done, fail) =>
        client.ModelInfer!(
          {
            model_name: 'churn',
            inputs: [
              {
                name: 'features',
                datatype: 'FP32',
                shape: [1, 4],
                contents: { fp32_contents: [3, 0, 0, 0] },
              },
            ],
          },
          (error: Error | null, r: never) => (error ? fail(error) : done(r)),
        ),
    );
    client.close();
    expect(response.outputs[0]!.contents.fp32_contents[0]).toBeCloseTo(sigmoid(3), 5);

    const metrics = parseExposition(await (await fetch(`${httpUrl}/metrics`)).text());
    expect(
      sampleValue(metrics, 'modelops_infer_requests_total', {
        model: 'churn',
        protocol: 'http',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sampleValue(metrics, 'modelops_infer_requests_total', {
        model: 'churn',
        protocol: 'grpc',
        status: 'OK',
      }),
    ).toBe(1);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/stopped serving churn/);
  });
});

describe('modelops serve: bad ports', () => {
  const work = mkdtempSync(join(tmpdir(), 'modelops-serve-ports-'));
  writeFileSync(join(work, 'model.onnx'), linearModelBytes());
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('a busy gRPC port is one line naming the port and --grpc-port, exit 2', async () => {
    const blocker = createNetServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runCli(
        ['serve', '--model', 'model.onnx', '--port', '0', '--grpc-port', String(port)],
        {
          cwd: work,
        },
      );
      expect(run.exitCode).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([
        `modelops serve: error: gRPC port ${port} on 127.0.0.1 is already in use — stop what listens there or pass another --grpc-port (0 picks a free one)`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it.each([
    ['--port', '70000'],
    ['--grpc-port', '-1'],
    ['--port', '80.5'],
  ])('%s %s is not a TCP port: one line, exit 2', async (flag, value) => {
    const run = await runCli(
      ['serve', '--model', 'model.onnx', ...(flag === '--port' ? [] : ['--port', '0']), flag, value],
      {
        cwd: work,
      },
    );
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe(
      `modelops serve: error: ${flag} ${value} is not a TCP port — pass ${flag} between 0 and 65535 (0 picks a free one)`,
    );
  });

  it.each([
    [
      '--max-batch-size',
      '0',
      'max batch size 0 is not a positive integer — pass --max-batch-size 1 or more (1 turns batching off)',
    ],
    [
      '--batch-delay-ms',
      '-5',
      'batch delay -5 ms is not a non-negative number — pass --batch-delay-ms 0 or more',
    ],
    [
      '--threads',
      '0',
      "--threads 0 is not a positive whole number — pass --threads 1 or more, or leave it out for onnxruntime's choice",
    ],
  ])('%s %s: one line, exit 2', async (flag, value, message) => {
    const run = await runCli(['serve', '--model', 'model.onnx', '--port', '0', flag, value], { cwd: work });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toBe(`modelops serve: error: ${message}`);
  });
});
