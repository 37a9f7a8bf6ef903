// Custom metrics in the accumulator form (init/update/merge/finalize) survive --shard + --merge:
// the merged value equals the unsharded one exactly; the simple compute() form still works
// unsharded and is refused, with the fix, when a run is sharded.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { argvInputSource } from '../../../src/cli/argv-inputs.js';
import { ConfigError, UsageError } from '../../../src/core/errors.js';
import { createEvaluateVerb } from '../../../src/verbs/evaluate/definition.js';
import { EVALUATE_INPUTS } from '../../../src/verbs/evaluate/inputs.js';
import { parseInputs } from '../../../src/verbs/parse-inputs.js';
import { linearModelBytes } from '../../support/models.js';
import { localDeps, randoms, tempDir } from './helpers.js';

const parse = (argv: string[]) =>
  parseInputs('evaluate', EVALUATE_INPUTS, argvInputSource('evaluate', EVALUATE_INPUTS, argv).source);

function csv(rows: number): string {
  const next = randoms(5);
  const lines = ['a,b,c,d,label'];
  for (let r = 0; r < rows; r++) {
    const x = [0, 1, 2, 3].map(() => (next() * 2 - 1).toFixed(4));
    const logit = x.reduce((sum, v, i) => sum + Number(v) * (i + 1) * 0.1, 0);
    lines.push(`${x.join(',')},${(logit > 0 ? 1 : 0) ^ Number(next() < 0.2)}`);
  }
  return lines.join('\n') + '\n';
}

// Named exports; costs false negatives 5, false positives 1, per row.
const COST = `export function init() { return { fn: 0, fp: 0, n: 0 }; }
export function update(s, { yTrue, yPred }) {
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] === 1 && yPred[i] === 0) s.fn++;
    if (yTrue[i] === 0 && yPred[i] === 1) s.fp++;
    s.n++;
  }
  return s;
}
export function merge(a, b) { return { fn: a.fn + b.fn, fp: a.fp + b.fp, n: a.n + b.n }; }
export function finalize(s) { return (5 * s.fn + s.fp) / s.n; }
`;
// A default-export object; uses the file row index: accuracy on even rows only.
const EVEN = `export default {
  init: () => [0, 0],
  update(s, { row, yTrue, yPred }) {
    row.forEach((r, i) => { if (r % 2 === 0) { s[0] += yTrue[i] === yPred[i] ? 1 : 0; s[1]++; } });
    return s;
  },
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
  finalize: (s) => s[0] / s[1],
};
`;

const config = (metrics: Record<string, string>) => `version: 1
datasets:
  eval:
    path: eval.csv
    label-column: label
    task: binary
metrics:
${Object.entries(metrics)
  .map(([name, module]) => `  ${name}:\n    module: ${module}\n    direction: lower`)
  .join('\n')}
gates:
${Object.keys(metrics)
  .map((name) => `  - metric: ${name}\n    max: 100`)
  .join('\n')}
`;

async function repo(metrics: Record<string, [string, string]>): Promise<string> {
  const dir = await tempDir({
    'model.onnx': linearModelBytes(),
    'eval.csv': csv(500),
    'modelops.yaml': config(Object.fromEntries(Object.entries(metrics).map(([n, [file]]) => [n, file]))),
  });
  await mkdir(join(dir, 'metrics'));
  for (const [file, source] of Object.values(metrics)) await writeFile(join(dir, file), source);
  return dir;
}

type Result = { metrics: Record<string, number>; confusion_matrix: number[][]; rows: number };

describe('evaluate: custom metrics across shards', () => {
  it('init/update/merge/finalize: --shard i/3 then --merge equals the unsharded value exactly', async () => {
    const dir = await repo({
      cost: ['metrics/cost.mjs', COST],
      even_accuracy: ['metrics/even.mjs', EVEN],
    });
    const verb = createEvaluateVerb();
    const run = async (argv: string[]) => (await verb.run(parse(argv), localDeps(dir))).result as Result;
    const whole = await run(['--model', 'model.onnx', '--dataset', 'eval', '--write-predictions', 'p.csv']);
    // The unsharded values, recomputed here from the confusion matrix and the written predictions.
    const [[, fp], [fn]] = whole.confusion_matrix as [[number, number], [number, number]];
    expect(whole.metrics.cost).toBe((5 * fn + fp) / 500);
    const rows = (await readFile(join(dir, 'p.csv'), 'utf8'))
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    const even = rows.filter(([row]) => row! % 2 === 0);
    expect(whole.metrics.even_accuracy).toBe(even.filter(([, t, p]) => t === p).length / even.length);

    const files: string[] = [];
    for (const i of [1, 2, 3]) {
      const state = `.modelops/shard-${i}.json`;
      files.push(state);
      const part = await run([
        '--model',
        'model.onnx',
        '--dataset',
        'eval',
        '--shard',
        `${i}/3`,
        '--state-output',
        state,
        '--batch-size',
        '17',
      ]);
      expect(part.rows).toBe(i === 3 ? 166 : 167);
    }
    // Files in any order: states merge in shard order.
    const merged = await run(['--merge', [...files].reverse().join(',')]);
    expect(merged.rows).toBe(500);
    expect(merged.metrics.cost).toBe(whole.metrics.cost);
    expect(merged.metrics.even_accuracy).toBe(whole.metrics.even_accuracy);
    const shardFile = JSON.parse(await readFile(join(dir, files[0]!), 'utf8')) as {
      candidate: { custom: Record<string, unknown> };
    };
    expect(Object.keys(shardFile.candidate.custom).sort()).toEqual(['cost', 'even_accuracy']);
  });

  it('the simple compute() form works unsharded; a sharded run refuses it up front, naming the fix', async () => {
    const dir = await repo({
      positives: [
        'metrics/positives.mjs',
        'export default ({ yPred }) => yPred.filter((p) => p === 1).length;\n',
      ],
    });
    const verb = createEvaluateVerb();
    const whole = (await verb.run(parse(['--model', 'model.onnx', '--dataset', 'eval']), localDeps(dir)))
      .result as Result;
    const [[, fp], [, tp]] = whole.confusion_matrix as [[number, number], [number, number]];
    expect(whole.metrics.positives).toBe(fp + tp);
    const sharded = verb.run(
      parse(['--model', 'model.onnx', '--dataset', 'eval', '--shard', '1/2']),
      localDeps(dir),
    );
    await expect(sharded).rejects.toThrow(UsageError);
    await expect(sharded).rejects.toThrow(
      'custom metric positives (metrics/positives.mjs) exports only compute(), which needs every row at once, so sharded runs cannot be merged into its value — export init, update, merge and finalize instead',
    );
  });

  it('a module with part of the accumulator names what is missing', async () => {
    const dir = await repo({
      half: ['metrics/half.mjs', 'export const init = () => 0;\nexport const update = (s) => s;\n'],
    });
    const run = createEvaluateVerb().run(
      parse(['--model', 'model.onnx', '--dataset', 'eval']),
      localDeps(dir),
    );
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toThrow('metrics/half.mjs exports init, update but not merge, finalize');
  });
});
