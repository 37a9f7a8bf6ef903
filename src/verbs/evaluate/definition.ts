import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { CreateSession } from '../../platform/runtime/index.js';
import type { ParsedInputs, VerbDefinition, VerbDeps, VerbOutcome } from '../types.js';
import { resolveBaseline } from './baseline.js';
import { resolveEvaluateContext, type EvaluateContext } from './context.js';
import { changedModelPaths, combineOutcomes } from './changed-models.js';
import { conclude } from './conclude.js';
import { customMetricStates, customMetricsFor, memoizedLoader, requireMergeable } from './custom-metrics.js';
import { EVALUATE_INPUTS, EVALUATE_OUTPUTS } from './inputs.js';
import { measure, type MeasuredModel, type OpenDataset } from './measure.js';
import { predictionsFormat } from './result-files.js';
import { defaultStatePath, mergeShardFiles, writeShardFile } from './shard-state.js';

/** Parts the verb loads lazily; tests pass their own. */
export interface EvaluateParts {
  openDataset: () => Promise<OpenDataset>;
  createSession: () => Promise<CreateSession>;
}

const DEFAULT_PARTS: EvaluateParts = {
  openDataset: async () => (await import('./open-dataset.js')).openDataset,
  // Sessions in worker threads: the next batch's run computes while this one is scored.
  createSession: async () => (await import('../../platform/runtime/index.js')).createWorkerSession,
};

/** --sessions: a whole number from 1 to 64, or undefined for the default. */
function sessionsInput(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new UsageError(`--sessions ${String(value)} is not a whole number from 1 to 64`, {
      fix: 'pass --sessions 1 for one session with onnxruntime threads, or leave it out for one per core',
    });
  }
  return n;
}

/** The evaluate verb over the given parts (the data readers and onnxruntime by default). */
export function createEvaluateVerb(parts: EvaluateParts = DEFAULT_PARTS): VerbDefinition {
  return {
    name: 'evaluate',
    description:
      'run a model on a dataset: scikit-learn metrics, latency, a baseline diff, gates; one sticky PR comment and a check per model',
    inputs: EVALUATE_INPUTS,
    outputs: EVALUATE_OUTPUTS,
    examples: [
      'modelops evaluate --model models/churn/model.onnx --data data/churn-eval.csv --label-column churned',
      'modelops evaluate --model models/churn/model.onnx --dataset churn-eval --baseline churn#production --json',
      'modelops evaluate --model models/churn/model.onnx --data eval.csv --shard 2/4',
      'modelops evaluate --merge .modelops/evaluate-churn-shard-1-of-2.json,.modelops/evaluate-churn-shard-2-of-2.json',
    ],
    async run(inputs, deps) {
      const merge = (inputs.merge as string[] | undefined) ?? [];
      if (merge.length > 0) return mergeRun(merge, inputs, deps);
      // In a pull request without --model: the models it changes, each with its own comment and check.
      const changed = await changedModelPaths(inputs, deps, await pullRequestBase(deps));
      if (changed?.length === 1) return evaluateOne({ ...inputs, model: changed[0] }, deps);
      if (changed) {
        deps.logger.info(`the pull request changes ${changed.length} models: ${changed.join(', ')}`);
        const outcomes = [];
        for (const model of changed) {
          outcomes.push(await evaluateOne({ ...inputs, model }, deps));
        }
        return combineOutcomes(outcomes);
      }
      return evaluateOne(inputs, deps);
    },
  };

  /** One model on its data: measure, then conclude (or write the shard state). */
  async function evaluateOne(inputs: ParsedInputs, deps: VerbDeps): Promise<VerbOutcome> {
    const sessions = sessionsInput(inputs.sessions);
    const ctx = await resolveEvaluateContext(inputs, deps);
    if (inputs['write-predictions']) predictionsFormat(String(inputs['write-predictions']));
    const baseline = await resolveBaseline({
      spec: inputs.baseline as string | undefined,
      cwd: deps.cwd,
      git: ctx.git,
      name: ctx.name,
      repoPath: ctx.repoPath,
      pathOf: (name) => registryModelPath(name, ctx.config),
      environment: String(inputs.environment),
      remote: ctx.remote,
      pullRequestBase: await pullRequestBase(deps),
      logger: deps.logger,
    });
    if (baseline) deps.logger.info(`baseline: ${baseline.label}`);
    const customMetrics = customMetricsFor(ctx.config, ctx.name, String(inputs.environment));
    const loadMetric = memoizedLoader(ctx.root);
    // A shard whose custom metric cannot be merged fails before the model runs, not at --merge.
    if (ctx.shard) await requireMergeable(customMetrics, loadMetric);
    const candidateBytes = await readFile(ctx.modelFile);
    const measured = await measure({
      candidate: { label: ctx.modelPath, model: ctx.modelFile, sizeBytes: candidateBytes.length },
      baseline: baseline && {
        label: baseline.label,
        model: baseline.bytes,
        sizeBytes: baseline.bytes.length,
      },
      createSession: await parts.createSession(),
      openDataset: await parts.openDataset(),
      dataFile: ctx.dataFile,
      dataPath: ctx.dataPath,
      dataFormat: ctx.dataFormat,
      labelColumn: ctx.labelColumn,
      mapping: { features: ctx.dataset?.features ?? 'all-but-label', inputs: ctx.dataset?.inputs ?? {} },
      task: ctx.task,
      output: inputs.output as string | undefined,
      batchSize: Number(inputs['batch-size']),
      sessions,
      shard: ctx.shard,
      progress: deps.progress(`evaluate ${ctx.name}`),
      slices: Object.values(ctx.dataset?.slices ?? {}),
      keepRows: customMetrics.length > 0 || Boolean(inputs['write-predictions']),
    });
    if (ctx.shard) {
      const statePath =
        (inputs['state-output'] as string | undefined) ?? defaultStatePath(ctx.name, ctx.shard);
      const states = async (model: MeasuredModel | undefined) =>
        model?.kept ? customMetricStates(customMetrics, loadMetric, measured.task, model.kept) : undefined;
      const candidateStates = (await states(measured.candidate)) ?? {};
      const baselineStates = await states(measured.baseline);
      await writeShardFile(
        resolve(deps.cwd, statePath),
        measured,
        { name: ctx.name, modelPath: ctx.modelPath, dataPath: ctx.dataPath, shard: ctx.shard },
        { candidate: candidateStates, ...(baselineStates ? { baseline: baselineStates } : {}) },
      );
      deps.logger.info(`shard ${ctx.shard.index + 1}/${ctx.shard.count}: state written to ${statePath}`);
      return conclude(measured, ctx, {
        deps,
        environment: String(inputs.environment),
        shard: { statePath },
        files: resultFiles(inputs),
      });
    }
    return conclude(measured, ctx, {
      deps,
      environment: String(inputs.environment),
      files: resultFiles(inputs),
    });
  }
}

