import { BASE_INPUT, CONFIG_INPUT, GITHUB_TOKEN_INPUT, HEAD_INPUT } from '../shared-inputs.js';
import type { InputSpec, OutputSpec } from '../types.js';

export const AUDIT_INPUTS: readonly InputSpec[] = [
  {
    name: 'paths',
    description:
      'Files or directories to scan (directories recursively). Default: in a pull request or push, the files changed between base and head; else models/ when it exists, else the working directory.',
    type: 'list',
    positional: true,
  },
  {
    name: 'format',
    description: 'Report format: text, json, or sarif (SARIF 2.1.0 for GitHub code scanning).',
    type: 'string',
    choices: ['text', 'json', 'sarif'],
    default: 'text',
  },
  {
    name: 'report-file',
    description:
      'Write the report in the chosen format to this file (e.g. audit.sarif for code scanning upload) instead of stdout.',
    type: 'string',
  },
  {
    name: 'strict',
    description:
      'Also fail on globals that are not on the allowlist (unknown imports), not only on dangerous ones.',
    type: 'boolean',
    default: 'false',
  },
  {
    name: 'fail-level',
    description:
      'Lowest finding severity that fails the run (default: audit.fail-level in modelops.yaml, else high).',
    type: 'string',
    choices: ['low', 'medium', 'high', 'critical'],
  },
  BASE_INPUT,
  HEAD_INPUT,
  CONFIG_INPUT,
  GITHUB_TOKEN_INPUT,
];

export const AUDIT_OUTPUTS: readonly OutputSpec[] = [
  {
    name: 'verdict',
    description: 'Worst verdict over all files: clean, suspicious, malicious or inconclusive.',
  },
  { name: 'failed', description: 'true when findings at or above the fail level were found.' },
  { name: 'findings', description: 'Number of findings over all files.' },
  { name: 'report-file', description: 'Path of the report file written, if any.' },
  { name: 'result', description: 'The whole --json result as one JSON string.' },
];
