import { join } from 'node:path';

/** What the demo's main passes in: where to write, how to print, how to run the real CLI. */
export interface OptimizeStepContext {
  /** The demo's scratch directory (outside the repository: the original model stays as it is). */
  root: string;
  say: (text?: string) => void;
  runCli: (args: string[]) => Promise<void>;
}

/**
 * `modelops optimize` on the demo's churn model: the default passes (graph, int8, int8-static,
 * fp16, prune) and their combinations, each measured against the original on the held-out data,
 * the smallest one within half a percent of its accuracy written beside the repository.
 */
export async function optimizeStep(context: OptimizeStepContext): Promise<void> {
  const output = join(context.root, 'churn.optimized.onnx');
  await context.runCli([
    'optimize',
    '--model',
    'models/churn/model.onnx',
    '--output',
    output,
    '--data',
    'data/churn-test.csv',
    '--label-column',
    'churned',
    '--budget',
    'accuracy=-0.5%',
    '--objective',
    'size',
    '--latency-runs',
    '20',
  ]);
  // Four weights leave little to gain: the table shows what each pass costs and why it lost.
}
