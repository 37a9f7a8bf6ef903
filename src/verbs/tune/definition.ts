import { resolve, relative } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { makeHeader, type StudyHeader } from '../../core/tune/journal.js';
import { openStudyJournal, readJournal } from '../../core/tune/journal-file.js';
import type { ParsedInputs, VerbDefinition, VerbDeps, VerbOutcome } from '../types.js';
import { splitCommandLine } from './command-line.js';
import type { TrialCommand } from './execute-trial.js';
import { TUNE_INPUTS, TUNE_OUTPUTS } from './inputs.js';
import { runLocalStudy } from './local-study.js';
import {
  collectResults,
  parseMatrixTrial,
  runMatrixTrial,
  suggestBatch,
  type MatrixTrial,
} from './matrix.js';
import { defaultParts, type TuneParts } from './parts.js';
import { finishStudy } from './finish.js';
import { positive, studySettings, type StudySettings } from './settings.js';

/** GitHub Actions runs at most this many jobs from one matrix. */
const MAX_MATRIX_JOBS = 256;

/** The tune verb; `loadParts` supplies the search engine (tests pass a small one). */
export function createTuneVerb(loadParts: () => Promise<TuneParts> = defaultParts): VerbDefinition {
  return {
    name: 'tune',
    description:
      'hyperparameter search over your training command: grid, random, TPE, GP, GA; parallel trials, pruning, a resumable journal, Actions matrix fan-out',
    inputs: TUNE_INPUTS,
    outputs: TUNE_OUTPUTS,
    examples: [
      'modelops tune --space space.yaml --train-command "python3 train.py" --metric val_loss --direction minimize --trials 30 --parallel 4',
      'modelops tune --space churn-xgb --trials 50 --json',
      'modelops tune --space space.yaml --metric auc --direction maximize --suggest 4      # Actions matrix',
      'modelops tune --train-command "python3 train.py" --run-trial \'{"study": …}\'',
      'modelops tune --space space.yaml --metric auc --direction maximize --collect results --suggest 4',
    ],
    async run(inputs, deps) {
      const parts = await loadParts();
      const modes = ['suggest', 'run-trial', 'collect'].filter(
        (m) => inputs[m] !== undefined && inputs[m] !== '',
      );
      if (modes.includes('run-trial') && modes.length > 1)
        throw new UsageError(
          `--run-trial cannot be combined with --${modes.find((m) => m !== 'run-trial')}`,
          {
            fix: 'a matrix job runs one trial; suggest and collect run in their own jobs',
          },
        );
      if (inputs['run-trial']) return runTrialMode(inputs, deps);
      const settings = await studySettings(inputs, deps, parts);
      const header = makeHeader(settings.space, settings.metric, settings.direction, deps.clock());
      const journalPath = resolve(
        deps.cwd,
        (inputs.study as string | undefined) || `.modelops/tune/${header.id}.jsonl`,
      );
      const shownJournal = relative(deps.cwd, journalPath) || journalPath;
      let journal = await openStudyJournal(journalPath, header);
      for (const s of journal.skipped.slice(0, 3))
        deps.logger.warning(`${shownJournal}:${s.line}: skipped a line: ${s.reason}`);
      const sampler = parts.createSampler(settings.sampler, { seed: settings.seed });
      let started = 0;
      let collected: { collected: number; missing: number } | undefined;
      if (inputs.collect) {
        collected = await collectResults(
          String(inputs.collect),
          { journalPath, header: journal.header!, journal },
          deps,
        );
        deps.logger.info(
          `collected ${collected.collected} trial result(s) into ${shownJournal}${collected.missing ? `; ${collected.missing} trial(s) brought no result` : ''}`,
        );
      } else if (!modes.includes('suggest')) {
        started = await runLocally(inputs, deps, parts, settings, journalPath, journal.header!);
      }
      let matrix: MatrixTrial[] | undefined;
      if (modes.includes('suggest')) {
        journal = await readJournal(journalPath);
        const count = positive(inputs.suggest, 'suggest')!;
        if (count > MAX_MATRIX_JOBS)
          throw new UsageError(`--suggest ${count} is more than a matrix can run (${MAX_MATRIX_JOBS} jobs)`, {
            fix: `suggest at most ${MAX_MATRIX_JOBS} trials per round`,
          });
        matrix = await suggestBatch(
          count,
          { journalPath, header: journal.header!, journal, sampler, trials: settings.trials },
          deps,
        );
        deps.logger.info(`suggested ${matrix.length} trial(s) for the matrix`);
      }
      return finishStudy(
        {
          inputs,
          deps,
          settings,
          header: journal.header!,
          journalPath,
          shownJournal,
          started,
          collected,
          matrix,
        },
        matrix === undefined || inputs.collect !== undefined,
      );
    },
  };
}

