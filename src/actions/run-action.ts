import * as core from '@actions/core';
import { isUsageError, UsageError } from '../core/errors.js';
import { createProgress } from '../platform/progress.js';
import { parseInputs } from '../verbs/parse-inputs.js';
import { actionVerbNames, VERB_CATALOG } from '../verbs/catalog.js';
import { connectGitHub } from '../verbs/github-run.js';
import { createActionsLogger } from './actions-logger.js';
import { envInputSource } from './env-inputs.js';

/**
 * The one try/catch of every action entry: parse inputs → run the verb → outputs and summary.
 * The environment is read here once and handed down, never read at import time.
 */
export async function runAction(verbName: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const logger = createActionsLogger();
  try {
    const entry = VERB_CATALOG[verbName];
    if (!entry || entry.cliOnly) {
      throw new UsageError(
        entry
          ? `'${verbName}' runs on the CLI only (it does not end by itself)`
          : `unknown command '${verbName}'`,
        { fix: `set command: to one of ${actionVerbNames().join(', ')}` },
      );
    }
    const verb = await entry.load();
    for (const input of verb.inputs.filter((i) => i.secret)) {
      const value = core.getInput(input.name);
      if (value) core.setSecret(value);
    }
    const inputs = parseInputs(verb.name, verb.inputs, envInputSource(env));
    const github = await connectGitHub(verb, inputs, env, logger);
    const outcome = await verb.run(inputs, {
      logger,
      github,
      cwd: env.GITHUB_WORKSPACE || process.cwd(),
      env,
      clock: () => new Date(),
      progress: (label, total) =>
        createProgress(label, total, { mode: 'lines', write: (t) => process.stdout.write(t) }),
    });
    for (const [name, value] of Object.entries(outcome.outputs)) core.setOutput(name, value);
    core.setOutput('result', JSON.stringify(outcome.result));
    // The runner always sets GITHUB_STEP_SUMMARY; a bare `node` start (tests, act) may not.
    if (outcome.summary && env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(outcome.summary, true).write();
    if (outcome.text) core.info(outcome.text);
    if (outcome.exitCode !== 0)
      core.setFailed(`modelops ${verb.name}: ${String(outcome.result.verdict ?? 'failed')}`);
    // setFailed exits 1; 2 says the verb could not check (e.g. audit: a file was unscannable).
    if (outcome.exitCode === 2) process.exitCode = 2;
  } catch (error) {
    if (isUsageError(error)) {
      core.setFailed(error.message);
      process.exitCode = 2;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(`internal error (a bug, please report it): ${message}`);
    process.exitCode = 3;
  }
}
