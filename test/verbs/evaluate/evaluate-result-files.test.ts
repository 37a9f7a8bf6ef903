import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { argvInputSource } from '../../../src/cli/argv-inputs.js';
import { createEvaluateVerb } from '../../../src/verbs/evaluate/definition.js';
import { EVALUATE_INPUTS } from '../../../src/verbs/evaluate/inputs.js';
import { parseInputs } from '../../../src/verbs/parse-inputs.js';
import { linearModelBytes } from '../../support/models.js';
import { localDeps, tempDir } from './helpers.js';
import { regressionModelBytes, softmaxModelBytes } from './helpers.js';

const parseArgs = (argv: string[]) =>
  parseInputs('evaluate', EVALUATE_INPUTS, argvInputSource('evaluate', EVALUATE_INPUTS, argv).source);

const CSV = 'a,b,c,d,label\n1,1,1,1,1\n-1,-1,-1,-1,0\n0.5,-2,0.1,0.2,1\n-0.3,0.2,0.1,-0.4,1\n';

describe('evaluate: predictions, DVC metrics file, model card', () => {
  it('binary: writes one CSV row per data row with p_1, a flat metrics.json, and the card model-index', async () => {
    const dir = await tempDir({ 'model.onnx': linearModelBytes(), 'eval.csv': CSV });
    await mkdir(join(dir, 'models/churn'), { recursive: true });
    await writeFile(
      join(dir, 'models/churn/card.md'),
      '---\nlicense: mit # keep me\ntags: [tabular]\n---\n# Churn\n\nBody text.\n',
    );
    const outcome = await createEvaluateVerb().run(
      parseArgs([
        '--model',
        'model.onnx',
        '--name',
        'churn',
        '--data',
        'eval.csv',
        '--batch-size',
        '3',
        '--write-predictions',
        'out/predictions.csv',
        '--metrics-file',
        'out/metrics.json',
        '--update-card',
      ]),
      localDeps(dir),
    );
    const result = outcome.result as { metrics: Record<string, number>; files: Record<string, string> };
    expect(result.files).toEqual({
      predictions: 'out/predictions.csv',
      metrics: 'out/metrics.json',
      card: 'models/churn/card.md',
    });

    // p_1 = sigmoid(0.1a + 0.2b + 0.3c + 0.4d), in float32 as onnxruntime computes it.
    const sigmoid = (x: number[]) =>
      Math.fround(1 / (1 + Math.exp(-(0.1 * x[0]! + 0.2 * x[1]! + 0.3 * x[2]! + 0.4 * x[3]!))));
    const lines = (await readFile(join(dir, 'out/predictions.csv'), 'utf8')).trim().split('\n');
    expect(lines[0]).toBe('row,label,prediction,p_1');
    const rows = CSV.trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',').map(Number));
    expect(lines).toHaveLength(5);
    rows.forEach((r, i) => {
      const [row, label, prediction, p] = lines[i + 1]!.split(',').map(Number);
      expect(row).toBe(i);
      expect(label).toBe(r[4]);
      expect(p).toBeCloseTo(sigmoid(r.slice(0, 4)), 6);
      expect(prediction).toBe(p! > 0.5 ? 1 : 0);
    });

    const metricsFile = JSON.parse(await readFile(join(dir, 'out/metrics.json'), 'utf8')) as Record<
      string,
      number
    >;
    expect(metricsFile).toEqual(result.metrics);
    expect(metricsFile.accuracy).toBe(0.5); // rows 3 and 4 have negative logits but label 1

    const card = await readFile(join(dir, 'models/churn/card.md'), 'utf8');
    expect(card).toContain('license: mit # keep me');
    expect(card.endsWith('---\n# Churn\n\nBody text.\n')).toBe(true);
    const front = parse(card.split('---\n')[1]!) as {
      'model-index': {
        name: string;
        results: { metrics: { type: string; value: number; name: string }[] }[];
      }[];
    };
    expect(front['model-index'][0]!.name).toBe('churn');
    const metrics = front['model-index'][0]!.results[0]!.metrics;
    expect(metrics.find((m) => m.type === 'accuracy')).toEqual({
      type: 'accuracy',
      value: 0.5,
      name: 'accuracy',
    });
    expect(metrics.find((m) => m.type === 'roc_auc')?.value).toBe(result.metrics.roc_auc);
  });

  it('multiclass: JSONL predictions carry argmax and the probability rows; a missing card is created', async () => {
    const weights = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
      [0, 0, 0],
    ];
    const dir = await tempDir({
      'model.onnx': softmaxModelBytes(weights, [0, 0, 0]),
      'eval.csv': 'a,b,c,d,label\n3,0,0,0,0\n0,3,0,0,1\n0,0,3,0,1\n',
    });
    await createEvaluateVerb().run(
      parseArgs([
        '--model',
        'model.onnx',
        '--name',
        'iris',
        '--data',
        'eval.csv',
        '--write-predictions',
        'p.jsonl',
        '--update-card',
      ]),
      localDeps(dir),
    );
    const rows = (await readFile(join(dir, 'p.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { row: number; label: number; prediction: number; probabilities: number[] },
      );
    expect(rows.map((r) => [r.row, r.label, r.prediction])).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [2, 1, 2],
    ]);
    const e3 = Math.exp(3);
    expect(rows[0]!.probabilities[0]).toBeCloseTo(e3 / (e3 + 2), 6);
    const card = await readFile(join(dir, 'models/iris/card.md'), 'utf8');
    const front = parse(card.split('---\n')[1]!) as {
      'model-index': { results: { metrics: { type: string; value: number }[] }[] }[];
    };
    expect(
      front['model-index'][0]!.results[0]!.metrics.find((m) => m.type === 'accuracy')?.value,
    ).toBeCloseTo(2 / 3, 12);
    expect(card).toContain('# iris');
  });

  it('refuses a predictions file that is neither .csv nor .jsonl before running the model', async () => {
    // A model that cannot load proves the refusal comes first.
    const dir = await tempDir({ 'model.onnx': 'not a model', 'eval.csv': CSV });
    await expect(
      createEvaluateVerb().run(
        parseArgs(['--model', 'model.onnx', '--data', 'eval.csv', '--write-predictions', 'p.txt']),
        localDeps(dir),
      ),
    ).rejects.toThrow('--write-predictions p.txt: the extension must be .csv or .jsonl');
  });

  it("regression, one shard: the shard's rows with their file row numbers; an old file is replaced whole", async () => {
    const lines = ['x0,x1,y'];
    for (let r = 0; r < 10; r++) lines.push(`${r},${r % 3},${2 * r - 1}`);
    const dir = await tempDir({
      'model.onnx': regressionModelBytes([1.5, -0.5], 0.25),
      'eval.csv': lines.join('\n') + '\n',
      'p.csv': 'an,old,file,with,more,columns\n'.repeat(100),
    });
    await createEvaluateVerb().run(
      parseArgs([
        '--model',
        'model.onnx',
        '--data',
        'eval.csv',
        '--label-column',
        'y',
        '--task',
        'regression',
        '--shard',
        '2/3',
        '--write-predictions',
        'p.csv',
      ]),
      localDeps(dir),
    );
    const written = (await readFile(join(dir, 'p.csv'), 'utf8')).trim().split('\n');
    expect(written[0]).toBe('row,label,prediction');
    // Shard 2/3 holds rows 1, 4, 7 (row % 3 = 1); prediction = float32(1.5 x0 − 0.5 x1 + 0.25).
    expect(written.slice(1).map((l) => l.split(',').map(Number))).toEqual(
      [1, 4, 7].map((r) => [r, 2 * r - 1, Math.fround(1.5 * r - 0.5 * (r % 3) + 0.25)]),
    );
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
