// optimize's candidate search on an MLP (256 → 512 → 512 → 10): `modelops optimize` end to end
// (15 candidates from graph, int8, int8-static, fp16, prune; budget accuracy=-1%), then the
// original and the model it wrote side by side in raw onnxruntime-node sessions at batch 1 and
// batch 32 — alternating, each ratio the median of adjacent pairs — to check the latency ratio
// the search reports against an independent measurement. Env: BENCH_OPT_ROWS (default 500),
// BENCH_OPT_RUNS (200 timed runs per side), BENCH_OPT_OBJECTIVE (latency). Writes
// bench/results/optimize-search.json.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const rows = Number(process.env.BENCH_OPT_ROWS ?? 500);
const runs = Number(process.env.BENCH_OPT_RUNS ?? 200);
const objective = process.env.BENCH_OPT_OBJECTIVE ?? 'latency';
const work = mkdtempSync(join(tmpdir(), 'modelops-bench-opt-'));
try {
  await build({
    entryPoints: [join(here, 'optimize-search-fixture.ts')],
    outfile: join(work, 'fixture.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  execFileSync(process.execPath, [join(work, 'fixture.mjs'), work, String(rows)]);
  const loadBefore = loadavg()[0];
  const t0 = performance.now();
  let out;
  try {
    out = execFileSync(
      process.execPath,
      [
        join(root, 'bin/modelops.js'),
        'optimize',
        '--model',
        'mlp.onnx',
        '--output',
        'mlp.opt.onnx',
        '--data',
        'val.csv',
        '--label-column',
        'label',
        '--budget',
        'accuracy=-1%',
        '--objective',
        objective,
        '--latency-runs',
        '100',
        '--json',
        '--no-progress',
      ],
      { cwd: work, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
  } catch (error) {
    out = error.stdout; // exit 1 still prints the table
  }
  const searchSeconds = (performance.now() - t0) / 1000;
  const search = JSON.parse(out);

  const ort = await import('onnxruntime-node');
  const session = (file) => ort.InferenceSession.create(join(work, file), { logSeverityLevel: 4 });
  const feeds = (batch) => {
    const x = new Float32Array(batch * 256);
    for (let i = 0; i < x.length; i++) x[i] = ((i * 7919) % 2001) / 1000 - 1;
    return { x: new ort.Tensor('float32', x, [batch, 256]) };
  };
  const sideBySide = async (candidateFile, batch) => {
    const [a, b] = [await session('mlp.onnx'), await session(candidateFile)];
    const feed = feeds(batch);
    for (let w = 0; w < 10; w++) {
      await a.run(feed);
      await b.run(feed);
    }
    const ratios = [];
    const times = { original: [], candidate: [] };
    for (let i = 0; i < runs; i++) {
      const first = i % 2 === 0 ? [a, 'original'] : [b, 'candidate'];
      const second = i % 2 === 0 ? [b, 'candidate'] : [a, 'original'];
      const pair = {};
      for (const [s, name] of [first, second]) {
        const t = performance.now();
        await s.run(feed);
        pair[name] = performance.now() - t;
        times[name].push(pair[name]);
      }
      ratios.push(pair.candidate / pair.original);
    }
    await a.release();
    await b.release();
    const median = (list) => [...list].sort((x, y) => x - y)[Math.floor(list.length / 2)];
    return {
      batch,
      original_p50_ms: Number(median(times.original).toFixed(4)),
      candidate_p50_ms: Number(median(times.candidate).toFixed(4)),
      median_pair_ratio: Number(median(ratios).toFixed(3)),
    };
  };
  const chosen = search.candidates.find((c) => c.chosen);
  const byName = Object.fromEntries(search.candidates.map((c) => [c.name, c]));
  const result = {
    node: process.version,
    model: 'MLP 256-512-512-10 (float32)',
    rows,
    objective,
    search_seconds: Number(searchSeconds.toFixed(1)),
    verdict: search.verdict,
    chosen: search.chosen,
    candidates: search.candidates.map((c) => ({
      name: c.name,
      status: c.status,
      size_ratio: c.size ? Number((c.size / byName.original.size).toFixed(3)) : null,
      p50_ratio: c.latency_p50 ? Number((c.latency_p50 / byName.original.latency_p50).toFixed(3)) : null,
      accuracy: c.metrics?.accuracy ?? null,
      pareto: c.pareto,
    })),
    raw_side_by_side: [],
    cpus: cpus().length,
  };
  if (chosen && chosen.name !== 'original') {
    result.written_bytes = statSync(join(work, 'mlp.opt.onnx')).size;
    result.original_bytes = statSync(join(work, 'mlp.onnx')).size;
    result.raw_side_by_side = [await sideBySide('mlp.opt.onnx', 1), await sideBySide('mlp.opt.onnx', 32)];
  }
  result.load_average_1m = [Number(loadBefore.toFixed(2)), Number(loadavg()[0].toFixed(2))];
  console.log(JSON.stringify(result, null, 2));
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results/optimize-search.json'), JSON.stringify(result, null, 2) + '\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
