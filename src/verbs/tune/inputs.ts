import { CONFIG_INPUT, GITHUB_TOKEN_INPUT } from '../shared-inputs.js';
import type { InputSpec, OutputSpec } from '../types.js';

export const SAMPLERS = ['grid', 'random', 'tpe', 'gp', 'ga'] as const;
export const PRUNERS = ['none', 'median', 'successive-halving'] as const;

export const TUNE_INPUTS: readonly InputSpec[] = [
  {
    name: 'space',
    description:
      'The search space: a YAML or JSON file mapping each parameter to { type: float | int | categorical, low, high, log, step, choices, when }, or the name of a space under tuning.spaces in modelops.yaml. Empty: the only space in modelops.yaml.',
    type: 'string',
  },
  {
    name: 'train-command',
    description:
      'The training command each trial runs (words with shell-like quoting, or a JSON array; never run through a shell). It gets the parameters as JSON in MODELOPS_PARAMS and in the file MODELOPS_PARAMS_FILE, and reports the metric as the last JSON object on stdout or in MODELOPS_METRICS_FILE. Default: the space’s command in modelops.yaml.',
    type: 'string',
  },
  {
    name: 'metric',
    description:
      'The objective: the key of the metric in the JSON the training command prints. Default: the space’s metric in modelops.yaml.',
    type: 'string',
  },
  {
    name: 'direction',
    description:
      'Whether a lower (minimize) or higher (maximize) metric is better. Default: the space’s direction.',
    type: 'string',
    choices: ['minimize', 'maximize'],
  },
  {
    name: 'sampler',
    description:
      'How parameters are chosen: grid (every combination), random, tpe (Bayesian), gp (Gaussian process, small continuous budgets), ga (genetic). Default: the space’s sampler, else tpe.',
    type: 'string',
    choices: SAMPLERS,
  },
  {
    name: 'trials',
    description:
      'Total trials of the study, counting those already in the journal (a re-run continues up to this). Default: the space’s budget, else 20 (grid: every combination).',
    type: 'number',
  },
  {
    name: 'parallel',
    description: 'Trials run at the same time on this machine.',
    type: 'number',
    default: '1',
  },
  {
    name: 'seed',
    description: 'Seed of the sampler, for reproducible suggestions. Default: the space’s seed, else 0.',
    type: 'number',
  },
  {
    name: 'study',
    description:
      'The study journal (append-only JSON Lines; commit it or keep it on a branch to resume). Default: .modelops/tune/<study id>.jsonl.',
    type: 'string',
  },
  {
    name: 'timeout',
    description: 'Seconds one trial may run before it is stopped and recorded as failed. Empty: no limit.',
    type: 'number',
  },
  {
    name: 'wall-time',
    description:
      'Stop starting trials after this long, e.g. 30m or 2h (running ones finish). Default: the space’s budget wall-time.',
    type: 'string',
  },
  {
    name: 'pruner',
    description:
      'Stops unpromising trials early from the intermediate values they print ({"step": n, "<metric>": v}): median (worse than the median of completed trials at that step) or successive-halving.',
    type: 'string',
    default: 'none',
    choices: PRUNERS,
  },
  {
    name: 'suggest',
    description:
      'Actions matrix: suggest this many trials and write them as the matrix output (for strategy.matrix); no trial runs.',
    type: 'number',
  },
  {
    name: 'run-trial',
    description:
      'Actions matrix: run the one trial given as JSON (a matrix entry’s trial) and write its result file into results-dir, to upload as an artifact.',
    type: 'string',
  },
  {
    name: 'collect',
    description:
      'Actions matrix: merge the trial result files under this directory (downloaded artifacts) into the journal, report, and suggest the next batch when suggest is set.',
    type: 'string',
  },
  {
    name: 'results-dir',
    description: 'Where run-trial writes its result file.',
    type: 'string',
    default: 'tune-results',
  },
  {
    name: 'best-params-file',
    description:
      'Write the best parameters as JSON to this file (atomically) for the training run that follows.',
    type: 'string',
    default: 'params.best.json',
  },
  CONFIG_INPUT,
  GITHUB_TOKEN_INPUT,
];

export const TUNE_OUTPUTS: readonly OutputSpec[] = [
  {
    name: 'best-value',
    description: 'tune: the best objective value so far (empty when no trial completed).',
  },
  { name: 'best-params', description: 'tune: the best parameters as a JSON object.' },
  {
    name: 'matrix',
    description:
      'tune: with suggest, the suggested trials as {"include": [{"trial": "<json>", …}]} for strategy.matrix.',
  },
  {
    name: 'suggested',
    description:
      'tune: with suggest, how many trials the matrix holds (0 when the budget or grid is used up).',
  },
  { name: 'trial-result', description: 'tune: with run-trial, the path of the result file written.' },
  { name: 'study', description: 'tune: the path of the study journal.' },
  { name: 'result', description: 'The whole --json result as one JSON string.' },
];
