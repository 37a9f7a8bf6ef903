import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../../support/cli-runner.js';
import type { RepoWithRemote } from '../../support/git-repo.js';
import { linearModelBytes } from '../../support/models.js';
import { startServe } from '../../support/serve-cli.js';
import { makeRegistry } from '../deploy/deploy-fixture.js';

const infer = async (url: string, name: string, data: number[]) => {
  const res = await fetch(`${url}/v2/models/${name}/infer`, {
    method: 'POST',
    body: JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data }] }),
  });
  return { status: res.status, body: (await res.json()) as { outputs: { data: number[] }[] } };
};
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** POST one infer on a connection of its own (no keep-alive pool). */
function inferOnNewConnection(url: string, name: string, data: number[]) {
  const body = JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data }] });
  return new Promise<{ status: number; body: { outputs: { data: number[] }[] } }>((resolve, reject) => {
    const req = request(`${url}/v2/models/${name}/infer`, { method: 'POST', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The processes whose parent is `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return /^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1] === String(pid);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** User + system CPU seconds a process has used so far (clock ticks of 1/100 s). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

describe('modelops serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'modelops-serve-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves a model file, answers an infer request, and stops cleanly on SIGTERM', async () => {
    writeFileSync(join(dir, 'model.onnx'), linearModelBytes({ weights: [1, 0, 0, 0] }));
    const serve = await startServe(['--model', 'model.onnx', '--name', 'churn'], { cwd: dir });
    const { status, body } = await infer(serve.url, 'churn', [2, 5, 5, 5]);
    expect(status).toBe(200);
    expect(body.outputs[0]!.data[0]).toBeCloseTo(sigmoid(2), 5);
    expect(await serve.stop()).toBe(0);
    expect(serve.stderr()).toMatch(/stopped serving churn/);
  });

  it('a busy port is a one-line error and exit code 2', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const port = (blocker.address() as { port: number }).port;
    try {
      const run = await runCli(['serve', '--model', 'model.onnx', '--port', String(port)], { cwd: dir });
      expect(run.exitCode).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([
        `modelops serve: error: port ${port} on 127.0.0.1 is already in use — stop what listens there or pass another --port (0 picks a free one)`,
      ]);
    } finally {
      blocker.close();
    }
  });

  it('--processes 2 serves from two processes on one port, /metrics counts both, SIGTERM stops all', async () => {
    writeFileSync(join(dir, 'model.onnx'), linearModelBytes({ weights: [1, 0, 0, 0] }));
    const serve = await startServe(['--model', 'model.onnx', '--name', 'churn', '--processes', '2'], {
      cwd: dir,
    });
    // A failed expectation must not leave the server running: stop it whatever happens.
    onTestFinished(async () => void (await serve.stop()));
    expect(serve.stderr()).toMatch(
      /^serving churn at http:\/\/127\.0\.0\.1:\d+\/v2\/models\/churn from 2 processes/m,
    );
    const workers = childPids(serve.pid);
    expect(workers).toHaveLength(2);
    // A new connection per request: the primary hands connections to the workers in turn.
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => inferOnNewConnection(serve.url, 'churn', [i, 0, 0, 0])),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    answers.forEach((a, i) => expect(a.body.outputs[0]!.data[0]).toBeCloseTo(sigmoid(i), 5));
    // Read before the scrape: CPU only grows, so the server's figure must be at least this sum.
    const cpuOfAll = [serve.pid, ...workers].reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
    const cpuOfWorkers = workers.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    // The primary's own CPU (it loaded the CLI and accepts every connection) is the server's too.
    const reported = Number(/^process_cpu_seconds_total (\S+)$/m.exec(metrics)?.[1]);
    expect(reported).toBeGreaterThanOrEqual(cpuOfAll - 0.02);
    expect(reported - cpuOfWorkers).toBeGreaterThan(0.05);
    // Each process answered about half; the text from either one counts all twelve.
    expect(
      /^modelops_infer_requests_total\{model="churn",protocol="http",status="200"\} (\d+)$/m.exec(
        metrics,
      )?.[1],
    ).toBe('12');
    expect(await serve.stop()).toBe(0);
    expect(serve.stderr()).toMatch(/stopped serving churn/);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('/metrics counts garbage collections by kind (nodejs_gc_duration_seconds)', async () => {
    // 256 KiB binary requests (64 rows × 1,024 floats): their socket buffers make garbage to collect.
    const features = 1024;
    writeFileSync(join(dir, 'wide.onnx'), linearModelBytes({ features }));
    const serve = await startServe(['--model', 'wide.onnx', '--name', 'wide', '--sessions', '1'], {
      cwd: dir,
    });
    onTestFinished(async () => void (await serve.stop()));
    const values = new Float32Array(64 * features).fill(0.001);
    const head = Buffer.from(
      JSON.stringify({
        inputs: [
          {
            name: 'features',
            shape: [64, features],
            datatype: 'FP32',
            parameters: { binary_data_size: values.byteLength },
          },
        ],
      }),
    );
    const body = Buffer.concat([head, Buffer.from(values.buffer)]);
    const headers = { 'inference-header-content-length': String(head.length) };
    for (let i = 0; i < 300; i++) {
      const res = await fetch(`${serve.url}/v2/models/wide/infer`, { method: 'POST', body, headers });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    }
    const metrics = await (await fetch(`${serve.url}/metrics`)).text();
    expect(metrics).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);
    const series = (name: string, kind: string) =>
      Number(
        new RegExp(`^nodejs_gc_duration_seconds_${name}\\{kind="${kind}"\\} (\\S+)$`, 'm').exec(metrics)?.[1],
      );
    // 75 MB of request bodies went through: young-generation collections ran, and took time.
    expect(series('count', 'minor')).toBeGreaterThan(0);
    expect(series('sum', 'minor')).toBeGreaterThan(0);
    expect(await serve.stop()).toBe(0);
  });

  it('--processes 0 is a one-line usage error', async () => {
    const run = await runCli(['serve', '--model', 'model.onnx', '--port', '0', '--processes', '0'], {
      cwd: dir,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      'modelops serve: error: --processes 0 is not a whole number from 1 to 64 — pass --processes 1 (one process) or up to the number of cores',
    ]);
  });

  it('a missing model file is a one-line usage error', async () => {
    const run = await runCli(['serve', '--model', 'nope.onnx', '--port', '0'], { cwd: dir });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^modelops serve: error: cannot read model file 'nope.onnx'/);
  });

  describe('a registered version', () => {
    let repo: RepoWithRemote;
    beforeAll(async () => {
      ({ repo } = await makeRegistry({ versions: 2 }));
    }, 120_000);
    afterAll(async () => repo.cleanup());

    it('serves NAME@vX.Y.Z from its register tag, not the working tree', async () => {
      // v1.0.0 has weights [0, 1, 2, 3]; the working tree holds v1.0.1's [1, 1, 2, 3].
      const serve = await startServe(['--model', 'churn@v1.0.0'], { cwd: repo.dir, env: repo.env });
      const meta = (await (await fetch(`${serve.url}/v2/models/churn`)).json()) as { versions: string[] };
      expect(meta.versions).toEqual(['1.0.0']);
      const { body } = await infer(serve.url, 'churn', [1, 0, 0, 0]);
      expect(body.outputs[0]!.data[0]).toBeCloseTo(sigmoid(0), 5);
      expect(await serve.stop()).toBe(0);
    });

    it('an unregistered version is a usage error listing the versions', async () => {
      const run = await runCli(['serve', '--model', 'churn@v9.0.0', '--port', '0'], {
        cwd: repo.dir,
        env: repo.env,
      });
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/churn@v9\.0\.0 is not in the registry \(versions: v1\.0\.0, v1\.0\.1\)/);
    });
  });
});
