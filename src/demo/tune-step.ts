import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SampleData } from './sample-data.js';

/**
 * The training script the demo tunes: the demo's logistic regression (full-batch gradient descent)
 * as a standalone node program, reading its parameters from MODELOPS_PARAMS and printing the
 * validation log-loss as JSON — intermediate values every 20 epochs, then the final one. It is the
 * shape of any real training script a user points `modelops tune` at.
 */
const TRAIN_SCRIPT = `import { readFileSync } from 'node:fs';
const params = JSON.parse(process.env.MODELOPS_PARAMS);
const { train, valid } = JSON.parse(readFileSync(new URL('./data.json', import.meta.url), 'utf8'));
const features = train.rows[0].length;
const w = new Array(features).fill(0);
let b = 0;
const p = (row) => 1 / (1 + Math.exp(-row.reduce((s, x, j) => s + x * w[j], b)));
const logLoss = (data) =>
  -data.rows.reduce((s, row, i) => {
    const q = Math.min(1 - 1e-12, Math.max(1e-12, p(row)));
    return s + (data.labels[i] ? Math.log(q) : Math.log(1 - q));
  }, 0) / data.rows.length;
for (let epoch = 1; epoch <= params.epochs; epoch++) {
  const g = new Array(features).fill(0);
  let gb = 0;
  train.rows.forEach((row, i) => {
    const e = p(row) - train.labels[i];
    row.forEach((x, j) => (g[j] += e * x));
    gb += e;
  });
  for (let j = 0; j < features; j++) w[j] -= params.learning_rate * (g[j] / train.rows.length + params.l2 * w[j]);
  b -= (params.learning_rate * gb) / train.rows.length;
  if (epoch % 20 === 0) console.log(JSON.stringify({ step: epoch, val_loss: logLoss(valid) }));
}
const accuracy = valid.rows.filter((row, i) => (p(row) >= 0.5 ? 1 : 0) === valid.labels[i]).length / valid.rows.length;
console.log(JSON.stringify({ val_loss: logLoss(valid), accuracy }));
`;

const SPACE = `# The demo's search space (optuna's vocabulary)
learning_rate: { type: float, low: 0.01, high: 2.0, log: true }
epochs: { type: int, low: 20, high: 200, step: 20 }
l2: { type: float, low: 1.0e-5, high: 0.1, log: true }
`;

/** What the demo's main passes in: where to work, how to print, how to run the real CLI. */
export interface TuneStepContext {
  dir: string;
  train: SampleData;
  valid: SampleData;
  say: (text?: string) => void;
  runCli: (args: string[], cwd: string) => Promise<void>;
}

/** `modelops tune` on the demo's own training script: a few trials, two at a time. */
export async function tuneStep(context: TuneStepContext): Promise<void> {
  const { dir, say } = context;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'train.mjs'), TRAIN_SCRIPT);
  await writeFile(join(dir, 'space.yaml'), SPACE);
  await writeFile(
    join(dir, 'data.json'),
    JSON.stringify({
      train: { rows: context.train.rows, labels: context.train.labels },
      valid: { rows: context.valid.rows, labels: context.valid.labels },
    }),
  );
  say('  space.yaml: learning_rate (log), epochs (step 20), l2 (log); train.mjs prints {"val_loss": …}');
  const command = JSON.stringify([process.execPath, 'train.mjs']);
  await context.runCli(
    [
      'tune',
      '--space',
      'space.yaml',
      '--train-command',
      command,
      '--metric',
      'val_loss',
      '--direction',
      'minimize',
      '--sampler',
      'tpe',
      '--trials',
      '8',
      '--parallel',
      '2',
      '--seed',
      '1',
      '--study',
      'study.jsonl',
    ],
    dir,
  );
  const best = JSON.parse(await readFile(join(dir, 'params.best.json'), 'utf8')) as Record<string, number>;
  say(`  params.best.json: ${JSON.stringify(best)} — the next training run reads it`);
}
