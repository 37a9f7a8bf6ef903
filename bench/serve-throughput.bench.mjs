// `modelops serve` under load on loopback (autocannon, programmatic) side by side with a raw
// onnxruntime-node `session.run` loop at the same batch size, same MLP as the evaluate bench
// (256 → 512 → 512 → 10). Each request carries BENCH_SERVE_BATCH rows (default 64); cases:
//   raw          session.run on a pre-built [B, 256] tensor in a loop (peer)
//   http-binary  POST …/infer with the binary tensor data extension (JSON header + raw float32 rows)
//   http-json    POST …/infer with the rows as JSON numbers
//   coalesced    requests of B/8 rows from 4× the connections: dynamic batching joins them into runs of ≤ B
// The cases alternate for BENCH_SERVE_ROUNDS rounds (default 3) of BENCH_SERVE_SECONDS each
// (default 5), so no case runs more than 20 s in total and a burst of load from other processes
// skews one round, not the result; ratios are medians of each round's ratio to that round's raw.
// The whole set runs once per onnxruntime thread setting in BENCH_SERVE_THREADS (default
// "default,1"; the raw loop and the server always use the same one).
// Besides wall-clock throughput, each case records rows per CPU second of the process doing the
// work (the server's own process_cpu_seconds_total; the raw loop's process.cpuUsage), which a
// busy shared machine disturbs far less than wall-clock rates.
// Env: BENCH_SERVE_CONNECTIONS (default 4). Writes bench/results/serve-throughput-b<B>.json.
/* global fetch */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const batch = Number(process.env.BENCH_SERVE_BATCH ?? 64);
const seconds = Math.min(Number(process.env.BENCH_SERVE_SECONDS ?? 5), 20);
const rounds = Number(process.env.BENCH_SERVE_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_SERVE_CONNECTIONS ?? 4);
const threadSettings = (process.env.BENCH_SERVE_THREADS ?? 'default,1').split(',');
if (seconds * rounds > 20)
  throw new Error('keep each case at 20 s or less: lower BENCH_SERVE_ROUNDS or _SECONDS');
const small = Math.max(1, Math.floor(batch / 8));
const work = mkdtempSync(join(tmpdir(), 'modelops-bench-serve-'));

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/** Starts `modelops serve` and resolves with its URL once it logs it. */
function serve(args) {
  const child = spawn(
    process.execPath,
    [join(root, 'bin/modelops.js'), 'serve', '--model', 'mlp.onnx', '--port', '0', ...args],
    {
      cwd: work,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  return new Promise((done, fail) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const match = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr);
      if (match)
        done({
          url: match[1],
          stop: () => new Promise((ok) => (child.kill('SIGTERM'), child.on('exit', ok))),
        });
    });
    child.on('exit', () => fail(new Error(`serve exited: ${stderr}`)));
  });
}

/** CPU seconds the server process has used (all threads), from its own /metrics. */
async function serverCpu(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)[1]);
}

async function load(url, body, headers, rows, clients = connections) {
  const cpuBefore = await serverCpu(url);
  const result = await autocannon({
    url: `${url}/v2/models/mlp/infer`,
    method: 'POST',
    body,
    headers,
    connections: clients,
    duration: seconds,
  });
  if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  const perSecond = result['2xx'] / (result.duration || seconds);
  const cpu = (await serverCpu(url)) - cpuBefore;
  return {
    rows_per_s: perSecond * rows,
    rows_per_cpu_s: (result['2xx'] * rows) / cpu,
    requests_per_s: perSecond,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
  };
}

