// CSV ingest: modelops' streaming CSV reader side by side with pandas.read_csv on the same file in
// the same run. Env: BENCH_CSV_ROWS (default 1,000,000), BENCH_CSV_RUNS (default 3), BENCH_CSV_BATCH
// (our batch size, default 8192), BENCH_CSV_PRECISION (mixed | full, default mixed). The file has
// 20 numeric columns and one string label; `mixed` writes 16 numeric columns with 0-6 decimals and
// 4 at full double precision (the shortest round-trip form, as pandas.to_csv writes floats),
// `full` writes all 20 at full precision.
// Prints one JSON line per tool and writes bench/results/csv-ingest.json.
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const rows = Number(process.env.BENCH_CSV_ROWS ?? 1_000_000);
const runs = Number(process.env.BENCH_CSV_RUNS ?? 3);
const batchSize = Number(process.env.BENCH_CSV_BATCH ?? 8192);
const fullPrecision = process.env.BENCH_CSV_PRECISION === 'full';
const python = '/usr/bin/python3';

const work = mkdtempSync(join(tmpdir(), 'modelops-csv-bench-'));
const file = join(work, 'ingest.csv');
try {
  writeCsv(file, rows);
  // Our reader as it ships: src/platform/data bundled by esbuild (src uses .js import specifiers).
  const bundle = join(work, 'data.mjs');
  await build({
    entryPoints: [join(root, 'src/platform/data/index.ts')],
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  const ours = join(work, 'ours.mjs');
  writeFileSync(
    ours,
    `import { openDataset } from ${JSON.stringify(pathToFileURL(bundle).href)};
const start = performance.now();
const source = await openDataset(process.argv[2]);
let rows = 0;
let sum = 0;
for await (const batch of source.batches({ batchSize: ${batchSize} })) {
  rows += batch.rows;
  sum += batch.columns[0].data[batch.rows - 1];
}
console.log(JSON.stringify({ rows, ms: performance.now() - start, sum }));
`,
  );
  const pandasScript = `import json, sys, time
import pandas
start = time.perf_counter()
df = pandas.read_csv(sys.argv[1])
ms = (time.perf_counter() - start) * 1000
print(json.dumps({'rows': len(df), 'ms': ms, 'sum': float(df.iloc[:, 0].sum())}))`;

  const tools = {
    'modelops openDataset (csv)': () => run(process.execPath, [ours, file]),
    'pandas.read_csv': () => run(python, ['-c', pandasScript, file]),
  };
  readFileSync(file); // warm the page cache: both tools read from memory
  const samples = Object.fromEntries(Object.keys(tools).map((name) => [name, []]));
  for (let i = 0; i < runs; i++) {
    // Interleave tools so drift (thermal, noisy neighbours) hits them alike.
    for (const [name, measure] of Object.entries(tools)) samples[name].push(measure());
  }
  const counts = new Set(Object.values(samples).flatMap((s) => s.map((x) => x.rows)));
  if (counts.size !== 1 || !counts.has(rows))
    throw new Error(`tools disagree on rows: ${[...counts].join(', ')}`);

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const results = Object.entries(samples).map(([tool, s]) => {
    const inner = median(s.map((x) => x.ms));
    const wall = median(s.map((x) => x.wall));
    return {
      tool,
      rows,
      runs,
      median_read_ms: Math.round(inner),
      rows_per_s: Math.round(rows / (inner / 1000)),
      median_process_ms: Math.round(wall),
      process_rows_per_s: Math.round(rows / (wall / 1000)),
    };
  });
  const [ourResult, pandasResult] = results;
  const speedup = {
    read: round2(pandasResult.median_read_ms / ourResult.median_read_ms),
    process: round2(pandasResult.median_process_ms / ourResult.median_process_ms),
  };
  for (const r of results) console.log(JSON.stringify(r));
  console.log(JSON.stringify({ speedup_vs_pandas: speedup }));

  mkdirSync(join(here, 'results'), { recursive: true });
  const report = {
    bench: 'csv-ingest',
    date: new Date().toISOString(),
    node: process.version,
    pandas: spawnSync(
      python,
      ['-c', 'import pandas, sys; print(pandas.__version__, sys.version.split()[0])'],
      {
        encoding: 'utf8',
      },
    ).stdout.trim(),
    cpu: `${cpus()[0]?.model ?? 'unknown'} x${cpus().length}`,
    file: {
      rows,
      mb: round2(statSync(file).size / 1024 / 1024),
      columns: fullPrecision
        ? '20 full-precision doubles + 1 string label'
        : '20 numeric (16 with 0-6 decimals, 4 full-precision doubles) + 1 string label',
    },
    batch_size: batchSize,
    results,
    speedup_vs_pandas: speedup,
  };
  writeFileSync(join(here, 'results', 'csv-ingest.json'), JSON.stringify(report, null, 2) + '\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}

function run(command, args) {
  const start = performance.now();
  const out = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  const wall = performance.now() - start;
  if (out.status !== 0) throw new Error(`${command} failed: ${out.stderr}`);
  return { ...JSON.parse(out.stdout), wall };
}

function round2(x) {
  return Math.round(x * 100) / 100;
}

/** Deterministic data (a small LCG), written in 10,000-row chunks. */
function writeCsv(path, count) {
  const fd = openSync(path, 'w');
  const header = [...Array.from({ length: 20 }, (_, j) => `f${j}`), 'label'];
  writeSync(fd, header.join(',') + '\n');
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const labels = ['cat', 'dog', 'bird'];
  let lines = [];
  for (let i = 0; i < count; i++) {
    const fields = [];
    for (let j = 0; j < 20; j++) {
      const x = (random() - 0.5) * 200;
      fields.push(j < 16 && !fullPrecision ? x.toFixed(j % 7) : String(x));
    }
    fields.push(labels[i % 3]);
    lines.push(fields.join(','));
    if (lines.length === 10_000) {
      writeSync(fd, lines.join('\n') + '\n');
      lines = [];
    }
  }
  if (lines.length > 0) writeSync(fd, lines.join('\n') + '\n');
  closeSync(fd);
}
