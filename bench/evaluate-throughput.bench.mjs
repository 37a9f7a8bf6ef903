// evaluate throughput where the model's compute dominates: `modelops evaluate` end to end (NPZ
// streamed from disk, tensors fed, metrics accumulated) side by side with raw `session.run` on
// pre-built tensors, same MLP, same rows, same batch size. Env: BENCH_EVAL_ROWS (default 250000: about a second of inference, so the pipeline runs at its steady rate),
// BENCH_EVAL_BATCH (256), BENCH_EVAL_RUNS (9), BENCH_EVAL_CLI (another build's bin/modelops.js, for
// A/B runs). Writes bench/results/evaluate-throughput.json.
// Runs alternate (raw, evaluate, raw without spin-waiting, raw with one single-threaded session
// per core in worker threads — evaluate's default layout, the ceiling it can reach — …) and each ratio is the median of the
// adjacent pairs' ratios, so a burst of load from other processes on a shared machine skews one
// pair, not the result; the 1-minute load average is recorded beside it (before, after).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const rows = Number(process.env.BENCH_EVAL_ROWS ?? 250000);
const batch = Number(process.env.BENCH_EVAL_BATCH ?? 256);
const runs = Number(process.env.BENCH_EVAL_RUNS ?? 9);
const cli = process.env.BENCH_EVAL_CLI ?? join(root, 'bin/modelops.js');
const work = mkdtempSync(join(tmpdir(), 'modelops-bench-eval-'));
try {
  await build({
    entryPoints: [join(here, 'evaluate-fixture.ts')],
    outfile: join(work, 'fixture.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  execFileSync(process.execPath, [join(work, 'fixture.mjs'), work, String(rows)]);

  const ort = await import('onnxruntime-node');
  // `spin`: onnxruntime's default thread pool spin-waiting; evaluate's sessions turn it off (the
  // main thread decodes and scores alongside), so raw is measured both ways.
  const raw = async (spin) => {
    const session = await ort.InferenceSession.create(join(work, 'mlp.onnx'), {
      logSeverityLevel: 4,
      ...(spin ? {} : { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
    });
    const x = new Float32Array(readFileSync(join(work, 'x.f32')).buffer.slice(0));
    const tensors = [];
    for (let start = 0; start < rows; start += batch) {
      const n = Math.min(batch, rows - start);
      tensors.push(new ort.Tensor('float32', x.subarray(start * 256, (start + n) * 256), [n, 256]));
    }
    await session.run({ x: tensors[0] });
    const t0 = performance.now();
    for (const t of tensors) await session.run({ x: t });
    const ms = performance.now() - t0;
    await session.release();
    return (rows * 1000) / ms;
  };
  // Also the ceiling evaluate's default aims at: one single-threaded session per core in worker
  // threads, each looping over its share of the pre-built batches (every other batch with two).
  const pooled = async () => {
    const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
    const parts = Math.min(4, cpus().length);
    const code = `
      const { parentPort, workerData: w } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      const ort = require(w.ortPath);
      (async () => {
        const session = await ort.InferenceSession.create(w.model, { logSeverityLevel: 4, intraOpNumThreads: 1,
          extra: { session: { intra_op: { allow_spinning: '0' } } } });
        const x = new Float32Array(readFileSync(w.x).buffer);
        const tensors = [];
        for (let s = w.part * w.batch, k = 0; s < w.rows; s += w.batch * w.parts, k++) {
          const n = Math.min(w.batch, w.rows - s);
          tensors.push(new ort.Tensor('float32', x.subarray(s * 256, (s + n) * 256), [n, 256]));
        }
        await session.run({ x: tensors[0] });
        parentPort.postMessage('ready');
        parentPort.once('message', async () => {
          for (const t of tensors) await session.run({ x: t });
          parentPort.postMessage('done');
        });
      })();`;
    const workers = Array.from(
      { length: parts },
      (_, part) =>
        new Worker(code, {
          eval: true,
          workerData: {
            ortPath,
            model: join(work, 'mlp.onnx'),
            x: join(work, 'x.f32'),
            rows,
            batch,
            part,
            parts,
          },
        }),
    );
    const next = () => Promise.all(workers.map((w) => new Promise((done) => w.once('message', done))));
    await next();
    const t0 = performance.now();
    workers.forEach((w) => w.postMessage('go'));
    await next();
    const ms = performance.now() - t0;
    await Promise.all(workers.map((w) => w.terminate()));
    return (rows * 1000) / ms;
  };
  const endToEnd = () => {
    const out = execFileSync(
      process.execPath,
      [
        cli,
        'evaluate',
        '--model',
        'mlp.onnx',
        '--data',
        'data.npz',
        '--label-column',
        'label',
        '--batch-size',
        String(batch),
        '--json',
        '--no-progress',
      ],
      { cwd: work, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    return JSON.parse(out).timing.rows_per_second;
  };
  const loadBefore = loadavg()[0];
  const samples = { raw: [], rawNoSpin: [], evaluate: [], pooled: [] };
  for (let i = 0; i < runs; i++) {
    samples.raw.push(await raw(true));
    samples.evaluate.push(endToEnd());
    samples.rawNoSpin.push(await raw(false));
    samples.pooled.push(await pooled());
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  const result = {
    node: process.version,
    rows,
    batch,
    model: 'MLP 256-512-512-10 (float32)',
    raw_session_run_rows_per_s: Math.round(median(samples.raw)),
    raw_session_run_no_spin_rows_per_s: Math.round(median(samples.rawNoSpin)),
    raw_single_thread_sessions_per_core_rows_per_s: Math.round(median(samples.pooled)),
    evaluate_end_to_end_rows_per_s: Math.round(median(samples.evaluate)),
  };
  const ratios = (base) => samples.evaluate.map((e, i) => e / base[i]);
  result.ratio = Number(median(ratios(samples.raw)).toFixed(3));
  result.ratio_vs_no_spin = Number(median(ratios(samples.rawNoSpin)).toFixed(3));
  result.ratio_vs_sessions_per_core = Number(median(ratios(samples.pooled)).toFixed(3));
  result.pair_ratios = ratios(samples.raw).map((r) => Number(r.toFixed(3)));
  result.pair_ratios_vs_no_spin = ratios(samples.rawNoSpin).map((r) => Number(r.toFixed(3)));
  result.cpus = cpus().length;
  result.load_average_1m = [Number(loadBefore.toFixed(2)), Number(loadavg()[0].toFixed(2))];
  console.log(JSON.stringify(result));
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results/evaluate-throughput.json'), JSON.stringify(result, null, 2) + '\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
