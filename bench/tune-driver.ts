/**
 * Drives modelops' samplers for the tune benchmark (bundled and run by tune.bench.mjs).
 *   quality <objective> <sampler> <seeds> <trials>  → one JSON line per seed: best value after each trial
 *   overhead <trials>                             → ms spent in suggest per trial (TPE, Branin)
 *   xgb <sampler> <seeds> <trials> <python> <worker.py> → quality on the xgboost objective,
 *     evaluated by a long-lived Python process over stdin/stdout
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { performance } from 'node:perf_hooks';
import { createSampler } from '../src/core/tune/samplers/index.js';
import { parseSearchSpace } from '../src/core/tune/space.js';
import type { Params, StudyView, Trial } from '../src/core/tune/types.js';
import { OBJECTIVES } from './tune-objectives.js';

const [mode, ...args] = process.argv.slice(2);
/** Extra sampler options as JSON (BENCH_TUNE_OPTIONS='{"tpe":{"nStartupTrials":5}}'), for tuning the samplers. */
const samplerOptions = JSON.parse(process.env.BENCH_TUNE_OPTIONS ?? '{}') as object;
/** First seed (BENCH_TUNE_SEED_START, default 0): a second seed range checks a choice made on the first. */
const seedStart = Number(process.env.BENCH_TUNE_SEED_START ?? 0);

async function runStudy(
  spaceRaw: unknown,
  samplerName: string,
  seed: number,
  trials: number,
  objective: (p: Params) => number | Promise<number>,
  direction: 'minimize' | 'maximize' = 'minimize',
): Promise<{ curve: number[]; suggestMs: number[] }> {
  const space = parseSearchSpace(spaceRaw, 'bench');
  const sampler = createSampler(samplerName, { seed, ...samplerOptions });
  const done: Trial[] = [];
  const curve: number[] = [];
  const suggestMs: number[] = [];
  let best = direction === 'minimize' ? Infinity : -Infinity;
  for (let i = 0; i < trials; i++) {
    const study: StudyView = { space, direction, trials: done };
    const started = performance.now();
    const [params] = sampler.suggest(study, 1);
    suggestMs.push(performance.now() - started);
    const value = await objective(params!);
    done.push({ number: i, params: params!, state: 'complete', value });
    best = direction === 'minimize' ? Math.min(best, value) : Math.max(best, value);
    curve.push(best);
  }
  return { curve, suggestMs };
}

if (mode === 'quality') {
  const [name, sampler, seeds, trials] = args as [keyof typeof OBJECTIVES, string, string, string];
  const objective = OBJECTIVES[name];
  for (let seed = seedStart; seed < seedStart + Number(seeds); seed++) {
    const { curve } = await runStudy(objective.space, sampler, seed, Number(trials), objective.fn);
    console.log(JSON.stringify({ seed, curve }));
  }
} else if (mode === 'overhead') {
  const trials = Number(args[0]);
  const sampler = args[1] ?? 'tpe';
  const { suggestMs } = await runStudy(OBJECTIVES.branin.space, sampler, 0, trials, OBJECTIVES.branin.fn);
  console.log(JSON.stringify({ suggestMs }));
} else if (mode === 'xgb') {
  const [sampler, seeds, trials, python, worker] = args as [string, string, string, string, string];
  const child = spawn(python, [worker], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  const { space, direction } = JSON.parse(first.value as string) as {
    space: unknown;
    direction: 'minimize' | 'maximize';
  };
  const evaluate = async (params: Params): Promise<number> => {
    child.stdin.write(JSON.stringify(params) + '\n');
    const reply = await lines.next();
    return (JSON.parse(reply.value as string) as { value: number }).value;
  };
  for (let seed = seedStart; seed < seedStart + Number(seeds); seed++) {
    const { curve } = await runStudy(space, sampler, seed, Number(trials), evaluate, direction);
    console.log(JSON.stringify({ seed, curve }));
  }
  child.stdin.end();
} else {
  throw new Error(`unknown mode ${mode}`);
}
