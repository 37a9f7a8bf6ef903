// modelops convert on a 1,000-tree XGBoost model (max_depth 6, 20 features, trained by Debian's
// python3-xgboost), JSON and UBJSON, side by side with XGBoost itself loading the same file.
// Reports the whole CLI run (node start, read, parse, build, encode, write) and the conversion
// alone (`conversion.seconds` of --json). The target: under 2 s. Env: BENCH_CONVERT_TREES
// (default 1000), BENCH_CONVERT_RUNS (3). Needs the build. Writes bench/results/convert-xgboost.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const cli = join(root, 'bin/modelops.js');
if (!existsSync(join(root, 'dist/cli.js'))) throw new Error('run npm run build first');
const trees = Number(process.env.BENCH_CONVERT_TREES ?? 1000);
const runs = Number(process.env.BENCH_CONVERT_RUNS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const work = mkdtempSync(join(tmpdir(), 'modelops-convert-bench-'));
try {
  const train = `
import numpy as np, xgboost as xgb, sys
rng = np.random.default_rng(3)
x = rng.normal(size=(20000, 20)).astype(np.float32)
y = (x[:, 0] + np.sin(x[:, 1] * 2) - x[:, 2] ** 2 + rng.normal(scale=0.5, size=20000) > 0).astype(np.float32)
b = xgb.train({"objective": "binary:logistic", "max_depth": 6, "eta": 0.05, "nthread": 2}, xgb.DMatrix(x, label=y), ${trees})
b.save_model(sys.argv[1] + "/model.json"); b.save_model(sys.argv[1] + "/model.ubj")
`;
  execFileSync('/usr/bin/python3', ['-c', train, work]);
  const load = `
import time, xgboost as xgb, sys
t = time.perf_counter(); b = xgb.Booster(); b.load_model(sys.argv[1]); print(time.perf_counter() - t)
`;
  const results = [];
  for (const file of ['model.json', 'model.ubj']) {
    const input = join(work, file);
    const wall = [];
    const inProcess = [];
    let nodes = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const run = spawnSync(
        process.execPath,
        [cli, 'convert', '--from', 'xgboost', '--input', input, '--output', join(work, 'out.onnx'), '--json'],
        { encoding: 'utf8' },
      );
      wall.push(performance.now() - started);
      if (run.status !== 0) throw new Error(run.stderr);
      inProcess.push(JSON.parse(run.stdout).conversion.seconds * 1000);
      nodes = statSync(join(work, 'out.onnx')).size;
    }
    const xgbLoad = [];
    for (let i = 0; i < runs; i++)
      xgbLoad.push(
        Number(execFileSync('/usr/bin/python3', ['-c', load, input], { encoding: 'utf8' })) * 1000,
      );
    results.push({
      tool: `modelops convert (${file})`,
      trees,
      input_mb: +(statSync(input).size / 1e6).toFixed(2),
      onnx_mb: +(nodes / 1e6).toFixed(2),
      runs,
      median_wall_ms: Math.round(median(wall)),
      median_conversion_ms: Math.round(median(inProcess)),
    });
    results.push({
      tool: `xgboost Booster.load_model (${file})`,
      trees,
      runs,
      median_ms: Math.round(median(xgbLoad)),
    });
  }
  for (const r of results) console.log(JSON.stringify(r));
  writeFileSync(
    join(here, 'results/convert-xgboost.json'),
    JSON.stringify(
      { bench: 'convert-xgboost', node: process.version, date: new Date().toISOString(), results },
      null,
      2,
    ) + '\n',
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
