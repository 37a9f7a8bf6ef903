import { EVALUATE_INPUTS } from '../evaluate/inputs.js';
import { GITHUB_TOKEN_INPUT, MODEL_INPUT, OUTPUT_INPUT } from '../shared-inputs.js';
import type { InputSpec, OutputSpec } from '../types.js';

/** evaluate's declarations, word for word: the root action.yml holds one per name. */
function evaluateInput(name: string): InputSpec {
  const spec = EVALUATE_INPUTS.find((i) => i.name === name);
  if (!spec) throw new Error(`evaluate declares no input '${name}'`);
  return spec;
}

/** The passes tried when --passes is not given. */
export const DEFAULT_PASSES = 'graph,int8,int8-static,fp16,prune';

export const OPTIMIZE_INPUTS: readonly InputSpec[] = [
  MODEL_INPUT,
  OUTPUT_INPUT,
  {
    name: 'passes',
    description:
      'Passes to try, alone and in sensible combinations: graph, int8, int8-static, int8-weight, fp16, prune, dead-code; options after a colon, e.g. prune:sparsity=0.7, graph:level=basic, fp16:keep=Softmax+Gemm.',
    type: 'list',
    default: DEFAULT_PASSES,
  },
  evaluateInput('data'),
  evaluateInput('label-column'),
  evaluateInput('task'),
  evaluateInput('batch-size'),
  {
    name: 'budget',
    description:
      'How much each metric may change, signed towards better, comma separated: accuracy=-0.5% (may lose 0.5 % of its value), log_loss=-0.01 (may rise by 0.01). Needs data. Empty: no accuracy limit.',
    type: 'string',
  },
  {
    name: 'objective',
    description:
      'What the chosen candidate minimizes inside the budget: size (bytes) or latency (p50 at batch 1).',
    type: 'string',
    default: 'latency',
    choices: ['size', 'latency'],
  },
  {
    name: 'latency-runs',
    description:
      'Timed batch-1 runs per candidate, interleaved round by round with the original so both see the same machine load.',
    type: 'number',
    default: '50',
  },
  {
    name: 'ensemble',
    description:
      'Other models with the same signature (comma or newline separated): adds a candidate that merges the model and these into one graph averaging float outputs and voting on integer labels, measured like the others.',
    type: 'list',
  },
  {
    name: 'split-at',
    description:
      'Instead of searching: split the model at these tensors (comma separated node outputs) into OUTPUT.part1.onnx (model inputs → these tensors) and OUTPUT.part2.onnx (these tensors → model outputs), written only after the chained parts reproduce the whole model.',
    type: 'list',
  },
  {
    name: 'calibration-rows',
    description: 'Rows of data fed to passes that calibrate on activations (int8-static).',
    type: 'number',
    default: '128',
  },
  GITHUB_TOKEN_INPUT,
];

export const OPTIMIZE_OUTPUTS: readonly OutputSpec[] = [
  {
    name: 'output',
    description: 'Path of the optimized model written (empty when no candidate was chosen).',
  },
  {
    name: 'chosen',
    description: 'Passes of the chosen candidate joined by +, e.g. prune+int8 (empty if none).',
  },
  { name: 'size-ratio', description: 'Size of the chosen model over the original’s.' },
  {
    name: 'latency-ratio',
    description: 'p50 latency of the chosen model over the original’s (same process, interleaved).',
  },
  { name: 'result', description: 'The whole --json result as one JSON string.' },
];
