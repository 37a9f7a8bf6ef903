import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SampleData } from './sample-data.js';
import { predictProbability, toXgboostJson, trainBoostedTrees } from './train-trees.js';

/** Runs one modelops command the way the demo shows it. */
export type DemoRun = (args: string[]) => Promise<void>;

/**
 * The convert step: gradient-boosted trees trained here, saved as XGBoost JSON (what
 * `booster.save_model` writes), converted to ONNX tree-ensemble operators, with parity proven
 * against the trainer's own predictions on the held-out rows.
 */
export async function convertTrees(
  dir: string,
  train: SampleData,
  test: SampleData,
  run: DemoRun,
  say: (text: string) => void,
): Promise<void> {
  const trees = trainBoostedTrees(train.rows, train.labels, { trees: 30, depth: 3 });
  const correct = test.rows.filter(
    (row, i) => (predictProbability(trees, row) >= 0.5 ? 1 : 0) === test.labels[i],
  );
  say(
    `  trained ${trees.trees.length} trees of depth ≤ 3 in TypeScript; accuracy on held-out rows ${(correct.length / test.rows.length).toFixed(4)}`,
  );
  const model = join(dir, 'churn-trees.json');
  const features = join(dir, 'churn-test-features.csv');
  const reference = join(dir, 'churn-trees-reference.csv');
  await writeFile(model, JSON.stringify(toXgboostJson(trees, train.featureNames.length)));
  await writeFile(
    features,
    [train.featureNames.join(','), ...test.rows.map((r) => r.join(','))].join('\n') + '\n',
  );
  await writeFile(
    reference,
    ['p', ...test.rows.map((r) => predictProbability(trees, r).toPrecision(17))].join('\n') + '\n',
  );
  await run([
    'convert',
    '--from',
    'xgboost',
    '--input',
    model,
    '--output',
    join(dir, 'churn-trees.onnx'),
    '--parity-data',
    features,
    '--reference',
    reference,
    '--opset',
    '21',
  ]);
}
