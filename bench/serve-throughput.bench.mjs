// `modelops serve` under load on loopback side by side with a raw onnxruntime-node `session.run`
// loop at the same batch size. Two models, because what a serving benchmark measures depends on
// how long the model itself takes:
//   mlp   256 → 512 → 512 → 10, ~0.2 ms per 64 rows: the HTTP stack's cost dominates
//   wide  1024 → 2048 → 2048 → 10, ~2.7 ms per 64 rows: the model's compute dominates
//   deep  1024 → 4096 → 4096 → 10, ~3.3× wide's compute for the same request bytes
// Each request carries BENCH_SERVE_BATCH rows (default 64). Cases, per model:
//   raw           the peer: session.run on a pre-built [B, in] tensor in a loop, onnxruntime's
//                 default session options (its own intra-op threads), one run at a time
//   raw-parallel  a second, stronger peer laid out as the server's default: one process per
//                 session the server starts (one per core, up to 4), each a raw loop with one
//                 intra-op thread, all at once (data parallelism; rows/s summed)
//   binary        the server with its default flags (--sessions: one per core, up to 4),
//                 POST …/infer with the binary tensor data extension (JSON header + raw float32)
//   binary-1s     the same with --sessions 1: one session on the JavaScript thread, onnxruntime's
//                 default threads, as the raw loop has
//   binary-Np     the same with --processes N (one per core, up to 4): N server processes on one
//                 port, each with one single-threaded session on its JavaScript thread
//   floor-Np      a third peer, the floor of any Node.js server: serve-floor-server.mjs, laid out
//                 as binary-Np but doing only read body → session.run → answer (no checks,
//                 batching, metrics or logs), under the same load. What binary-Np spends beyond it
//                 is modelops' own; what it cannot reach, no Node.js server reaches on this machine
//   json          (mlp only) the rows as JSON numbers
//   coalesced     requests of B/8 rows from 4× the connections: dynamic batching joins them
//   grpc          (BENCH_SERVE_GRPC=1) ModelInfer with raw_input_contents from @grpc/grpc-js,
//                 the same number of calls in flight as HTTP connections
// HTTP load comes from autocannon's programmatic API in this process, so the load generator
// shares the machine's cores with the server (the raw loop has no client to feed it): the client's
// own CPU seconds are reported beside the server's.
// The cases alternate for BENCH_SERVE_ROUNDS rounds (default 3) of BENCH_SERVE_SECONDS each
// (default 5), so a burst of load from other processes skews one round, not the result; ratios
// are medians of each round's ratio to that round's raw loop. Rows per CPU second divide rows by
// the CPU seconds of the process doing the work (the server's own process_cpu_seconds_total, all
// threads; the raw loop's process.cpuUsage), which a busy shared machine disturbs less than
// wall-clock rates. Env: BENCH_SERVE_CONNECTIONS (default 4), BENCH_SERVE_MODELS (default
// "mlp,wide"). Writes bench/results/serve-throughput-b<B>.json; needs `npm run build` first.
/* global fetch */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { createRequire } from 'node:module';
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
const withGrpc = process.env.BENCH_SERVE_GRPC === '1';
const MODELS = {
  mlp: { layers: [256, 512, 512, 10], json: true },
  wide: { layers: [1024, 2048, 2048, 10], json: false },
  deep: { layers: [1024, 4096, 4096, 10], json: false },
};
const modelNames = (process.env.BENCH_SERVE_MODELS ?? 'mlp,wide').split(',');
if (seconds * rounds > 20)
  throw new Error('keep each case at 20 s or less: lower BENCH_SERVE_ROUNDS or _SECONDS');
const small = Math.max(1, Math.floor(batch / 8));
// What `modelops serve` starts by default (src/platform/runtime/default-replicas.ts).
const sessions = Math.max(1, Math.min(4, availableParallelism()));
const work = mkdtempSync(join(tmpdir(), 'modelops-bench-serve-'));

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const load1 = () => Number(loadavg()[0].toFixed(2));
const cpuSeconds = (usage) => (usage.user + usage.system) / 1e6;

