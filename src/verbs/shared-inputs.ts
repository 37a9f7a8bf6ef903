import type { InputSpec } from './types.js';

/**
 * Inputs several verbs take. Declared once here so every verb (and every action.yml, which a
 * test compares against these) spells and describes them the same way.
 */
export const CONFIG_INPUT: InputSpec = {
  name: 'config',
  description: 'Path of modelops.yaml, relative to the repository root.',
  type: 'string',
  default: 'modelops.yaml',
};

export const GITHUB_TOKEN_INPUT: InputSpec = {
  name: 'github-token',
  description:
    'Token for the GitHub API (PR comments, checks, deployments). On the CLI, GITHUB_TOKEN from the environment is used.',
  type: 'string',
  actionDefault: '${{ github.token }}',
  secret: true,
};

export const MODEL_INPUT: InputSpec = {
  name: 'model',
  description:
    'The model file, e.g. models/churn/model.onnx (deploy also takes a registry name). When empty, version and evaluate take every model changed between base and head.',
  type: 'string',
};

export const BASE_INPUT: InputSpec = {
  name: 'base',
  description:
    'Base ref for finding changed models (defaults to the pull request base or the push before-sha).',
  type: 'string',
};

export const HEAD_INPUT: InputSpec = {
  name: 'head',
  description: 'Head ref for finding changed models.',
  type: 'string',
  default: 'HEAD',
};

export const OUTPUT_INPUT: InputSpec = {
  name: 'output',
  description:
    'evaluate: the model output to score (default: the first tensor output with a floating-point type, else the first tensor output). convert: the path of the ONNX model to write. optimize: the path the chosen model is written to (never the model itself).',
  type: 'string',
};
