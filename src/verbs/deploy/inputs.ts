import { CONFIG_INPUT, GITHUB_TOKEN_INPUT } from '../shared-inputs.js';
import type { InputSpec, OutputSpec } from '../types.js';
import { VERSION_INPUTS } from '../version/inputs.js';

// Inputs version also takes are declared exactly as it declares them: one name, one declaration
// in every action.yml (test/metadata checks it).
const shared = (name: string): InputSpec => {
  const spec = VERSION_INPUTS.find((i) => i.name === name);
  if (!spec) throw new Error(`version declares no input '${name}'`);
  return spec;
};

export const DEPLOY_INPUTS: readonly InputSpec[] = [
  shared('model'),
  shared('name'),
  {
    name: 'to',
    description:
      'Environment to promote to (or roll back, or unassign), one of the environments in modelops.yaml; default environments: dev, staging, production.',
    type: 'string',
  },
  {
    name: 'version',
    description:
      'Version to promote, e.g. v1.2.0. Default: the version the previous environment holds (the latest registered version for the first environment).',
    type: 'string',
  },
  {
    name: 'evidence',
    description:
      'JSON results of modelops evaluate --json and modelops audit --json for this version (comma or newline separated, or repeat the flag); required when the environment requires gates or a clean audit.',
    type: 'list',
  },
  {
    name: 'rollback',
    description:
      'Re-assign the version the environment held before its current one, as a new stage tag (history is kept).',
    type: 'boolean',
    default: 'false',
  },
  {
    name: 'unassign',
    description: 'Remove the model from the environment: creates the annotated tag name#ENV!#N.',
    type: 'boolean',
    default: 'false',
  },
  {
    name: 'render',
    description:
      "Serving targets to render before the stage tag, comma separated: triton (model-repository entry), kserve (InferenceService manifest), edge (model + signature + card). Default: the environment's render.targets in modelops.yaml, else none.",
    type: 'list',
  },
  {
    name: 'render-dir',
    description:
      "GitOps directory inside the repository the serving targets are written to, as <dir>/<environment>/<target>/…; commit it for Argo CD or Flux to sync. Default: the environment's render.path, else serving.",
    type: 'string',
  },
  {
    name: 'storage-uri',
    description:
      "storageUri of the rendered KServe InferenceService; {name}, {version} and {environment} are filled in. Default: the environment's render.kserve.storage-uri, else the placeholder s3://YOUR-BUCKET/models/{name}/{version}.",
    type: 'string',
  },
  shared('dry-run'),
  shared('push'),
  shared('remote'),
  CONFIG_INPUT,
  GITHUB_TOKEN_INPUT,
];

export const DEPLOY_OUTPUTS: readonly OutputSpec[] = [
  { name: 'name', description: 'Registry name of the model.' },
  { name: 'environment', description: 'The environment promoted to, rolled back or unassigned.' },
  {
    name: 'version',
    description: 'The version the environment holds now, e.g. v1.3.0 (empty after unassign).',
  },
  { name: 'previous', description: 'The version the environment held before, e.g. v1.2.0 (empty if none).' },
  {
    name: 'tag',
    description: 'The stage tag created, e.g. churn#production#7 (empty when nothing changed).',
  },
  { name: 'deployment-id', description: 'Id of the GitHub Deployment recorded for the promotion, if any.' },
  {
    name: 'rendered',
    description:
      'Serving-target paths written (or removed after unassign), one per line, relative to the repository (branch:path when render.branch is set).',
  },
  { name: 'result', description: 'The whole --json result as one JSON string.' },
];