/** Starts `modelops serve` (the built CLI) and resolves once it logs its URL. */
function serve(model, args) {
  const child = spawn(
    process.execPath,
    [join(root, 'bin/modelops.js'), 'serve', '--model', `${model}.onnx`, '--port', '0', ...args],
    { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  return new Promise((done, fail) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const http = /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr);
      const grpc = /over gRPC at (127\.0\.0\.1:\d+)/.exec(stderr);
      if (http && (grpc || !args.includes('--grpc-port')))
        done({
          url: http[1],
          grpc: grpc?.[1],
          stop: () => new Promise((ok) => (child.kill('SIGTERM'), child.on('exit', ok))),
        });
    });
    child.on('exit', () => fail(new Error(`serve exited: ${stderr}`)));
  });
}

/** Starts the floor peer (serve-floor-server.mjs) and resolves once every process listens. */
function serveFloor(model, processes) {
  const child = spawn(
    process.execPath,
    [join(here, 'serve-floor-server.mjs'), `${model}.onnx`, String(processes)],
    {
      cwd: work,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  return new Promise((done, fail) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const up = /at (http:\/\/127\.0\.0\.1:\d+)\/ pids (\S+)/.exec(stderr);
      if (up)
        done({
          url: up[1],
          pids: up[2].split(','),
          stop: () => new Promise((ok) => (child.kill('SIGTERM'), child.on('exit', ok))),
        });
    });
    child.on('exit', () => fail(new Error(`floor server exited: ${stderr}`)));
  });
}

/** User + system CPU seconds of processes, from /proc (the floor peer has no /metrics). */
function procCpu(pids) {
  const ticksPerSecond = 100;
  return pids.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return sum + (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  }, 0);
}

/** CPU seconds the server process has used (all threads), from its own /metrics. */
async function serverCpu(server) {
  if (server.pids) return procCpu(server.pids);
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^process_cpu_seconds_total (\S+)$/m.exec(text)[1]);
}

function summarize(requests, rows, wallSeconds, serverCpuSeconds, clientCpuSeconds, p50, p99) {
  return {
    rows_per_s: (requests * rows) / wallSeconds,
    rows_per_cpu_s: (requests * rows) / serverCpuSeconds,
    requests_per_s: requests / wallSeconds,
    server_cpu_s: serverCpuSeconds,
    client_cpu_s: clientCpuSeconds,
    p50_ms: p50,
    p99_ms: p99,
  };
}

async function httpLoad(server, model, { body, headers }, rows, clients = connections) {
  const cpuBefore = await serverCpu(server);
  const clientBefore = process.cpuUsage();
  const result = await autocannon({
    url: `${server.url}/v2/models/${model}/infer`,
    method: 'POST',
    body,
    headers,
    connections: clients,
    duration: seconds,
  });
  const client = cpuSeconds(process.cpuUsage(clientBefore));
  if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
  const cpu = (await serverCpu(server)) - cpuBefore;
  return summarize(
    result['2xx'],
    rows,
    result.duration || seconds,
    cpu,
    client,
    result.latency.p50,
    result.latency.p99,
  );
}

/** `connections` ModelInfer calls kept in flight for `seconds`, each call timed. */
async function grpcLoad(server, client, request, rows) {
  const cpuBefore = await serverCpu(server);
  const clientBefore = process.cpuUsage();
  const times = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await new Promise((ok, fail) => client.ModelInfer(request, (e, r) => (e ? fail(e) : ok(r))));
      times.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const wall = (performance.now() - started) / 1000;
  const clientCpu = cpuSeconds(process.cpuUsage(clientBefore));
  const cpu = (await serverCpu(server)) - cpuBefore;
  times.sort((a, b) => a - b);
  return summarize(times.length, rows, wall, cpu, clientCpu, percentile(times, 50), percentile(times, 99));
}

async function grpcClient(address) {
  const grpc = await import('@grpc/grpc-js');
  const protoLoader = await import('@grpc/proto-loader');
  const definition = protoLoader.loadSync(join(root, 'src/serve/grpc/grpc_predict_v2.proto'), {
    keepCase: true,
    longs: Number,
    defaults: true,
    oneofs: true,
  });
  const api = grpc.loadPackageDefinition(definition);
  return new api.inference.GRPCInferenceService(address, grpc.credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
    'grpc.max_receive_message_length': -1,
  });
}

