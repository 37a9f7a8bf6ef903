import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { createSession } from '../../../src/platform/runtime/index.js';
import { createEvaluateVerb } from '../../../src/verbs/evaluate/definition.js';
import { EVALUATE_INPUTS } from '../../../src/verbs/evaluate/inputs.js';
import { parseInputs } from '../../../src/verbs/parse-inputs.js';
import { argvInputSource } from '../../../src/cli/argv-inputs.js';
import type { DatasetSource } from '../../../src/core/data/types.js';
import { linearModelBytes } from '../../support/models.js';
import {
  localDeps,
  memorySource,
  randoms,
  regressionModelBytes,
  softmaxModelBytes,
  tempDir,
} from './helpers.js';

const verbOver = (source: DatasetSource) =>
  createEvaluateVerb({ openDataset: async () => () => source, createSession: async () => createSession });

const parse = (argv: string[]) =>
  parseInputs('evaluate', EVALUATE_INPUTS, argvInputSource('evaluate', EVALUATE_INPUTS, argv).source);

/** Rows whose label follows the linear model's own decision, with some flipped. */
function binaryTable(rows: number, seed = 1) {
  const next = randoms(seed);
  const table: Record<string, number[]> = { a: [], b: [], c: [], d: [], label: [] };
  for (let r = 0; r < rows; r++) {
    const x = [next() * 2 - 1, next() * 2 - 1, next() * 2 - 1, next() * 2 - 1];
    x.forEach((v, i) => table['abcd'[i]!]!.push(v));
    const logit = 0.1 * x[0]! + 0.2 * x[1]! + 0.3 * x[2]! + 0.4 * x[3]!;
    table.label!.push((logit > 0 ? 1 : 0) ^ (next() < 0.1 ? 1 : 0));
  }
  return table;
}