export const evaluateVerb: VerbDefinition = createEvaluateVerb();

async function mergeRun(files: string[], inputs: ParsedInputs, deps: VerbDeps): Promise<VerbOutcome> {
  if (inputs.shard)
    throw new UsageError('--merge and --shard were both given', { fix: 'merge after every shard ran' });
  const { measured, shards } = await mergeShardFiles(files, (f) => resolve(deps.cwd, f));
  const first = shards[0]!;
  // Gates, the report and the GitHub comment come from the model and dataset of the shards.
  const ctx: EvaluateContext = await resolveEvaluateContext(
    {
      ...inputs,
      model: inputs.model ?? first.modelPath,
      data: inputs.data ?? first.dataPath,
      name: inputs.name ?? first.name,
    },
    deps,
  );
  return conclude(measured, ctx, {
    deps,
    environment: String(inputs.environment),
    merged: files.length,
    files: resultFiles(inputs),
  });
}

/** --write-predictions, --metrics-file and --update-card. */
function resultFiles(inputs: ParsedInputs): { predictions?: string; metrics?: string; updateCard?: boolean } {
  const predictions = inputs['write-predictions'] as string | undefined;
  const metrics = inputs['metrics-file'] as string | undefined;
  return {
    ...(predictions ? { predictions } : {}),
    ...(metrics ? { metrics } : {}),
    updateCard: inputs['update-card'] === true,
  };
}

/** The base commit of the pull request the run is for, if it is for one. */
async function pullRequestBase(deps: VerbDeps): Promise<string | undefined> {
  const fromContext = deps.github?.context.pullRequest?.baseSha;
  if (fromContext) return fromContext;
  const { GITHUB_EVENT_NAME: name, GITHUB_EVENT_PATH: path } = deps.env;
  if (!path || !name?.startsWith('pull_request')) return undefined;
  const event = JSON.parse(await readFile(path, 'utf8').catch(() => '{}')) as {
    pull_request?: { base?: { sha?: string } };
  };
  return event.pull_request?.base?.sha;
}

/** Path of a registry model in the repository: declared in modelops.yaml, else the conventional layout. */
function registryModelPath(
  name: string,
  config: { models: Record<string, { id: string; path: string }> },
): string {
  const configured = Object.values(config.models).find((m) => m.id === name);
  if (configured) return configured.path;
  const [dir, base] = name.includes('=') ? name.split('=', 2) : [undefined, name];
  return `${dir ? `${dir}/` : ''}models/${base}/model.onnx`;
}