/** A raw session.run loop in its own process (one intra-op thread), for the raw-parallel peer. */
const RAW_LOOP = `
const ort = require(process.argv[1]);
const [model, width, rows, seconds] = process.argv.slice(2);
(async () => {
  const session = await ort.InferenceSession.create(model, { logSeverityLevel: 4, intraOpNumThreads: 1 });
  const x = new Float32Array(rows * width).map((_, i) => Math.sin(i));
  const tensor = new ort.Tensor('float32', x, [Number(rows), Number(width)]);
  await session.run({ x: tensor });
  await new Promise((r) => setTimeout(r, 200));
  const times = [];
  const cpu = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    await session.run({ x: tensor });
    times.push(performance.now() - t0);
  }
  const used = process.cpuUsage(cpu);
  process.stdout.write(JSON.stringify({ times, cpu: (used.user + used.system) / 1e6 }));
})();
`;

async function rawParallel(modelFile, width, processes) {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const runs = await Promise.all(
    Array.from(
      { length: processes },
      () =>
        new Promise((done, fail) =>
          execFile(
            process.execPath,
            ['-e', RAW_LOOP, ortPath, modelFile, String(width), String(batch), String(seconds)],
            { maxBuffer: 64 * 1024 * 1024 },
            (error, stdout) => (error ? fail(error) : done(JSON.parse(stdout))),
          ),
        ),
    ),
  );
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b);
  const rowsPerS = runs.reduce((sum, r) => sum + (r.times.length * batch) / seconds, 0);
  const cpu = runs.reduce((sum, r) => sum + r.cpu, 0);
  return {
    ...summarize(times.length, batch, seconds, cpu, 0, percentile(times, 50), percentile(times, 99)),
    rows_per_s: rowsPerS,
  };
}

