import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-runner.js';

// Peer check of docs/recipes/distillation.md, run as written: its Python training script and its
// search space are taken from the page's code blocks. A teacher XGBoost model (Debian's
// python3-xgboost) becomes ONNX through our converter, `evaluate --write-predictions` writes its
// soft labels, `tune` runs the recipe's student script as trials, and the best student is trained
// again from params.best.json, converted, and evaluated against the teacher.
const PYTHON = '/usr/bin/python3';
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const page = readFileSync(join(root, 'docs/recipes/distillation.md'), 'utf8');
const block = (lang: string, marker: string) =>
  [...page.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))]
    .map((m) => m[1]!)
    .find((b) => b.includes(marker))!;

const MAKE_DATA = `
import numpy as np, pandas as pd, xgboost as xgb
from sklearn.datasets import make_classification
X, y = make_classification(n_samples=1500, n_features=8, n_informative=5, random_state=0, flip_y=0.05)
cols = [f"f{i}" for i in range(8)]
df = pd.DataFrame(X, columns=cols); df["churned"] = y
df[:1000].to_csv("data/churn-train.csv", index=False); df[1000:].to_csv("data/churn-valid.csv", index=False)
teacher = xgb.train({"objective": "binary:logistic", "max_depth": 6, "eta": 0.1},
                    xgb.DMatrix(df[:1000][cols], label=y[:1000]), 150)
teacher.save_model("training/teacher.json")
`;

function python(args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((done, fail) =>
    execFile(
      PYTHON,
      args,
      { cwd, env: { ...process.env, ...env }, maxBuffer: 1 << 26 },
      (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
    ),
  );
}

describe('docs/recipes/distillation.md, as written', () => {
  it('teacher soft labels → tune the student → best student converted and evaluated against the teacher', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'modelops-distill-'));
    for (const sub of ['data', 'training', 'models']) mkdirSync(join(dir, sub));
    writeFileSync(join(dir, 'training/distill.py'), block('python', 'MODELOPS_PARAMS'));
    writeFileSync(join(dir, 'training/distill-space.yaml'), block('yaml', 'temperature:'));
    writeFileSync(join(dir, 'make.py'), MAKE_DATA);
    await python(['make.py'], dir);

    const ok = async (args: string[]) => {
      const run = await runCli(args, { cwd: dir });
      expect(run.exitCode, `${args[0]}: ${run.stderr}`).toBe(0);
      return run;
    };
    await ok([
      'convert',
      '--from',
      'xgboost',
      '--input',
      'training/teacher.json',
      '--output',
      'models/churn-teacher/model.onnx',
    ]);
    await ok([
      'evaluate',
      '--model',
      'models/churn-teacher/model.onnx',
      '--data',
      'data/churn-train.csv',
      '--label-column',
      'churned',
      '--write-predictions',
      'training/teacher-train.jsonl',
    ]);
    const soft = readFileSync(join(dir, 'training/teacher-train.jsonl'), 'utf8').trim().split('\n');
    expect(soft).toHaveLength(1000);
    expect(JSON.parse(soft[0]!)).toMatchObject({
      row: 0,
      label: expect.any(Number),
      probabilities: expect.any(Number),
    });

    const tune = await ok([
      'tune',
      '--space',
      'training/distill-space.yaml',
      '--train-command',
      `${PYTHON} training/distill.py`,
      '--metric',
      'val_auc',
      '--direction',
      'maximize',
      '--sampler',
      'random',
      '--trials',
      '2',
      '--parallel',
      '2',
      '--timeout',
      '600',
      '--study',
      'training/distill-study.jsonl',
      '--best-params-file',
      'training/distill.best.json',
      '--json',
    ]);
    const result = tune.json as {
      best: { value: number; params: Record<string, number> };
      trials: Array<{ state: string }>;
    };
    expect(result.trials.map((t) => t.state)).toEqual(['complete', 'complete']);
    expect(result.best.value).toBeGreaterThan(0.85);
    const best = readFileSync(join(dir, 'training/distill.best.json'), 'utf8');
    expect(Object.keys(JSON.parse(best)).sort()).toEqual([
      'alpha',
      'eta',
      'lambda',
      'max_depth',
      'rounds',
      'subsample',
      'temperature',
    ]);

    // Step 4 of the recipe: retrain with the best params, convert, evaluate against the teacher.
    const out = await python(['training/distill.py'], dir, { MODELOPS_PARAMS: best });
    expect(JSON.parse(out.trim().split('\n').at(-1)!).val_auc).toBeCloseTo(result.best.value, 6);
    await ok([
      'convert',
      '--from',
      'xgboost',
      '--input',
      'training/student.json',
      '--output',
      'models/churn-student/model.onnx',
    ]);
    const evaluation = await ok([
      'evaluate',
      '--model',
      'models/churn-student/model.onnx',
      '--data',
      'data/churn-valid.csv',
      '--label-column',
      'churned',
      '--baseline',
      'models/churn-teacher/model.onnx',
      '--json',
    ]);
    const metrics = (evaluation.json as { metrics?: Record<string, number> }).metrics ?? {};
    expect(metrics.roc_auc).toBeCloseTo(result.best.value, 4);
  });
});
