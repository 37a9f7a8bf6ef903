import type { InputSpec, OutputSpec } from '../types.js';

/** The subcommands of `modelops registry`, first word of the query. */
export const REGISTRY_COMMANDS = ['list', 'show', 'history', 'diff'] as const;
export type RegistryCommand = (typeof REGISTRY_COMMANDS)[number];

export const REGISTRY_INPUTS: readonly InputSpec[] = [
  {
    name: 'query',
    description:
      'What to read: list | show NAME[@vX.Y.Z|#stage] | history NAME | diff NAME@vA NAME@vB. On the CLI the bare arguments; in a workflow one line, e.g. "show churn#production".',
    type: 'list',
    default: 'list',
    positional: true,
  },
  // Declared exactly as version declares it: one input, one meaning, in every action.yml.
  {
    name: 'remote',
    description: 'Git remote to push tags to and fetch tags from.',
    type: 'string',
    default: 'origin',
  },
  {
    name: 'fetch',
    description:
      'Fetch tags from the remote first (when it exists), so the answer is the shared registry; --no-fetch reads local tags only.',
    type: 'boolean',
    default: 'true',
  },
];

export const REGISTRY_OUTPUTS: readonly OutputSpec[] = [
  { name: 'name', description: 'The model the query named (show, history, diff); empty for list.' },
  {
    name: 'version',
    description: 'The version shown (show), or the second version of a diff, e.g. v1.2.0.',
  },
  { name: 'tag', description: 'The register tag of that version, e.g. churn@v1.2.0.' },
  { name: 'result', description: 'The whole --json result as one JSON string.' },
];
