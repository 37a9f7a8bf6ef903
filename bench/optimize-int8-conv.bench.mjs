// Why dynamic int8 Convs store uint8 weights, and what ConvInteger costs against a float Conv: one
// Conv 16→32, 3×3, 16×16 (bench/optimize-int8-conv.ts writes fp32, its `int8` result and two bare
// DynamicQuantizeLinear → ConvInteger models, weights uint8 vs int8) at batch 1 and 32, one
// intra-op thread and onnxruntime's default, in alternating rounds in one process; µs per
// session.run (median of rounds), ratio to fp32 with the same threads, with the 1-minute load.
// Env: BENCH_INT8_RUNS (rounds, default 9), BENCH_INT8_MS (time per model per round, default 150).
// Writes bench/results/optimize-int8-conv.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleScript, median, msPerRun, writeResults } from './lib/ort-bench.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_INT8_RUNS ?? 9);
const budgetMs = Number(process.env.BENCH_INT8_MS ?? 150);
const work = mkdtempSync(join(tmpdir(), 'modelops-bench-int8-conv-'));
try {
  await bundleScript(join(here, 'optimize-int8-conv.ts'), join(work, 'conv.mjs'));
  execFileSync(process.execPath, [join(work, 'conv.mjs'), work]);
  const ort = await import('onnxruntime-node');
  /** Mean microseconds per run over the time budget. */
  const timeRuns = async (session, feeds) => (await msPerRun(session, feeds, budgetMs, 10)) * 1000;
  const files = readdirSync(work).filter((f) => f.endsWith('.onnx'));
  const results = [];
  for (const batch of [1, 32]) {
    const values = batch * 16 * 16 * 16;
    const feeds = {
      input: new ort.Tensor(
        'float32',
        Float32Array.from({ length: values }, (_, i) => Math.sin(i)),
        [batch, 16, 16, 16],
      ),
    };
    const entries = [];
    for (const file of files)
      for (const threads of [1, 0]) {
        const options = { logSeverityLevel: 4, ...(threads ? { intraOpNumThreads: threads } : {}) };
        const session = await ort.InferenceSession.create(join(work, file), options);
        entries.push({ model: file.replace(/\.onnx$/, ''), threads, session, times: [] });
      }
    for (const entry of entries) await timeRuns(entry.session, feeds);
    for (let i = 0; i < runs; i++)
      for (const entry of i % 2 ? [...entries].reverse() : entries)
        entry.times.push(await timeRuns(entry.session, feeds));
    for (const entry of entries) {
      const fp32 = entries.find((e) => e.model === 'fp32' && e.threads === entry.threads);
      results.push({
        batch,
        model: entry.model,
        threads: entry.threads || 'default',
        us: +median(entry.times).toFixed(1),
        over_fp32: +(median(entry.times) / median(fp32.times)).toFixed(2),
        load_average_1m: +loadavg()[0].toFixed(2),
      });
      console.log(JSON.stringify(results.at(-1)));
    }
    for (const entry of entries) await entry.session.release();
  }
  writeResults(join(here, 'results'), 'optimize-int8-conv', { runs, ms_per_run: budgetMs, results });
} finally {
  rmSync(work, { recursive: true, force: true });
}
