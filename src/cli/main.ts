import { resolve } from 'node:path';
import { isUsageError, UsageError } from '../core/errors.js';
import { createConsoleLogger } from '../platform/logger.js';
import { createProgress, progressMode } from '../platform/progress.js';
import { parseInputs, closest } from '../verbs/parse-inputs.js';
import { VERB_CATALOG, verbNames } from '../verbs/catalog.js';
import { connectGitHub } from '../verbs/github-run.js';
import { argvInputSource } from './argv-inputs.js';
import { mainHelp, verbHelp } from './help.js';

declare const MODELOPS_VERSION: string; // replaced at build time

interface CliIO {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stderrIsTTY: boolean;
  /** Aborted when the process is asked to stop (SIGTERM, Ctrl-C). */
  signal?: AbortSignal;
}

/** Runs `modelops …` and returns the exit code (0 ok, 1 gate/findings failed, 2 bad input, 3 bug). */
export async function runCli(io: CliIO): Promise<number> {
  const version = typeof MODELOPS_VERSION === 'string' ? MODELOPS_VERSION : 'dev';
  const [verbName, ...rest] = io.argv;
  const wantsJson = rest.includes('--json');
  try {
    if (verbName === undefined || verbName === '--help' || verbName === '-h' || verbName === 'help') {
      io.stdout(mainHelp(version) + '\n');
      return 0;
    }
    if (verbName === '--version') {
      io.stdout(version + '\n');
      return 0;
    }
    const entry = VERB_CATALOG[verbName];
    if (!entry) {
      const near = closest(verbName, verbNames());
      throw new UsageError(`unknown verb '${verbName}'`, {
        fix: near ? `did you mean '${near}'? Run 'modelops --help'` : `run 'modelops --help' for the verbs`,
      });
    }
    const verb = await entry.load();
    const { source, globals, globalValues } = argvInputSource(verb.name, verb.inputs, rest);
    if (globals.has('help')) {
      io.stdout(verbHelp(verb) + '\n');
      return 0;
    }
    const inputs = parseInputs(verb.name, verb.inputs, source);
    const logger = createConsoleLogger({
      verbose: globals.has('verbose'),
      write: (l) => io.stderr(l + '\n'),
    });
    const mode = progressMode(io.env, io.stderrIsTTY, !globals.has('no-progress'));
    const github = await connectGitHub(verb, inputs, io.env, logger);
    const outcome = await verb.run(inputs, {
      logger,
      github,
      cwd: io.cwd,
      env: io.env,
      signal: io.signal,
      clock: () => new Date(),
      progress: (label, total) => createProgress(label, total, { mode, write: io.stderr }),
    });
    const summaryFile = globalValues.get('summary-file');
    if (summaryFile && outcome.summary) {
      // The Markdown a workflow would show (job summary, PR comment), for a look before pushing.
      const { writeFileAtomic } = await import('../platform/fs/index.js');
      await writeFileAtomic(resolve(io.cwd, summaryFile), outcome.summary);
    }
    if (globals.has('json')) io.stdout(JSON.stringify(outcome.result, null, 2) + '\n');
    else if (outcome.text) io.stdout(outcome.text.endsWith('\n') ? outcome.text : outcome.text + '\n');
    return outcome.exitCode;
  } catch (error) {
    return reportError(error, io, wantsJson, verbName);
  }
}

function reportError(error: unknown, io: CliIO, wantsJson: boolean, verbName: string | undefined): number {
  const prefix = verbName && VERB_CATALOG[verbName] ? `modelops ${verbName}` : 'modelops';
  if (isUsageError(error)) {
    io.stderr(`${prefix}: error: ${oneLine(error.message)}\n`);
    if (wantsJson)
      io.stdout(
        JSON.stringify({ error: { kind: error.name, message: oneLine(error.message), exitCode: 2 } }) + '\n',
      );
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`${prefix}: internal error (a bug, please report it): ${oneLine(message)}\n`);
  if (io.env.MODELOPS_DEBUG && error instanceof Error && error.stack) io.stderr(error.stack + '\n');
  if (wantsJson)
    io.stdout(
      JSON.stringify({ error: { kind: 'InternalError', message: oneLine(message), exitCode: 3 } }) + '\n',
    );
  return 3;
}

/** User errors are one line, whatever a library put in them. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