async function measureModel(name, ort) {
  const { layers, json } = MODELS[name];
  const width = layers[0];
  execFileSync(process.execPath, [join(work, 'fixture.mjs'), join(work, `${name}.onnx`), layers.join(',')]);
  let seed = 7;
  const x = Float32Array.from(
    { length: batch * width },
    () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5,
  );
  const rowsOf = (n) => x.subarray(0, n * width);

  // The peer: onnxruntime's defaults, nothing tuned.
  const session = await ort.InferenceSession.create(join(work, `${name}.onnx`), { logSeverityLevel: 4 });
  const raw = async () => {
    const tensor = new ort.Tensor('float32', rowsOf(batch), [batch, width]);
    await session.run({ x: tensor });
    const times = [];
    const cpuBefore = process.cpuUsage();
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      const t0 = performance.now();
      await session.run({ x: tensor });
      times.push(performance.now() - t0);
    }
    const cpu = cpuSeconds(process.cpuUsage(cpuBefore));
    times.sort((a, b) => a - b);
    const total = times.reduce((a, b) => a + b, 0) / 1000;
    return summarize(times.length, batch, total, cpu, 0, percentile(times, 50), percentile(times, 99));
  };

  const binaryBody = (rows) => {
    const head = Buffer.from(
      JSON.stringify({
        inputs: [
          {
            name: 'x',
            shape: [rows, width],
            datatype: 'FP32',
            parameters: { binary_data_size: rows * width * 4 },
          },
        ],
        outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
      }),
    );
    const values = rowsOf(rows);
    return {
      body: Buffer.concat([head, Buffer.from(values.buffer, values.byteOffset, values.byteLength)]),
      headers: {
        'inference-header-content-length': String(head.length),
        'content-type': 'application/octet-stream',
      },
    };
  };
  const jsonBody = {
    body: JSON.stringify({
      inputs: [{ name: 'x', shape: [batch, width], datatype: 'FP32', data: Array.from(rowsOf(batch)) }],
    }),
    headers: { 'content-type': 'application/json' },
  };
  const full = binaryBody(batch);
  const split = binaryBody(small);

  // Three servers, started once: default flags, one session as the raw loop has, and one process
  // per core. Requests of B
  // rows each fill a run; the coalesced case's B/8-row requests are joined up to B.
  const base = ['--max-batch-size', String(batch), ...(withGrpc ? ['--grpc-port', '0'] : [])];
  const servers = {
    default: await serve(name, base),
    one: await serve(name, [...base, '--sessions', '1']),
    processes: await serve(name, [...base, '--processes', String(sessions)]),
    floor: await serveFloor(name, sessions),
  };
  const grpc = withGrpc ? await grpcClient(servers.default.grpc) : undefined;
  const grpcRequest = {
    model_name: name,
    inputs: [{ name: 'x', datatype: 'FP32', shape: [batch, width] }],
    raw_input_contents: [Buffer.from(rowsOf(batch).buffer, 0, batch * width * 4)],
  };
  const cases = {
    raw,
    'raw-parallel': () => rawParallel(join(work, `${name}.onnx`), width, sessions),
    binary: () => httpLoad(servers.default, name, full, batch),
    'binary-1s': () => httpLoad(servers.one, name, full, batch),
    [`binary-${sessions}p`]: () => httpLoad(servers.processes, name, full, batch),
    [`floor-${sessions}p`]: () => httpLoad(servers.floor, name, full, batch),
    ...(json ? { json: () => httpLoad(servers.default, name, jsonBody, batch) } : {}),
    coalesced: () => httpLoad(servers.default, name, split, small, connections * 4),
    ...(grpc ? { grpc: () => grpcLoad(servers.default, grpc, grpcRequest, batch) } : {}),
  };
  // Warm up sessions and JIT on every server before timing: 2 s of the same load each, so V8 has
  // optimized the request path (`perf` saw the first seconds cost modelops, with more JavaScript
  // to compile, 1.9× the CPU inside node per request of later ones; the floor peer less).
  for (const server of Object.values(servers))
    await autocannon({
      url: `${server.url}/v2/models/${name}/infer`,
      method: 'POST',
      ...full,
      duration: 2,
      connections,
    });

  const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  const loads = [];
  for (let r = 0; r < rounds; r++) {
    for (const [label, run] of Object.entries(cases)) {
      samples[label].push(await run());
      loads.push(load1());
      console.error(
        `${name}, round ${r + 1}/${rounds}, ${label}: ${Math.round(samples[label].at(-1).rows_per_s)} rows/s (load ${loads.at(-1)})`,
      );
    }
  }
  const metrics = await (await fetch(`${servers.default.url}/metrics`)).text();
  grpc?.close();
  for (const server of Object.values(servers)) await server.stop();
  await session.release();

  const summary = {};
  for (const [label, list] of Object.entries(samples)) {
    const ratio = (key) => Number(median(list.map((s, i) => s[key] / samples.raw[i][key])).toFixed(3));
    summary[label] = {
      rows_per_s: Math.round(median(list.map((s) => s.rows_per_s))),
      rows_per_cpu_s: Math.round(median(list.map((s) => s.rows_per_cpu_s))),
      p50_ms: Number(median(list.map((s) => s.p50_ms)).toFixed(2)),
      p99_ms: Number(median(list.map((s) => s.p99_ms)).toFixed(2)),
      ...(label === 'raw'
        ? {}
        : {
            ratio_to_raw: ratio('rows_per_s'),
            ...(label === 'raw-parallel'
              ? {}
              : {
                  ratio_to_raw_parallel: Number(
                    median(list.map((s, i) => s.rows_per_s / samples['raw-parallel'][i].rows_per_s)).toFixed(
                      3,
                    ),
                  ),
                }),
            // Against the least any Node.js server does under the same load: modelops' own cost.
            ...(label === `binary-${sessions}p`
              ? {
                  ratio_to_floor: Number(
                    median(
                      list.map((s, i) => s.rows_per_s / samples[`floor-${sessions}p`][i].rows_per_s),
                    ).toFixed(3),
                  ),
                }
              : {}),
            // What the server costs per row, whatever share of the cores a shared machine gave it.
            cpu_efficiency_to_raw: ratio('rows_per_cpu_s'),
            // The load generator's CPU against the server's: its share of the same cores.
            client_cpu_per_server_cpu: Number(
              median(list.map((s) => s.client_cpu_s / s.server_cpu_s)).toFixed(2),
            ),
          }),
    };
  }
  const runsTotal = /modelops_session_runs_total\{model="[^"]+"\} (\d+)/.exec(metrics)?.[1];
  return {
    layers: layers.join('-'),
    raw_ms_per_run: Number((1000 * (batch / summary.raw.rows_per_s)).toFixed(2)),
    cases: summary,
    default_server_session_runs: Number(runsTotal ?? NaN),
    load_average_1m: { min: Math.min(...loads), max: Math.max(...loads) },
  };
}

try {
  await build({
    entryPoints: [join(here, 'serve-throughput-fixture.ts')],
    outfile: join(work, 'fixture.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  const ort = await import('onnxruntime-node');
  const models = {};
  for (const name of modelNames) models[name] = await measureModel(name, ort);
  const result = {
    node: process.version,
    batch,
    coalesced_request_rows: small,
    connections,
    seconds_per_case_per_round: seconds,
    rounds,
    cpus: availableParallelism(),
    default_sessions: sessions,
    models,
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
