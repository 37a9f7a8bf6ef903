// Why dynamic int8 ties fp32 at batch 1 with onnxruntime's default threads: one operator at a
// time (bench/optimize-int8-kernels.ts writes them: fp32 Gemm, `int8`, `int8:form=nbits`, and the
// bare integer GEMM), at M = 1 and 32 rows (a batch-1 MLP and a batch-1 32-token encoder), timed
// with one intra-op thread and with onnxruntime's default (one per core), in alternating rounds in
// one process. The figure to read is default ÷ one thread per operator: fp32 gets faster with more
// threads, the int8 GEMM (AMX on this CPU) gets slower at these sizes. Times include onnxruntime-
// node's fixed cost per run (the `overhead` row: a model that only copies its input).
// Env: BENCH_INT8_RUNS (rounds, default 9), BENCH_INT8_MS (time per model per round, default 150).
// Writes bench/results/optimize-int8-kernels.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleScript, median, msPerRun, writeResults } from './lib/ort-bench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_INT8_RUNS ?? 9);
const budgetMs = Number(process.env.BENCH_INT8_MS ?? 150);
const work = mkdtempSync(join(tmpdir(), 'modelops-bench-int8-kernels-'));
try {
  await bundleScript(join(here, 'optimize-int8-kernels.ts'), join(work, 'kernels.mjs'));
  execFileSync(process.execPath, [join(work, 'kernels.mjs'), work]);
  const ort = await import('onnxruntime-node');
  /** Mean microseconds per run over the time budget. */
  const timeRuns = async (session, feeds) => (await msPerRun(session, feeds, budgetMs, 20)) * 1000;
  const files = readdirSync(work).filter((f) => f.endsWith('.onnx'));
  const results = [];
  for (const rows of [1, 32]) {
    // [name, session, feeds] for every model × thread setting; rounds alternate through all of them.
    const entries = [];
    for (const file of files) {
      const [shape, ...rest] = file.replace(/\.onnx$/, '').split(' ');
      const k = Number(shape.split('x')[0]);
      const uint8 = rest.join(' ') === 'integer GEMM only';
      const feeds = {
        input: uint8
          ? new ort.Tensor(
              'uint8',
              Uint8Array.from({ length: rows * k }, (_, i) => (i * 37) % 256),
              [rows, k],
            )
          : new ort.Tensor(
              'float32',
              Float32Array.from({ length: rows * k }, (_, i) => Math.sin(i)),
              [rows, k],
            ),
      };
      for (const threads of [1, 0]) {
        const options = { logSeverityLevel: 4, ...(threads ? { intraOpNumThreads: threads } : {}) };
        const session = await ort.InferenceSession.create(join(work, file), options);
        entries.push({ shape, model: rest.join(' '), threads, session, feeds, times: [] });
      }
    }
    for (const entry of entries) await timeRuns(entry.session, entry.feeds);
    for (let i = 0; i < runs; i++)
      for (const entry of i % 2 ? [...entries].reverse() : entries)
        entry.times.push(await timeRuns(entry.session, entry.feeds));
    for (const one of entries.filter((e) => e.threads === 1)) {
      const other = entries.find((e) => e !== one && e.shape === one.shape && e.model === one.model);
      results.push({
        rows,
        shape: one.shape,
        model: one.model,
        one_thread_us: +median(one.times).toFixed(1),
        default_threads_us: +median(other.times).toFixed(1),
        default_over_one: +(median(other.times) / median(one.times)).toFixed(3),
        load_average_1m: +loadavg()[0].toFixed(2),
      });
      console.log(JSON.stringify(results.at(-1)));
    }
    for (const entry of entries) await entry.session.release();
  }
  writeResults(join(here, 'results'), 'optimize-int8-kernels', { runs, ms_per_run: budgetMs, results });
} finally {
  rmSync(work, { recursive: true, force: true });
}