try {
  await build({
    entryPoints: [join(here, 'evaluate-fixture.ts')],
    outfile: join(work, 'fixture.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  execFileSync(process.execPath, [join(work, 'fixture.mjs'), work, String(batch)]);
  const x = new Float32Array(readFileSync(join(work, 'x.f32')).buffer.slice(0));
  const rowsOf = (n) => x.subarray(0, n * 256);

  const ort = await import('onnxruntime-node');
  const measure = async (threads) => {
    const session = await ort.InferenceSession.create(join(work, 'mlp.onnx'), {
      logSeverityLevel: 4,
      ...(threads === 'default' ? {} : { intraOpNumThreads: Number(threads) }),
    });
    const raw = async () => {
      const tensor = new ort.Tensor('float32', rowsOf(batch), [batch, 256]);
      await session.run({ x: tensor });
      const times = [];
      const cpuBefore = process.cpuUsage();
      const end = performance.now() + seconds * 1000;
      while (performance.now() < end) {
        const t0 = performance.now();
        await session.run({ x: tensor });
        times.push(performance.now() - t0);
      }
      const cpu = process.cpuUsage(cpuBefore);
      times.sort((a, b) => a - b);
      const total = times.reduce((a, b) => a + b, 0);
      return {
        rows_per_s: (times.length * batch * 1000) / total,
        rows_per_cpu_s: (times.length * batch * 1e6) / (cpu.user + cpu.system),
        p50_ms: percentile(times, 50),
        p99_ms: percentile(times, 99),
      };
    };

    const binaryBody = (rows) => {
      const json = Buffer.from(
        JSON.stringify({
          inputs: [
            {
              name: 'x',
              shape: [rows, 256],
              datatype: 'FP32',
              parameters: { binary_data_size: rows * 1024 },
            },
          ],
          outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
        }),
      );
      const values = rowsOf(rows);
      return {
        body: Buffer.concat([json, Buffer.from(values.buffer, values.byteOffset, values.byteLength)]),
        headers: {
          'inference-header-content-length': String(json.length),
          'content-type': 'application/octet-stream',
        },
      };
    };
    const jsonBody = JSON.stringify({
      inputs: [{ name: 'x', shape: [batch, 256], datatype: 'FP32', data: Array.from(rowsOf(batch)) }],
    });

    // One server per configuration, started once: batch-size B without coalescing across requests
    // (each request already fills a run), and B/8-row requests that batching joins up to B.
    const plain = await serve([
      '--max-batch-size',
      String(batch),
      ...(threads === 'default' ? [] : ['--threads', threads]),
      ...(process.env.BENCH_SERVE_SESSION_THREAD
        ? ['--session-thread', process.env.BENCH_SERVE_SESSION_THREAD]
        : []),
    ]);
    const cases = {
      raw,
      'http-binary': () => load(plain.url, binaryBody(batch).body, binaryBody(batch).headers, batch),
      'http-json': () => load(plain.url, jsonBody, { 'content-type': 'application/json' }, batch),
      coalesced: () =>
        load(plain.url, binaryBody(small).body, binaryBody(small).headers, small, connections * 4),
    };
    // Warm up the server's session and JIT before timing.
    await autocannon({
      url: `${plain.url}/v2/models/mlp/infer`,
      method: 'POST',
      ...binaryBody(batch),
      amount: 50,
      connections: 2,
    });

    const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let r = 0; r < rounds; r++) {
      for (const [name, run] of Object.entries(cases)) {
        samples[name].push(await run());
        console.error(
          `threads ${threads}, round ${r + 1}/${rounds}, ${name}: ${Math.round(samples[name].at(-1).rows_per_s)} rows/s`,
        );
      }
    }
    const metrics = await (await fetch(`${plain.url}/metrics`)).text();
    await plain.stop();
    await session.release();

    const summary = {};
    for (const [name, list] of Object.entries(samples)) {
      summary[name] = {
        rows_per_s: Math.round(median(list.map((s) => s.rows_per_s))),
        rows_per_cpu_s: Math.round(median(list.map((s) => s.rows_per_cpu_s))),
        p50_ms: Number(median(list.map((s) => s.p50_ms)).toFixed(2)),
        p99_ms: Number(median(list.map((s) => s.p99_ms)).toFixed(2)),
        ...(name === 'raw'
          ? {}
          : {
              ratio_to_raw: Number(
                median(list.map((s, i) => s.rows_per_s / samples.raw[i].rows_per_s)).toFixed(3),
              ),
              // Rows per CPU second of the server process against the raw loop's: what the server
              // costs per row, whatever share of the cores a shared machine gave it.
              cpu_efficiency_to_raw: Number(
                median(list.map((s, i) => s.rows_per_cpu_s / samples.raw[i].rows_per_cpu_s)).toFixed(3),
              ),
            }),
      };
    }

    const runs = Number(/modelops_session_runs_total\{model="mlp"\} (\d+)/.exec(metrics)?.[1] ?? NaN);
    const requests = [
      ...metrics.matchAll(/modelops_infer_requests_total\{model="mlp",protocol="http",status="200"\} (\d+)/g),
    ]
      .map((m) => Number(m[1]))
      .reduce((a, b) => a + b, 0);

    return { cases: summary, server_requests: requests, server_session_runs: runs };
  };
  const byThreads = {};
  for (const threads of threadSettings) byThreads[threads] = await measure(threads);
  const result = {
    node: process.version,
    model: 'MLP 256-512-512-10 (float32)',
    batch,
    coalesced_request_rows: small,
    connections,
    seconds_per_case_per_round: seconds,
    rounds,
    threads: byThreads,
    cpus: cpus().length,
    load_average_1m: Number(loadavg()[0].toFixed(2)),
  };
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(
    join(here, `results/serve-throughput-b${batch}.json`),
    JSON.stringify(result, null, 2) + '\n',
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