export const tuneVerb = createTuneVerb();

async function runLocally(
  inputs: ParsedInputs,
  deps: VerbDeps,
  parts: TuneParts,
  settings: StudySettings,
  journalPath: string,
  header: StudyHeader,
): Promise<number> {
  if (!settings.argv)
    throw new UsageError('--train-command is required to run trials', {
      fix: 'give the training command, e.g. --train-command "python3 train.py" (or command: in the modelops.yaml space)',
    });
  return runLocalStudy(
    {
      journalPath,
      header,
      sampler: parts.createSampler(settings.sampler, { seed: settings.seed }),
      pruner: parts.createPruner(String(inputs.pruner ?? 'none')),
      command: trialCommand(inputs, deps, settings.argv, settings.metric),
      trials: settings.trials,
      parallel: positive(inputs.parallel, 'parallel') ?? 1,
      wallTimeMs: settings.wallTimeMs,
    },
    deps,
  );
}

function trialCommand(inputs: ParsedInputs, deps: VerbDeps, argv: string[], metric: string): TrialCommand {
  const timeout = inputs.timeout as number | undefined;
  if (timeout !== undefined && !(timeout > 0))
    throw new UsageError(`--timeout ${timeout} is not a positive number of seconds`, {
      fix: 'e.g. --timeout 600',
    });
  return {
    argv,
    metric,
    cwd: deps.cwd,
    env: trialEnvironment(deps.env),
    ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
    ...(deps.env.RUNNER_TEMP ? { tempDir: deps.env.RUNNER_TEMP } : {}),
  };
}

/**
 * The training command gets the step's environment minus what belongs to the action itself: its
 * inputs (INPUT_*, the github-token among them) and the runner's internal tokens. A command that
 * needs a token gets it from the workflow's `env:` like any other step.
 */
export function trialEnvironment(env: VerbDeps['env']): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(env).filter(
      ([name]) =>
        !/^input_/i.test(name) &&
        !/^ACTIONS_(RUNTIME_TOKEN|ID_TOKEN_REQUEST_|RUNTIME_URL|CACHE_URL|RESULTS_URL)/.test(name),
    ),
  );
}

/** `--run-trial`: one matrix job, one trial, one result file; no journal is touched. */
async function runTrialMode(inputs: ParsedInputs, deps: VerbDeps): Promise<VerbOutcome> {
  const trial = parseMatrixTrial(String(inputs['run-trial']));
  const metric = (inputs.metric as string | undefined) || trial.metric;
  const raw = inputs['train-command'] as string | undefined;
  let argv = raw ? splitCommandLine(raw) : undefined;
  if (!argv) {
    const { loadConfig } = await import('../../core/config/index.js');
    const config = await loadConfig(resolve(deps.cwd, String(inputs.config ?? 'modelops.yaml')), {
      required: false,
    });
    const spaces = Object.values(config.tuning.spaces);
    const space = inputs.space
      ? config.tuning.spaces[String(inputs.space)]
      : spaces.length === 1
        ? spaces[0]
        : undefined;
    argv = space?.command;
  }
  if (!argv)
    throw new UsageError('--run-trial needs --train-command', {
      fix: 'give the training command each matrix job runs',
    });
  const resultsDir = resolve(deps.cwd, String(inputs['results-dir'] ?? 'tune-results'));
  const { path, result } = await runMatrixTrial(trial, trialCommand(inputs, deps, argv, metric), resultsDir);
  const shown = relative(deps.cwd, path) || path;
  const what =
    result.state === 'complete'
      ? `${metric} = ${result.value}`
      : result.state === 'failed'
        ? `failed: ${result.error}`
        : 'pruned';
  return {
    exitCode: 0,
    result: { trial: result, 'result-file': shown },
    outputs: { 'trial-result': shown },
    text: `trial #${trial.number} ${what} (${(result.durationMs / 1000).toFixed(1)} s); result in ${shown}`,
  };
}
