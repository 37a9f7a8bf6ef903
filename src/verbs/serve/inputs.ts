import { CONFIG_INPUT, MODEL_INPUT } from '../shared-inputs.js';
import type { InputSpec, OutputSpec } from '../types.js';

export const SERVE_INPUTS: readonly InputSpec[] = [
  MODEL_INPUT,
  {
    name: 'name',
    description:
      'Name the server answers to under /v2/models/{name}. Default: the registry name (NAME@vX.Y.Z) or the folder under models/.',
    type: 'string',
  },
  {
    name: 'port',
    description: 'TCP port to listen on (0 picks a free one and logs it).',
    type: 'number',
    default: '8080',
  },
  {
    name: 'host',
    description: 'Address to listen on. Loopback by default; anything else exposes the model to the network.',
    type: 'string',
    default: '127.0.0.1',
  },
  {
    name: 'max-body-bytes',
    description: 'Largest infer request body accepted, in bytes; larger ones get HTTP 413.',
    type: 'number',
    default: String(16 * 1024 * 1024),
  },
  {
    name: 'remote',
    description: 'Git remote to push tags to and fetch tags from.',
    type: 'string',
    default: 'origin',
  },
  CONFIG_INPUT,
];

export const SERVE_OUTPUTS: readonly OutputSpec[] = [
  { name: 'url', description: 'Base URL the server listened on, e.g. http://127.0.0.1:8080.' },
];
