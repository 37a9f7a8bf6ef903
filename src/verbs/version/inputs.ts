import { BASE_INPUT, CONFIG_INPUT, GITHUB_TOKEN_INPUT, HEAD_INPUT, MODEL_INPUT } from '../shared-inputs.js';
import type { InputSpec, OutputSpec } from '../types.js';

export const VERSION_INPUTS: readonly InputSpec[] = [
  MODEL_INPUT,
  {
    name: 'name',
    description:
      'Registry name of the model (GTO grammar; dir=name in monorepos). Defaults to the folder under models/.',
    type: 'string',
  },
  {
    name: 'bump',
    description: 'Semver bump: auto derives it from the I/O signature diff against the latest version.',
    type: 'string',
    choices: ['auto', 'major', 'minor', 'patch'],
    default: 'auto',
  },
  {
    name: 'dry-run',
    description: 'Compute the version, manifest and signature diff, but write no manifest and create no tag.',
    type: 'boolean',
    default: 'false',
  },
  {
    name: 'push',
    description:
      'Push the new tag to the remote; a concurrent run that took the same version makes this one retry.',
    type: 'boolean',
    default: 'false',
  },
  {
    name: 'remote',
    description: 'Git remote to push tags to and fetch tags from.',
    type: 'string',
    default: 'origin',
  },
  BASE_INPUT,
  HEAD_INPUT,
  {
    name: 'write-manifest',
    description: 'Write models/<name>/model.json next to the model (it is also carried in the tag message).',
    type: 'boolean',
    default: 'true',
  },
  {
    name: 'release',
    description:
      'Create a GitHub Release for each new register tag (name@vX.Y.Z) with the model card and its metrics as notes and the model file as an asset; needs push and a token.',
    type: 'boolean',
    default: 'false',
  },
  {
    name: 'deregister',
    description:
      'Deregister this version (e.g. v1.2.0) of the model given by name or model: creates the annotated tag name@v1.2.0!#N.',
    type: 'string',
  },
  {
    name: 'deprecate',
    description: 'Deprecate the model given by name or model: creates the annotated tag name@deprecated#N.',
    type: 'boolean',
    default: 'false',
  },
  CONFIG_INPUT,
  GITHUB_TOKEN_INPUT,
];

export const VERSION_OUTPUTS: readonly OutputSpec[] = [
  { name: 'name', description: 'Registry name of the (first) versioned model.' },
  { name: 'version', description: 'The new version, e.g. v1.3.0.' },
  { name: 'tag', description: 'The annotated tag, e.g. churn@v1.3.0.' },
  { name: 'sha256', description: 'SHA-256 of the model file content.' },
  { name: 'size', description: 'Size of the model file in bytes.' },
  { name: 'bump', description: 'The bump applied: major, minor, patch or initial.' },
  { name: 'models', description: 'JSON array of every model versioned in this run.' },
  { name: 'result', description: 'The whole --json result as one JSON string.' },
];
