import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  computeMetrics,
  createAccumulator,
  mcnemarFromCounts,
  mergeStates,
  type Batch,
  type EvaluationState,
  type MetricReport,
  type Task,
} from '../../src/core/evaluate/index.js';
import { ExactSum } from '../../src/core/evaluate/exact-sum.js';
import { createRng, type Rng } from '../../src/core/evaluate/prng.js';

// Peer check: many seeded random cases, ours in TypeScript, scikit-learn's and scipy's from ONE
// python run of sklearn_metrics.py. Every metric must agree to 1e-9 (absolute or relative); where
// scikit-learn raises, ours must be NaN. Each case is also sharded and merged: results must be ===.
const PYTHON = '/usr/bin/python3';
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'sklearn_metrics.py');
const TOLERANCE = 1e-9;
const SIZES = [1, 2, 3, 4, 7, 10, 31, 100, 257, 500];

type Matrix = number[] | number[][];
interface MetricCase {
  id: string;
  task: Task;
  numClasses?: number;
  numLabels?: number;
  threshold: number;
  yTrue: Matrix;
  yScore?: Matrix;
  yPred?: Matrix;
}
type McNemarCase = { id: string; task: 'mcnemar'; b: number; c: number; exactBelow: number };
type ExactSumCase = { id: string; task: 'exact-sum'; values: number[] };
type PeerCase = MetricCase | McNemarCase | ExactSumCase;
type PeerValue = number | string | { error: string } | number[][] | number[][][] | boolean;
type Data = Pick<MetricCase, 'yTrue' | 'yScore' | 'yPred'>;

const times = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

function generators(rng: Rng) {
  const uniform = (): number => rng.nextUint32() / 4294967296;
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const sizes = (): number[] => [...SIZES, ...times(30, () => 1 + rng.nextInt(500))];
  return { uniform, normal, sizes };
}

function metricCases(rng: Rng): MetricCase[] {
  const { uniform, normal, sizes } = generators(rng);
  const cases: MetricCase[] = [];
  const add = (
    head: Omit<MetricCase, 'yTrue' | 'threshold' | 'id'> & { threshold?: number },
    variant: string,
    data: Data,
  ): void => {
    cases.push({ id: `${head.task}/${variant}/${cases.length}`, threshold: 0.5, ...head, ...data });
  };
  for (const n of sizes()) {
    const bits = (): number[] => times(n, () => (uniform() < 0.4 ? 1 : 0));
    const noisy = (y: number[]): number[] => y.map((t) => Math.min(1, 0.35 * t + 0.65 * uniform()));
    const binary = { task: 'binary' as const, numClasses: 2 };
    let y = bits();
    add(binary, 'random', { yTrue: y, yScore: noisy(y) });
    add({ ...binary, threshold: 0.3 }, 'threshold-0.3', { yTrue: (y = bits()), yScore: noisy(y) });
    add(binary, 'tied-quarters', { yTrue: bits(), yScore: times(n, () => rng.nextInt(5) / 4) });
    add(binary, 'all-negative', { yTrue: times(n, () => 0), yScore: times(n, uniform) });
    add(binary, 'all-positive', { yTrue: times(n, () => 1), yScore: times(n, uniform) });
    add(binary, 'perfect', { yTrue: (y = bits()), yScore: [...y] });
    add(binary, 'constant-score', { yTrue: bits(), yScore: times(n, () => 0.5) });
    add(binary, 'labels-only', { yTrue: bits(), yPred: bits() });
    add(binary, 'scores-and-labels', { yTrue: (y = bits()), yScore: noisy(y), yPred: bits() });

    const k = 3 + rng.nextInt(4);
    const multiclass = { task: 'multiclass' as const, numClasses: k };
    const labels = (classes = k): number[] => times(n, () => rng.nextInt(classes));
    const probabilities = (truth: number[]): number[][] =>
      truth.map((t) => {
        const raw = times(k, (j) => -Math.log(1 - uniform()) + (j === t ? 0.8 : 0));
        const total = raw.reduce((a, b) => a + b, 0);
        return raw.map((v) => v / total);
      });
    // Few distinct rows: heavy ties in every one-vs-rest column and in argmax.
    const patterns = [times(k, () => 1 / k), times(k, (j) => (j === 0 ? 0.5 : 0.5 / (k - 1)))];
    const tied = (): number[][] =>
      times(n, () => {
        const base = patterns[rng.nextInt(2)]!;
        const shift = rng.nextInt(k);
        return times(k, (j) => base[(j + shift) % k]!);
      });
    add(multiclass, 'random', { yTrue: (y = labels()), yScore: probabilities(y) });
    add(multiclass, 'tied', { yTrue: labels(), yScore: tied() });
    add(multiclass, 'class-absent', { yTrue: (y = labels(k - 1)), yScore: probabilities(y) });
    add(multiclass, 'one-class', { yTrue: (y = times(n, () => 1)), yScore: probabilities(y) });
    add(multiclass, 'perfect', {
      yTrue: (y = labels()),
      yScore: y.map((t) => times(k, (j) => (j === t ? 1 : 0))),
    });
    add(multiclass, 'labels-only', { yTrue: labels(), yPred: labels(k - 1) });

    const width = 2 + rng.nextInt(4);
    const multilabel = { task: 'multilabel' as const, numLabels: width };
    const matrix = (p = 0.4): number[][] => times(n, () => times(width, () => (uniform() < p ? 1 : 0)));
    const noisyRows = (m: number[][]): number[][] =>
      m.map((row) => row.map((t) => Math.min(1, 0.4 * t + 0.6 * uniform())));
    let m = matrix();
    add(multilabel, 'random', { yTrue: m, yScore: noisyRows(m) });
    add(multilabel, 'tied-quarters', {
      yTrue: matrix(),
      yScore: times(n, () => times(width, () => rng.nextInt(5) / 4)),
    });
    m = matrix().map((row) => row.map((v, j) => (j === 0 ? 0 : j === 1 ? 1 : v)));
    add(multilabel, 'constant-columns', { yTrue: m, yScore: noisyRows(m) });
    add(multilabel, 'perfect', { yTrue: (m = matrix()), yScore: m.map((row) => [...row]) });
    add(multilabel, 'labels-only', { yTrue: matrix(), yPred: matrix(0.2) });

    const regression = { task: 'regression' as const };
    const values = times(n, () => 3 * normal() + 1);
    const zeros = times(n, () => (uniform() < 0.3 ? 0 : normal()));
    const large = times(n, () => 1e6 + 1e3 * normal());
    add(regression, 'random', { yTrue: values, yPred: values.map((v) => v + normal()) });
    add(regression, 'perfect', { yTrue: values, yPred: [...values] });
    add(regression, 'offset', { yTrue: values, yPred: values.map((v) => v + 0.5) });
    add(regression, 'constant-int', { yTrue: times(n, () => 3), yPred: times(n, () => 3 + normal()) });
    add(regression, 'constant-perfect', { yTrue: times(n, () => -2), yPred: times(n, () => -2) });
    add(regression, 'constant-float', { yTrue: times(n, () => 0.1), yPred: times(n, () => 0.1 + normal()) });
    add(regression, 'zeros-in-true', { yTrue: zeros, yPred: zeros.map((v) => v + 0.1 * normal()) });
    add(regression, 'large', { yTrue: large, yPred: large.map((v) => v + 10 * normal()) });
  }
  return cases;
}

