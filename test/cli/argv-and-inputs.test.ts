import { describe, expect, it } from 'vitest';
import { envInputSource } from '../../src/actions/env-inputs.js';
import { argvInputSource } from '../../src/cli/argv-inputs.js';
import { parseInputs } from '../../src/verbs/parse-inputs.js';
import type { InputSpec } from '../../src/verbs/types.js';

const specs: InputSpec[] = [
  { name: 'paths', description: 'Files.', type: 'list', positional: true },
  { name: 'model', description: 'Model path.', type: 'string', required: true },
  { name: 'dry-run', description: 'Plan only.', type: 'boolean', default: 'false' },
  { name: 'trials', description: 'How many.', type: 'number', default: '20' },
  { name: 'bump', description: 'Bump.', type: 'string', choices: ['auto', 'major'], default: 'auto' },
];
const cli = (...argv: string[]) => parseInputs('demo', specs, argvInputSource('demo', specs, argv).source);
const action = (env: Record<string, string>) => parseInputs('demo', specs, envInputSource(env));

describe('one parser for flags and INPUT_* variables', () => {
  it('gives the same values from the CLI and from the runner environment', () => {
    const fromCli = cli('a.pt', '--model', 'm.onnx', '--dry-run', '--trials=5', 'b.pkl', '--bump', 'major');
    const fromEnv = action({
      INPUT_PATHS: 'a.pt\nb.pkl',
      INPUT_MODEL: 'm.onnx',
      'INPUT_DRY-RUN': 'true',
      INPUT_TRIALS: '5',
      INPUT_BUMP: 'major',
    });
    expect(fromCli).toEqual({
      paths: ['a.pt', 'b.pkl'],
      model: 'm.onnx',
      'dry-run': true,
      trials: 5,
      bump: 'major',
    });
    expect(fromEnv).toEqual(fromCli);
  });

  it('applies declared defaults, and the runner’s empty strings count as unset', () => {
    expect(cli('--model', 'm')).toEqual({
      paths: undefined,
      model: 'm',
      'dry-run': false,
      trials: 20,
      bump: 'auto',
    });
    expect(action({ INPUT_MODEL: 'm', INPUT_TRIALS: '', 'INPUT_DRY-RUN': '' })).toMatchObject({
      trials: 20,
      'dry-run': false,
    });
  });

  it('--no-flag negates a boolean', () => {
    expect(cli('--model', 'm', '--dry-run', '--no-dry-run')['dry-run']).toBe(false);
  });

  it.each([
    [
      ['--modle', 'm'],
      "unknown flag --modle for 'modelops demo' — did you mean --model? See 'modelops demo --help'",
    ],
    [[], "--model is required for 'modelops demo' — Model path; see 'modelops demo --help'"],
    [['--model'], '--model needs a value — write --model VALUE or --model=VALUE'],
    [['--model', 'm', '--trials', 'many'], "--trials must be a number, got 'many' — e.g. --trials=3"],
    [
      ['--model', 'm', '--bump', 'huge'],
      "--bump must be one of auto, major, got 'huge' — see 'modelops demo --help'",
    ],
    [
      ['--model', 'm', '--dry-run=maybe'],
      "--dry-run must be true or false, got 'maybe' — use --dry-run=true or false",
    ],
    [['--model', 'a', '--model', 'b'], '--model was given 2 times — give it once'],
  ])('%j is a one-line usage error', (argv, message) => {
    expect(() => cli(...argv)).toThrowError(message);
  });

  it('names action inputs the way a workflow writes them', () => {
    expect(() => action({ INPUT_MODEL: 'm', INPUT_BUMP: 'huge' })).toThrowError(
      "input 'bump' must be one of auto, major, got 'huge'",
    );
  });

  it('separates global flags from inputs', () => {
    const { globals } = argvInputSource('demo', specs, ['--json', '--model', 'm', '--no-progress']);
    expect([...globals].sort()).toEqual(['json', 'no-progress']);
  });

  it('takes --summary-file PATH as a global value flag', () => {
    const parsed = argvInputSource('demo', specs, ['--model', 'm', '--summary-file', 'report.md']);
    expect(parsed.globalValues.get('summary-file')).toBe('report.md');
    expect(() => argvInputSource('demo', specs, ['--summary-file'])).toThrowError(
      '--summary-file needs a value',
    );
  });
});
