import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argvInputSource } from '../../../src/cli/argv-inputs.js';
import { createEvaluateVerb } from '../../../src/verbs/evaluate/definition.js';
import { EVALUATE_INPUTS } from '../../../src/verbs/evaluate/inputs.js';
import { parseInputs } from '../../../src/verbs/parse-inputs.js';
import { linearModelBytes } from '../../support/models.js';
import { localDeps, randoms, tempDir } from './helpers.js';

const parse = (argv: string[]) =>
  parseInputs('evaluate', EVALUATE_INPUTS, argvInputSource('evaluate', EVALUATE_INPUTS, argv).source);

/** A CSV whose 'eu' rows follow the model and whose 'us' rows are mostly flipped. */
function csv(rows: number): { all: string; eu: string } {
  const next = randoms(11);
  const header = 'a,b,c,d,region,label';
  const all = [header];
  const eu = ['a,b,c,d,label'];
  for (let r = 0; r < rows; r++) {
    const x = [0, 1, 2, 3].map(() => (next() * 2 - 1).toFixed(4));
    const logit = x.reduce((sum, v, i) => sum + Number(v) * (i + 1) * 0.1, 0);
    const region = r % 3 === 0 ? 'us' : 'eu';
    const label = (logit > 0 ? 1 : 0) ^ (region === 'us' ? Number(next() < 0.6) : Number(next() < 0.05));
    const line = `${x.join(',')},${region},${label}`;
    all.push(line);
    if (region === 'eu') eu.push(`${x.join(',')},${label}`);
  }
  return { all: all.join('\n') + '\n', eu: eu.join('\n') + '\n' };
}

const CONFIG = `version: 1
datasets:
  eval:
    path: eval.csv
    label-column: label
    features: [a, b, c, d]
    task: binary
    slices:
      eu: { region: eu }
      us: { region: us }
metrics:
  positive_rate:
    module: metrics/positive-rate.mjs
    direction: higher
gates:
  - name: every-slice-accuracy
    metric: accuracy
    slice: '*'
    min: 0.8
  - metric: positive_rate
    max: 1
`;