function otherCases(rng: Rng): (McNemarCase | ExactSumCase)[] {
  const { uniform } = generators(rng);
  const pairs = [
    [0, 0],
    [0, 1],
    [3, 7],
    [12, 12],
    [10, 14],
    [24, 0],
    [13, 12],
    [30, 10],
    [100, 80],
    [500, 430],
    [50, 50],
  ];
  const mcnemar: McNemarCase[] = [...pairs, ...times(60, () => [rng.nextInt(60), rng.nextInt(60)])].map(
    ([b, c], i) => ({
      id: `mcnemar/${i}`,
      task: 'mcnemar',
      b: b!,
      c: c!,
      exactBelow: 25,
    }),
  );
  mcnemar.push({ id: 'mcnemar/exact-large', task: 'mcnemar', b: 300, c: 350, exactBelow: 10_000 });
  mcnemar.push({ id: 'mcnemar/exact-larger', task: 'mcnemar', b: 2000, c: 1900, exactBelow: 10_000 });
  const sums: number[][] = [
    [1e16, 1, -1e16, 1e-16, 3.5],
    times(10, () => 0.1),
    [5e-324, 1e-310, -2e-320, 2.2250738585072014e-308],
    [1e308, 1e308, -1e308, 1.5, -1e308],
    ...times(60, () =>
      times(
        1 + rng.nextInt(300),
        () => (uniform() < 0.5 ? -1 : 1) * uniform() * 2 ** (rng.nextInt(200) - 100),
      ),
    ),
  ];
  return [
    ...mcnemar,
    ...sums.map((values, i): ExactSumCase => ({ id: `exact-sum/${i}`, task: 'exact-sum', values })),
  ];
}

function options(c: MetricCase): object {
  return { threshold: c.threshold, numClasses: c.numClasses, numLabels: c.numLabels };
}

function rowsOf(c: MetricCase, indices: number[]): Batch {
  const pick = (values: Matrix | undefined): Matrix | undefined =>
    values && (indices.map((i) => values[i]!) as Matrix);
  return { yTrue: pick(c.yTrue)!, yScore: pick(c.yScore), yPred: pick(c.yPred) };
}

function onePass(c: MetricCase): MetricReport {
  const acc = createAccumulator(c.task, options(c));
  acc.add(
    rowsOf(
      c,
      times(c.yTrue.length, (i) => i),
    ),
  );
  return computeMetrics(acc.toState());
}

