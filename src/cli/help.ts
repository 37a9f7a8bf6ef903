import { GLOBAL_FLAGS } from './argv-inputs.js';
import { PLANNED_VERBS, VERB_CATALOG } from '../verbs/catalog.js';
import type { VerbDefinition } from '../verbs/types.js';

/** `modelops --help`. */
export function mainHelp(version: string): string {
  const verbs = Object.entries(VERB_CATALOG).map(([name, v]) => `  ${name.padEnd(10)} ${v.summary}`);
  return [
    `modelops ${version} — GitOps for machine-learning models (git + LFS registry, ONNX everywhere)`,
    '',
    'Usage: modelops <verb> [flags]   (flags are the action inputs of the same name)',
    '',
    'Verbs:',
    ...verbs,
    ...(PLANNED_VERBS.length > 0 ? [`  (planned: ${PLANNED_VERBS.join(', ')})`] : []),
    '',
    'Every verb accepts:',
    '  --json          print one result object on stdout (logs go to stderr)',
    '  --help          flags of that verb',
    '  --verbose       debug lines',
    '  --no-progress   no progress bar',
    '  --summary-file PATH   write the Markdown report (job summary / PR comment) to PATH',
    '',
    'Exit codes: 0 success, 1 a gate failed or findings at/above the fail level, 2 bad input.',
  ].join('\n');
}

/** `modelops <verb> --help`: generated from the same declarations as action.yml. */
export function verbHelp(verb: VerbDefinition): string {
  const lines = [`modelops ${verb.name} — ${verb.description}`, '', 'Flags:'];
  for (const input of verb.inputs) {
    const flag = input.positional ? `${input.name.toUpperCase()}... | --${input.name}` : `--${input.name}`;
    const value = input.type === 'boolean' ? '' : input.choices ? ` ${input.choices.join('|')}` : ' VALUE';
    const extra = [
      input.required ? 'required' : '',
      input.default !== undefined ? `default: ${input.default}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${(flag + value).padEnd(34)} ${input.description}${extra ? ` (${extra})` : ''}`);
  }
  lines.push(`  ${GLOBAL_FLAGS.map((f) => `--${f}`).join(' ')} --summary-file PATH`);
  if (verb.outputs.length > 0) {
    lines.push('', 'Outputs (keys of --json and of the action):');
    for (const output of verb.outputs) lines.push(`  ${output.name.padEnd(34)} ${output.description}`);
  }
  if (verb.examples?.length) lines.push('', 'Examples:', ...verb.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}
