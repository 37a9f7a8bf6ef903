// Why dynamic int8 Convs store uint8 weights, and what ConvInteger costs against a float Conv: one
// Conv 16→32, 3×3, 16×16 (bench/optimize-int8-conv.ts writes fp32, its `int8` result and two bare
// DynamicQuantizeLinear → ConvInteger models, weights uint8 vs int8) at batch 1 and 32, one
// intra-op thread and onnxruntime's default, in alternating rounds in one process; µs per
// session.run (median of rounds), ratio to fp32 with the same threads, with the 1-minute load.
// Env: BENCH_INT8_RUNS (rounds, default 9), BENCH_INT8_MS (time per model per round, default 150).
// Writes bench/results/optimize-int8-conv.json.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const runs = Number(process.env.BENCH_INT8_RUNS ?? 9);
const budgetMs = Number(process.env.BENCH_INT8_MS ?? 150);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(join(tmpdir(), 'modelops-bench-int8-conv-'));
try {
  await build({
    entryPoints: [join(here, 'optimize-int8-conv.ts')],
    outfile: join(work, 'conv.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    external: ['onnxruntime-node'],
  });
  execFileSync(process.execPath, [join(work, 'conv.mjs'), work]);
  const ort = await import('onnxruntime-node');
  const timeRuns = async (session, feeds) => {
    let count = 0;
    const started = performance.now();
    while (count < 10 || performance.now() - started < budgetMs) {
      await session.run(feeds);
      count++;
    }
    return ((performance.now() - started) / count) * 1000;
  };
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
  writeFileSync(
    join(here, 'results/optimize-int8-conv.json'),
    JSON.stringify(
      {
        bench: 'optimize-int8-conv',
        node: process.version,
        cpu: cpus()[0]?.model,
        cpus: cpus().length,
        date: new Date().toISOString(),
        runs,
        ms_per_run: budgetMs,
        results,
      },
      null,
      2,
    ) + '\n',
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