describe('evaluate: slices and custom metrics', () => {
  it('computes each slice with its own accumulator, gates every slice, runs the custom metric module', async () => {
    const data = csv(300);
    const dir = await tempDir({
      'model.onnx': linearModelBytes(),
      'eval.csv': data.all,
      'eu.csv': data.eu,
      'modelops.yaml': CONFIG,
    });
    await mkdir(join(dir, 'metrics'));
    await writeFile(
      join(dir, 'metrics/positive-rate.mjs'),
      'export default function compute({ yPred }) { return yPred.filter((p) => p === 1).length / yPred.length; }\n',
    );
    const verb = createEvaluateVerb();
    const outcome = await verb.run(parse(['--model', 'model.onnx', '--dataset', 'eval']), localDeps(dir));
    const result = outcome.result as {
      metrics: Record<string, number>;
      confusion_matrix: number[][];
      slices: Record<string, { rows: number; metrics: Record<string, number> }>;
      gates: { gate: string; slice?: string; status: string; current: number }[];
      verdict: string;
    };
    // The eu slice equals an unsliced run on the eu rows alone.
    const euOnly = await verb.run(parse(['--model', 'model.onnx', '--data', 'eu.csv']), localDeps(dir));
    const euMetrics = (euOnly.result as { metrics: Record<string, number> }).metrics;
    expect(result.slices.eu!.rows).toBe(200);
    expect(result.slices.us!.rows).toBe(100);
    for (const key of ['accuracy', 'f1', 'roc_auc', 'log_loss', 'brier']) {
      expect(result.slices.eu!.metrics[key], key).toBe(euMetrics[key]);
    }
    // us rows are mostly flipped: that slice fails the "no slice below 0.8" gate, eu passes.
    const sliceGates = result.gates.filter((g) => g.gate === 'every-slice-accuracy');
    expect(sliceGates.map((g) => [g.slice, g.status])).toEqual([
      ['eu', 'pass'],
      ['us', 'fail'],
    ]);
    expect(sliceGates[1]!.current).toBe(result.slices.us!.metrics.accuracy);
    expect(result.verdict).toBe('fail');
    expect(outcome.exitCode).toBe(1);
    // The custom metric: predicted positives over rows, from the confusion matrix.
    const [[, fp], [, tp]] = result.confusion_matrix as [[number, number], [number, number]];
    expect(result.metrics.positive_rate).toBe((fp + tp) / 300);
    expect(result.gates.find((g) => g.gate === 'positive_rate')?.status).toBe('pass');
    expect(outcome.summary).toContain('<details><summary>Slices (2)');
    expect(outcome.summary).toContain('| eu | 200 |');
  });

  it('with a baseline: custom metric in both columns with its configured direction, slice baselines, the chart', async () => {
    const dir = await tempDir({
      'model.onnx': linearModelBytes(),
      'worse.onnx': linearModelBytes({ weights: [-0.1, -0.2, -0.3, -0.4] }),
      'eval.csv': csv(120).all,
      'modelops.yaml': `version: 1
datasets:
  eval:
    path: eval.csv
    label-column: label
    features: [a, b, c, d]
    task: binary
    slices:
      eu: { region: eu }
metrics:
  wrong_rows:
    module: metrics/wrong-rows.mjs
    direction: lower
gates:
  - metric: wrong_rows
    max-degradation: 0
  - metric: accuracy
    slice: eu
    max-degradation: 0
`,
    });
    await mkdir(join(dir, 'metrics'));
    await writeFile(
      join(dir, 'metrics/wrong-rows.mjs'),
      'export const compute = ({ yTrue, yPred }) => yTrue.filter((t, i) => t !== yPred[i]).length;\n',
    );
    const outcome = await createEvaluateVerb().run(
      parse(['--model', 'model.onnx', '--dataset', 'eval', '--baseline', 'worse.onnx']),
      localDeps(dir),
    );
    const result = outcome.result as {
      metrics: Record<string, number>;
      confusion_matrix: number[][];
      baseline: { metrics: Record<string, number> };
      slices: Record<
        string,
        { metrics: Record<string, number>; baseline: { metrics: Record<string, number> } }
      >;
      gates: { gate: string; slice?: string; status: string; baseline: number }[];
      verdict: string;
    };
    const [[, fp], [fn]] = result.confusion_matrix as [[number, number], [number, number]];
    expect(result.metrics.wrong_rows).toBe(fp + fn);
    // The negated model is wrong exactly where the candidate is right (no score is exactly 0.5).
    expect(result.baseline.metrics.wrong_rows).toBe(120 - (fp + fn));
    expect(result.verdict).toBe('pass');
    const sliceGate = result.gates.find((g) => g.slice === 'eu')!;
    expect(sliceGate.baseline).toBe(result.slices.eu!.baseline.metrics.accuracy);
    expect(result.slices.eu!.baseline.metrics.accuracy).toBeLessThan(result.slices.eu!.metrics.accuracy!);
    // Fewer wrong rows is better for a 'lower' metric: green, though the name says nothing.
    expect(outcome.summary).toMatch(/\| `wrong_rows` \| [0-9]+ \| [0-9]+ \| -[0-9]+ 🟢 \|/);
    expect(outcome.summary).toContain('xychart-beta');
  });

  it('refuses a custom metric module that resolves outside the repository (through a symlink)', async () => {
    const outside = await tempDir({ 'outside.mjs': 'export default () => 1;\n' });
    const dir = await tempDir({
      'model.onnx': linearModelBytes(),
      'eval.csv': csv(30).all,
      'modelops.yaml': CONFIG,
    });
    await mkdir(join(dir, 'metrics'));
    await symlink(join(outside, 'outside.mjs'), join(dir, 'metrics/positive-rate.mjs'));
    const run = createEvaluateVerb().run(
      parse(['--model', 'model.onnx', '--dataset', 'eval']),
      localDeps(dir),
    );
    await expect(run).rejects.toThrow(/outside the repository/);
  });
});