/** Rows dealt to 1..7 shards at random, each fed in two batches, JSON round-tripped, merged shuffled. */
function sharded(c: MetricCase, rng: Rng): MetricReport {
  const shardCount = 1 + rng.nextInt(7);
  const shards: number[][] = times(shardCount, () => []);
  for (let i = 0; i < c.yTrue.length; i++) shards[rng.nextInt(shardCount)]!.push(i);
  const states = shards.map((rows) => {
    const acc = createAccumulator(c.task, options(c));
    const cut = rng.nextInt(rows.length + 1);
    for (const part of [rows.slice(0, cut), rows.slice(cut)]) if (part.length > 0) acc.add(rowsOf(c, part));
    return JSON.parse(JSON.stringify(acc.toState())) as EvaluationState;
  });
  for (let i = states.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [states[i], states[j]] = [states[j]!, states[i]!];
  }
  return computeMetrics(mergeStates(states));
}

const close = (ours: number, theirs: number): boolean =>
  Math.abs(ours - theirs) <= TOLERANCE || Math.abs(ours - theirs) <= TOLERANCE * Math.abs(theirs);

describe('evaluate metrics against scikit-learn', () => {
  it.skipIf(!existsSync(PYTHON))('matches scikit-learn and scipy on every seeded case', () => {
    const rng = createRng(20240611);
    const metric = metricCases(rng);
    const cases: PeerCase[] = [...metric, ...otherCases(rng)];
    const dir = mkdtempSync(join(tmpdir(), 'modelops-sklearn-'));
    let output: { versions: Record<string, string>; results: Record<string, Record<string, PeerValue>> };
    try {
      writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases));
      execFileSync(PYTHON, [SCRIPT, join(dir, 'cases.json'), join(dir, 'results.json')], {
        stdio: 'inherit',
      });
      output = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as typeof output;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const failures: string[] = [];
    const count = { compared: 0, undefinedBoth: 0, deliberate: 0, shards: 0 };

    for (const c of metric) {
      const ours = onePass(c);
      const merged = sharded(c, rng);
      count.shards++;
      for (const [key, value] of Object.entries(ours.metrics)) {
        if (!Object.is(merged.metrics[key], value))
          failures.push(`${c.id} ${key}: sharded ${merged.metrics[key]} !== ${value}`);
      }
      const reference = output.results[c.id]!;
      for (const key of Object.keys(ours.metrics))
        if (!(key in reference)) failures.push(`${c.id} ${key}: unchecked`);
      for (const [key, theirs] of Object.entries(reference)) {
        const mine = ours.metrics[key];
        if (key === 'constantTrueFloatArtifact') continue;
        count.compared++;
        if (key === 'confusion') {
          if (JSON.stringify(ours.confusionMatrix) !== JSON.stringify(theirs))
            failures.push(`${c.id} confusion differs`);
        } else if (mine === undefined) {
          failures.push(`${c.id} ${key}: we do not compute it`);
        } else if (typeof theirs === 'object' || theirs === 'nan') {
          // scikit-learn raises or returns NaN: ours must be NaN, the documented "undefined".
          if (Number.isNaN(mine)) count.undefinedBoth++;
          else failures.push(`${c.id} ${key}: ours ${mine}, scikit-learn ${JSON.stringify(theirs)}`);
        } else if (
          reference.constantTrueFloatArtifact === true &&
          (key === 'r2' || key === 'explained_variance')
        ) {
          // Deliberate: exactly constant y_true has zero variance for us, not ~1e-33 (regression-metrics.ts).
          count.deliberate++;
          if (mine !== 0 && mine !== 1)
            failures.push(`${c.id} ${key}: expected force_finite 0 or 1, got ${mine}`);
        } else if (typeof theirs !== 'number' || !close(mine, theirs)) {
          failures.push(`${c.id} ${key}: ours ${mine}, scikit-learn ${String(theirs)}`);
        }
      }
    }

    for (const c of cases) {
      const theirs = output.results[c.id]!;
      if (c.task === 'mcnemar') {
        const ours = mcnemarFromCounts(c.b, c.c, { exactBelow: c.exactBelow });
        count.compared++;
        if (!close(ours.pValue, theirs.pValue as number))
          failures.push(`${c.id} p: ${ours.pValue} vs scipy ${String(theirs.pValue)}`);
        if (theirs.statistic !== undefined && !close(ours.statistic, theirs.statistic as number))
          failures.push(`${c.id} statistic`);
      } else if (c.task === 'exact-sum') {
        const sum = new ExactSum();
        for (const v of c.values) sum.add(v);
        count.compared++;
        // Python's exact Fraction sum rounded once, like ours: bit-identical, not merely close.
        if (!Object.is(sum.toNumber(), theirs.sum))
          failures.push(`${c.id}: ${sum.toNumber()} vs ${String(theirs.sum)}`);
      }
    }

    console.log(
      `scikit-learn ${output.versions.sklearn}, scipy ${output.versions.scipy}: ${cases.length} cases, ` +
        `${count.compared} comparisons (${count.undefinedBoth} undefined on both sides, ` +
        `${count.deliberate} deliberate r2/explained_variance deviations), ${count.shards} shard-merge checks, ` +
        `${failures.length} failures`,
    );
    expect(failures.slice(0, 30)).toEqual([]);
  });
});