describe('evaluate on real ONNX models (in-memory data)', () => {
  it('binary: infers the task from a one-column probability, computes metrics, latency, size', async () => {
    const bytes = linearModelBytes();
    const dir = await tempDir({ 'model.onnx': bytes, 'eval.csv': '' });
    const table = binaryTable(500);
    const outcome = await verbOver(memorySource(table)).run(
      parse(['--model', 'model.onnx', '--data', 'eval.csv', '--batch-size', '64']),
      localDeps(dir),
    );
    expect(outcome.exitCode).toBe(0);
    const result = outcome.result as {
      task: string;
      rows: number;
      metrics: Record<string, number>;
      verdict: string;
    };
    expect(result.task).toBe('binary');
    expect(result.rows).toBe(500);
    expect(result.verdict).toBe('pass');
    expect(result.metrics.accuracy).toBeGreaterThan(0.8);
    expect(Object.keys(result.metrics)).toEqual(
      expect.arrayContaining([
        'accuracy',
        'f1',
        'roc_auc',
        'log_loss',
        'brier',
        'latency_p50',
        'latency_p95',
        'latency_p99',
        'throughput',
        'size',
      ]),
    );
    expect(result.metrics.size).toBe(bytes.length);
    expect(JSON.parse(outcome.outputs.metrics!)).toEqual(result.metrics);
    expect(outcome.summary).toContain('### modelops evaluate: model');
  });

  it('multiclass from a [batch, 3] softmax output; regression from a float value output', async () => {
    const next = randoms(7);
    const table: Record<string, number[]> = { x1: [], x2: [], label: [] };
    for (let r = 0; r < 300; r++) {
      const x1 = next();
      const x2 = next();
      table.x1!.push(x1);
      table.x2!.push(x2);
      table.label!.push(x1 > 0.66 ? 2 : x1 > 0.33 ? 1 : 0);
    }
    const dir = await tempDir({
      'mc.onnx': softmaxModelBytes(
        [
          [-8, 0, 8],
          [0, 0, 0],
        ],
        [4, 0, -4],
      ),
      'reg.onnx': regressionModelBytes([2, -1], 0.5),
      'd.csv': '',
    });
    const multi = await verbOver(memorySource(table)).run(
      parse(['--model', 'mc.onnx', '--data', 'd.csv']),
      localDeps(dir),
    );
    expect((multi.result as { task: string }).task).toBe('multiclass');
    expect((multi.result as { metrics: Record<string, number> }).metrics.f1_macro).toBeGreaterThan(0.5);

    const targets = table.x1!.map((x1, i) => 2 * x1 - table.x2![i]! + 0.5 + (next() - 0.5) * 0.1);
    const regression = await verbOver(memorySource({ x1: table.x1!, x2: table.x2!, y: targets })).run(
      parse(['--model', 'reg.onnx', '--data', 'd.csv', '--label-column', 'y']),
      localDeps(dir),
    );
    const metrics = (regression.result as { metrics: Record<string, number>; task: string }).metrics;
    expect((regression.result as { task: string }).task).toBe('regression');
    expect(metrics.mae).toBeLessThan(0.05);
    expect(metrics.r2).toBeGreaterThan(0.95);
  });

  it('a baseline file is re-run on the same rows; a failed gate exits 1', async () => {
    const dir = await tempDir({
      'model.onnx': linearModelBytes(),
      'worse.onnx': linearModelBytes({ weights: [-0.1, -0.2, -0.3, -0.4] }),
      'eval.csv': '',
      'modelops.yaml': 'version: 1\ngates:\n  - metric: accuracy\n    max-degradation: 0.01\n',
    });
    const table = binaryTable(400);
    const better = await verbOver(memorySource(table)).run(
      parse(['--model', 'model.onnx', '--data', 'eval.csv', '--baseline', 'worse.onnx']),
      localDeps(dir),
    );
    expect(better.exitCode).toBe(0);
    expect((better.result as { verdict: string }).verdict).toBe('pass');
    expect(
      (better.result as { baseline: { metrics: Record<string, number> } }).baseline.metrics.accuracy,
    ).toBeLessThan(0.3);

    const worse = await verbOver(memorySource(table)).run(
      parse(['--model', 'worse.onnx', '--data', 'eval.csv', '--baseline', 'model.onnx']),
      localDeps(dir),
    );
    expect(worse.exitCode).toBe(1);
    const result = worse.result as { verdict: string; gates: { status: string; check: string }[] };
    expect(result.verdict).toBe('fail');
    expect(result.gates).toMatchObject([{ check: 'max-degradation', status: 'fail' }]);
    expect(worse.summary).toContain('❌');
  });

  it('a relative gate with no baseline is its own verdict, never a silent pass', async () => {
    const dir = await tempDir({
      'model.onnx': linearModelBytes(),
      'eval.csv': '',
      'modelops.yaml':
        "version: 1\ngates:\n  - metric: roc_auc\n    max-degradation: '1%'\n    on-missing-baseline: pass\n",
    });
    const outcome = await verbOver(memorySource(binaryTable(100))).run(
      parse(['--model', 'model.onnx', '--data', 'eval.csv']),
      localDeps(dir),
    );
    expect((outcome.result as { verdict: string }).verdict).toBe('no-baseline');
    expect(outcome.exitCode).toBe(0);
  });

  it('significance: a tiny degradation within noise warns instead of failing; a real one fails', async () => {
    const gate = (method: string) =>
      `version: 1\ngates:\n  - metric: accuracy\n    max-degradation: 0\n    significance: { method: ${method}, confidence: 0.95 }\n`;
    const dir = await tempDir({
      'model.onnx': linearModelBytes(),
      'near.onnx': linearModelBytes({ weights: [0.4, -0.3, 0.2, 0.1] }),
      'worse.onnx': linearModelBytes({ weights: [0.4, 0.3, -0.2, -0.1] }),
      'eval.csv': '',
    });
    const table = binaryTable(600, 5);
    for (const method of ['bootstrap', 'mcnemar']) {
      await writeFile(join(dir, 'modelops.yaml'), gate(method));
      const run = (model: string) =>
        verbOver(memorySource(table)).run(
          parse(['--model', model, '--data', 'eval.csv', '--baseline', 'model.onnx']),
          localDeps(dir),
        );
      const worse = await run('worse.onnx');
      const worseResult = worse.result as {
        verdict: string;
        gates: { significance: { worse: boolean } }[];
      };
      expect(worseResult.verdict, method).toBe('fail');
      expect(worseResult.gates[0]!.significance.worse).toBe(true);
      expect(worse.exitCode).toBe(1);
      // On coin-flip labels two different models differ only by chance: whichever is behind warns.
      const noise = { ...table, label: table.label!.map((_, i) => (randoms(i + 1)() < 0.5 ? 1 : 0)) };
      const verdicts = [];
      for (const [model, baseline] of [
        ['near.onnx', 'model.onnx'],
        ['model.onnx', 'near.onnx'],
      ]) {
        const outcome = await verbOver(memorySource(noise)).run(
          parse(['--model', model!, '--data', 'eval.csv', '--baseline', baseline!]),
          localDeps(dir),
        );
        verdicts.push((outcome.result as { verdict: string }).verdict);
        expect(outcome.exitCode).toBe(0);
      }
      expect(verdicts.sort(), method).toEqual(['pass', 'warn']);
    }
  });

  it('sharded runs merge into exactly the unsharded metrics', async () => {
    const dir = await tempDir({ 'model.onnx': linearModelBytes(), 'eval.csv': '' });
    const table = binaryTable(1000, 3);
    const verb = verbOver(memorySource(table));
    const whole = await verb.run(
      parse(['--model', 'model.onnx', '--data', 'eval.csv', '--batch-size', '100']),
      localDeps(dir),
    );
    for (const i of [1, 2, 3]) {
      await verb.run(
        parse(['--model', 'model.onnx', '--data', 'eval.csv', '--batch-size', '37', '--shard', `${i}/3`]),
        localDeps(dir),
      );
    }
    const files = [1, 2, 3].map((i) => `.modelops/evaluate-model-shard-${i}-of-3.json`);
    const merged = await verb.run(parse(['--merge', files.join(',')]), localDeps(dir));
    const quality = (r: unknown) => {
      const m = { ...(r as { metrics: Record<string, number> }).metrics };
      for (const k of ['latency_p50', 'latency_p95', 'latency_p99', 'throughput']) delete m[k];
      return m;
    };
    expect(Object.keys(quality(merged.result)).length).toBeGreaterThan(10);
    for (const [key, value] of Object.entries(quality(whole.result))) {
      expect(
        quality(merged.result)[key] === value ||
          (Number.isNaN(value) && Number.isNaN(quality(merged.result)[key])),
        key,
      ).toBe(true);
    }
    expect((merged.result as { rows: number }).rows).toBe(1000);
  });

  it.each([
    [
      'a non-numeric cell',
      { a: ['0.1', 'x7', '0.3'], b: [0, 0, 0], c: [0, 0, 0], d: [0, 0, 0], label: [0, 1, 0] },
      /row 2, column 'a': "x7" is not a number/,
    ],
    ['a missing label column', { a: [0], b: [0], c: [0], d: [0], target2: [1] }, /no label column given/],
    [
      'a label that is no class',
      { a: [0, 0], b: [0, 0], c: [0, 0], d: [0, 0], label: [0, 3] },
      /row 2, label column 'label': 3 is not a class index/,
    ],
    [
      'the wrong feature count',
      { a: [0], b: [0], c: [0], label: [1] },
      /3 value\(s\) per row for model input 'features' .* takes 4/,
    ],
  ])('%s is a one-line UsageError naming row and column', async (_what, table, message) => {
    const dir = await tempDir({ 'model.onnx': linearModelBytes(), 'eval.csv': '' });
    const run = verbOver(memorySource(table as Record<string, number[]>)).run(
      parse(['--model', 'model.onnx', '--data', 'eval.csv', '--task', 'binary']),
      localDeps(dir),
    );
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(message);
  });

  it('an explicit label column that is absent names the columns', async () => {
    const dir = await tempDir({ 'model.onnx': linearModelBytes(), 'eval.csv': '' });
    await writeFile(join(dir, 'x'), '');
    const run = verbOver(memorySource(binaryTable(5))).run(
      parse(['--model', 'model.onnx', '--data', 'eval.csv', '--label-column', 'churned']),
      localDeps(dir),
    );
    await expect(run).rejects.toThrow(
      /has no column 'churned' \(the label column\); its columns are a, b, c, d, label/,
    );
  });
});
