import { CONFIG_INPUT, GITHUB_TOKEN_INPUT, MODEL_INPUT, OUTPUT_INPUT } from '../shared-inputs.js';
import type { InputSpec, OutputSpec } from '../types.js';

/**
 * `model`, `name` and `remote` are declared by `version` too: the root action.yml holds one
 * declaration per name, so these must stay word for word the same as version's.
 */
export const EVALUATE_INPUTS: readonly InputSpec[] = [
  MODEL_INPUT,
  {
    name: 'name',
    description:
      'Registry name of the model (GTO grammar; dir=name in monorepos). Defaults to the folder under models/.',
    type: 'string',
  },
  {
    name: 'data',
    description:
      "Evaluation data file (CSV, JSONL, Parquet, NPY or NPZ). Defaults to the path of the dataset named by 'dataset', else of the model's first dataset in modelops.yaml.",
    type: 'string',
  },
  {
    name: 'dataset',
    description:
      "Dataset in modelops.yaml whose label column, features, input mapping, task and slices apply (its path is used when 'data' is empty).",
    type: 'string',
  },
  {
    name: 'label-column',
    description: "Column holding the expected output (overrides the dataset's label-column).",
    type: 'string',
  },
  {
    name: 'task',
    description:
      'binary, multiclass, multilabel or regression. Default: the dataset\'s task, else inferred from the model output (see "Which output is scored").',
    type: 'string',
    choices: ['binary', 'multiclass', 'multilabel', 'regression'],
  },
  OUTPUT_INPUT,
  {
    name: 'batch-size',
    description: 'Rows per onnxruntime run.',
    type: 'number',
    default: '256',
  },
  {
    name: 'sessions',
    description:
      "onnxruntime sessions run side by side, each in its own thread with one intra-op thread, each on a different batch. Default: one per core, up to 4 (1 for models of 512 MB or more) — the fastest way through a dataset on a CPU (bench/evaluate-throughput). 1 runs a single session with onnxruntime's own threading, as a latency-focused server would; latency percentiles are per batch under whichever setting runs, for the baseline too.",
    type: 'number',
  },
  {
    name: 'baseline',
    description:
      "Model to compare with: a file path, a registered version NAME@vX.Y.Z, or an environment assignment NAME#ENV. Default in a pull request: the model's assignment in 'environment', else the same model path at the base commit.",
    type: 'string',
  },
  {
    name: 'environment',
    description: 'Target environment: its assignment is the default baseline and its gates apply.',
    type: 'string',
    default: 'production',
  },
  {
    name: 'shard',
    description:
      "Evaluate only shard I of N (1-based, e.g. 2/4: rows where row % N = I - 1) and write the mergeable state to 'state-output'.",
    type: 'string',
  },
  {
    name: 'state-output',
    description:
      'Where a sharded run writes its state (default .modelops/evaluate-<name>-shard-I-of-N.json).',
    type: 'string',
  },
  {
    name: 'merge',
    description:
      'Shard state files to combine (comma or newline separated) into the metrics of the unsharded run; no model is run.',
    type: 'list',
  },
  {
    name: 'write-predictions',
    description:
      "Write every row's label, prediction and probabilities to this file (.csv or .jsonl), for error analysis or as soft labels.",
    type: 'string',
  },
  {
    name: 'metrics-file',
    description: 'Write the candidate metrics to this file as flat JSON (DVC metrics format).',
    type: 'string',
  },
  {
    name: 'update-card',
    description:
      "Write the metrics into the model card's YAML front matter (Hugging Face model-index); the card is created when missing.",
    type: 'boolean',
    default: 'false',
  },
  {
    name: 'remote',
    description: 'Git remote to push tags to and fetch tags from.',
    type: 'string',
    default: 'origin',
  },
  CONFIG_INPUT,
  GITHUB_TOKEN_INPUT,
];

export const EVALUATE_OUTPUTS: readonly OutputSpec[] = [
  { name: 'metrics', description: 'The candidate metrics as a JSON object (scikit-learn scorer names).' },
  {
    name: 'verdict',
    description: 'pass, fail, warn or no-baseline: the outcome of the gates.',
  },
  { name: 'result', description: 'The whole --json result as one JSON string.' },
];
