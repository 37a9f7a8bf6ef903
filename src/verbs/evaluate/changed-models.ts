import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadConfig } from '../../core/config/index.js';
import { UsageError } from '../../core/errors.js';
import { GitCli } from '../../platform/git/index.js';
import type { ParsedInputs, VerbDeps, VerbOutcome } from '../types.js';
import { findModels } from '../version/find-models.js';
import type { Verdict } from './gates.js';

/**
 * In a pull request with no `model` (nor `name`, `shard`, `merge`), the models the PR changes:
 * their paths between the base commit and HEAD, as version finds them (modelops.yaml's paths and
 * models/<name>/model.onnx). Undefined when that does not apply or no model changed: then the
 * model comes from modelops.yaml as before.
 */
export async function changedModelPaths(
  inputs: ParsedInputs,
  deps: VerbDeps,
  base: string | undefined,
): Promise<string[] | undefined> {
  if (!base || inputs.model || inputs.name || inputs.shard) return undefined;
  const probe = new GitCli({ cwd: deps.cwd });
  const top = await probe.run(['rev-parse', '--show-toplevel']).catch(() => null);
  if (!top) return undefined;
  const root = top.trim();
  const configPath = String(inputs.config);
  const config = await loadConfig(configPath, {
    required: configPath !== 'modelops.yaml',
    readFile: (path) => readFile(join(root, path), 'utf8'),
  });
  const git = new GitCli({ cwd: root });
  const targets = await findModels({ git, config, base, head: 'HEAD' }).catch(() => []);
  if (targets.length === 0) return undefined;
  const single = ['write-predictions', 'metrics-file'].find((name) => inputs[name]);
  if (single && targets.length > 1) {
    throw new UsageError(
      `--${single} names one file but the pull request changes ${targets.length} models (${targets.map((t) => t.name).join(', ')})`,
      { fix: 'pass --model to evaluate one model per step (e.g. an Actions matrix over the models)' },
    );
  }
  return targets.map((t) => relative(deps.cwd, join(root, t.path)).split('\\').join('/'));
}

const SEVERITY: Verdict[] = ['pass', 'no-baseline', 'warn', 'fail'];

/**
 * One outcome for several models: each already posted its own sticky comment and check run. The
 * --json result lists every model's result under `models`; the verdict and exit code are the
 * worst; outputs carry metrics per model name.
 */
export function combineOutcomes(outcomes: readonly VerbOutcome[]): VerbOutcome {
  const verdicts = outcomes.map((outcome) => (outcome.outputs.verdict ?? 'pass') as Verdict);
  const verdict = verdicts.reduce((worst, v) => (SEVERITY.indexOf(v) > SEVERITY.indexOf(worst) ? v : worst));
  const result = { models: outcomes.map((outcome) => outcome.result), verdict };
  const metrics = Object.fromEntries(
    outcomes.map((outcome) => [
      String(outcome.result.name),
      JSON.parse(outcome.outputs.metrics ?? '{}') as unknown,
    ]),
  );
  return {
    exitCode: Math.max(...outcomes.map((outcome) => outcome.exitCode)) as VerbOutcome['exitCode'],
    result,
    outputs: { metrics: JSON.stringify(metrics), verdict },
    text: outcomes.map((outcome) => outcome.text).join('\n\n'),
    summary: outcomes
      .map((outcome) => outcome.summary)
      .filter(Boolean)
      .join('\n\n'),
  };
}
