// modelops tune samplers side by side with optuna 3.1 (Debian python3-optuna, /usr/bin/python3)
// in the same run: quality on Branin, Hartmann6 and a real objective (5-fold CV log loss of
// XGBoost on scikit-learn's breast-cancer data, evaluated in Python for both — modelops' sampler
// asks, a long-lived Python worker evaluates over stdin/stdout), then suggestion overhead at 1,000
// trials (modelops TPE's suggest vs optuna TPE's ask + tell, same objective, same run).
// Quality: median over seeds of the best value after 25 and after 50 trials (lower is better).
// Env: BENCH_TUNE_SEEDS (20), BENCH_TUNE_TRIALS (50), BENCH_TUNE_XGB_SEEDS (default: the same as
// BENCH_TUNE_SEEDS; each trial trains 5 × 50 boosting rounds, ~50 ms with one thread),
// BENCH_TUNE_SEED_START (0; a second range such as 20 is a held-out check of a sampler change),
// BENCH_TUNE_OVERHEAD_TRIALS (1000), BENCH_TUNE_CASES (comma list of
// branin,hartmann6,xgboost,overhead), BENCH_TUNE_SAMPLERS (comma list of tool:sampler to run,
// e.g. modelops:tpe; default all). Writes bench/results/tune.json, keeping the rows not rerun.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const python = '/usr/bin/python3';
const seeds = Number(process.env.BENCH_TUNE_SEEDS ?? 20);
const trials = Number(process.env.BENCH_TUNE_TRIALS ?? 50);
const xgbSeeds = Number(process.env.BENCH_TUNE_XGB_SEEDS ?? seeds);
const seedStart = Number(process.env.BENCH_TUNE_SEED_START ?? 0);
const overheadTrials = Number(process.env.BENCH_TUNE_OVERHEAD_TRIALS ?? 1000);
const cases = (process.env.BENCH_TUNE_CASES ?? 'branin,hartmann6,xgboost,overhead').split(',');
const only = process.env.BENCH_TUNE_SAMPLERS?.split(',');
const wanted = (tool, sampler) => !only || only.includes(`${tool}:${sampler}`);
const checkpoints = [25, 50].filter((t) => t <= trials);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: here, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} ${args.join(' ')} exited ${code}`)),
    );
  });
}

/** Runs jobs two at a time (this machine has 2 cores). */
async function pool(jobs, width = 2) {
  const results = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]();
      }
    }),
  );
  return results;
}

const curves = (text) =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).curve);

function summarize(objective, tool, sampler, seedCount, lines) {
  const row = {
    case: objective === 'xgboost-cv' ? 'xgboost' : objective,
    objective,
    tool,
    sampler,
    seeds: seedCount,
    first_seed: seedStart,
  };
  for (const t of checkpoints) row[`median_best_${t}`] = +median(lines.map((c) => c[t - 1])).toPrecision(5);
  return row;
}

const work = mkdtempSync(join(tmpdir(), 'modelops-bench-tune-'));
const results = [];
try {
  const driver = join(work, 'driver.mjs');
  await build({
    entryPoints: [join(here, 'tune-driver.ts')],
    outfile: driver,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
  });
  const jobs = [];
  for (const objective of ['branin', 'hartmann6'].filter((c) => cases.includes(c))) {
    for (const sampler of ['tpe', 'gp', 'ga', 'random'].filter((x) => wanted('modelops', x)))
      jobs.push(async () =>
        summarize(
          objective,
          'modelops',
          sampler,
          seeds,
          curves(await run(process.execPath, [driver, 'quality', objective, sampler, seeds, trials])),
        ),
      );
    for (const sampler of ['tpe', 'tpe-multivariate', 'random'].filter((x) => wanted('optuna', x)))
      jobs.push(async () =>
        summarize(
          objective,
          'optuna 3.1',
          sampler,
          seeds,
          curves(await run(python, ['tune_peer.py', 'quality', objective, sampler, seeds, trials])),
        ),
      );
  }
  if (cases.includes('xgboost')) {
    for (const sampler of ['tpe', 'gp', 'random'].filter((x) => wanted('modelops', x)))
      jobs.push(async () =>
        summarize(
          'xgboost-cv',
          'modelops',
          sampler,
          xgbSeeds,
          curves(
            await run(process.execPath, [
              driver,
              'xgb',
              sampler,
              xgbSeeds,
              trials,
              python,
              join(here, 'tune_xgb.py'),
            ]),
          ),
        ),
      );
    for (const sampler of ['tpe', 'random'].filter((x) => wanted('optuna', x)))
      jobs.push(async () =>
        summarize(
          'xgboost-cv',
          'optuna 3.1',
          sampler,
          xgbSeeds,
          curves(await run(python, ['tune_peer.py', 'xgb', sampler, xgbSeeds, trials])),
        ),
      );
  }
  for (const row of await pool(jobs)) {
    console.log(JSON.stringify(row));
    results.push(row);
  }
  if (cases.includes('overhead')) {
    // Alone, not beside another job: this one is a time.
    const ours = JSON.parse(await run(process.execPath, [driver, 'overhead', overheadTrials])).suggestMs;
    const theirs = JSON.parse(await run(python, ['tune_peer.py', 'overhead', overheadTrials])).suggestMs;
    const stats = (ms) => ({
      mean_ms_all: +(ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(3),
      median_ms_last_100: +median(ms.slice(-100)).toFixed(3),
    });
    const row = {
      case: 'overhead',
      objective: `overhead at ${overheadTrials} trials (Branin)`,
      modelops_tpe_suggest: stats(ours),
      optuna_tpe_ask_tell: stats(theirs),
      load_average_1m: +loadavg()[0].toFixed(1),
    };
    row.ratio_last_100 = +(
      row.modelops_tpe_suggest.median_ms_last_100 / row.optuna_tpe_ask_tell.median_ms_last_100
    ).toFixed(4);
    console.log(JSON.stringify(row));
    results.push(row);
  }
  const file = join(here, 'results/tune.json');
  const kept = existsSync(file)
    ? JSON.parse(readFileSync(file, 'utf8')).results.filter(
        (row) =>
          row.case &&
          !results.some((r) => r.case === row.case && r.tool === row.tool && r.sampler === row.sampler),
      )
    : [];
  results.unshift(...kept);
  writeFileSync(
    file,
    JSON.stringify(
      { bench: 'tune', node: process.version, date: new Date().toISOString(), results },
      null,
      2,
    ) + '\n',
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
