import { mkdir, stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Task } from '../../core/evaluate/index.js';
import { loadModelFile, saveModelFile, setMetadata, writeModel } from '../../core/onnx/index.js';
import {
  parseBudget,
  selectPasses,
  type OptimizationPass,
  type PassContext,
} from '../../core/optimize/index.js';
import type { CreateSession } from '../../platform/runtime/index.js';
import type { OpenDataset } from '../evaluate/measure.js';
import { postPullRequestReport } from '../pr-report.js';
import type { ParsedInputs, VerbDefinition, VerbDeps, VerbOutcome } from '../types.js';
import { labelColumnOf } from './data-feeds.js';
import { DEFAULT_PASSES, OPTIMIZE_INPUTS, OPTIMIZE_OUTPUTS } from './inputs.js';
import { renderOptimizeSummary, renderOptimizeText, type OptimizeReport } from './render.js';
import { searchCandidates, type SearchData } from './search.js';
import { splitModel } from './split-model.js';
import { escapeMarkdown } from '../../core/report/markdown.js';

/** Parts the verb loads lazily; tests pass their own. */
export interface OptimizeParts {
  createSession: () => Promise<CreateSession>;
  openDataset: () => Promise<OpenDataset>;
  /** The runtime-backed hooks passes get (graph optimization, calibration observation). */
  passContext: () => Promise<Pick<PassContext, 'optimizeGraph' | 'observe'>>;
  /** Every pass --passes may name. */
  passes: () => Promise<readonly OptimizationPass[]>;
}

const DEFAULT_PARTS: OptimizeParts = {
  createSession: async () => (await import('../../platform/runtime/index.js')).createSession,
  openDataset: async () => (await import('../evaluate/open-dataset.js')).openDataset,
  passContext: async () => {
    const { optimizeGraphWithOrt, observeWithOrt } = await import('../../platform/runtime/optimize-graph.js');
    return { optimizeGraph: optimizeGraphWithOrt, observe: observeWithOrt };
  },
  passes: async () => (await import('./available-passes.js')).availablePasses(),
};

/** The optimize verb: candidates from passes, measured against the original, the best one inside a budget. */
export function createOptimizeVerb(parts: OptimizeParts = DEFAULT_PARTS): VerbDefinition {
  return {
    name: 'optimize',
    description:
      'make a model smaller or faster (graph, int8, fp16, pruning); measure every candidate and keep the best inside an accuracy budget',
    inputs: OPTIMIZE_INPUTS,
    outputs: OPTIMIZE_OUTPUTS,
    examples: [
      'modelops optimize --model models/churn/model.onnx --output models/churn/model.opt.onnx',
      'modelops optimize --model model.onnx --output small.onnx --data val.csv --label-column y --budget "accuracy=-0.5%" --objective size',
      'modelops optimize --model model.onnx --output out.onnx --passes graph,fp16,prune:sparsity=0.3 --json',
    ],
    async run(inputs, deps) {
      const shown = (p: string) => relative(deps.cwd, p) || p;
      const { modelPath, outputPath } = paths(inputs, deps);
      const budget = parseBudget(inputs.budget as string | undefined);
      const objective = inputs.objective === 'size' ? 'size' : 'latency';
      const latencyRuns = positiveInteger(inputs['latency-runs'], 'latency-runs');
      const calibrationRows = positiveInteger(inputs['calibration-rows'], 'calibration-rows');
      const dataInput = inputs.data as string | undefined;
      if (budget.length > 0 && !dataInput) {
        throw new UsageError(`--budget ${String(inputs.budget)} needs data to measure the metrics on`, {
          fix: 'pass --data PATH (and --label-column NAME) with validation rows, or drop --budget',
        });
      }
      const cut = (inputs['split-at'] as string[] | undefined) ?? [];
      if (cut.length > 0) return split(modelPath, outputPath, cut, parts, shown);
      const available = await parts.passes();
      const selected = selectPasses(requestedPasses(inputs, available, deps), available);
      const original = await loadModelFile(modelPath);
      const originalBytes = writeModel(original);
      const data = dataInput ? await openData(dataInput, inputs, deps, parts, calibrationRows) : undefined;
      const ensemble = await Promise.all(
        ((inputs.ensemble as string[] | undefined) ?? []).map((p) => loadModelFile(resolve(deps.cwd, p))),
      );

      const search = await searchCandidates({
        original,
        originalBytes,
        selected,
        data,
        budget,
        objective,
        latencyRuns,
        ensemble,
        createSession: await parts.createSession(),
        context: await parts.passContext(),
        deps,
      });
      const chosen = search.chosen === undefined ? undefined : search.rows[search.chosen]!;
      if (chosen && search.model) {
        setMetadata(search.model, { 'modelops.optimize': chosen.name });
        await mkdir(dirname(outputPath), { recursive: true });
        await saveModelFile(outputPath, search.model);
        deps.logger.info(`wrote ${shown(outputPath)} (${chosen.name})`);
      }
      const report: OptimizeReport = {
        model: shown(modelPath),
        output: chosen ? shown(outputPath) : null,
        objective,
        budget: budget.length > 0 ? budget.map((b) => b.text).join(', ') : null,
        quality_metric: search.qualityMetric ?? null,
        latency: { runs: search.latencyRuns, feed: search.latencyFeed, batch: 1 },
        data_rows: search.dataRows ?? null,
        candidates: search.rows,
        chosen: chosen?.name ?? null,
        verdict: !chosen ? 'no-candidate' : chosen.status === 'original' ? 'original' : 'chosen',
      };
      const summary = renderOptimizeSummary(report);
      const comment = await postPullRequestReport(deps, `optimize:${shown(modelPath)}`, summary);
      const original0 = search.rows[0]!;
      const ratio = (a: number | undefined, b: number | undefined) =>
        a !== undefined && b ? (a / b).toFixed(4) : '';
      return {
        exitCode: chosen ? 0 : 1,
        result: {
          ...report,
          ...(comment ? { comment: { id: comment.commentId, action: comment.action } } : {}),
        },
        outputs: {
          output: report.output ?? '',
          chosen: report.chosen ?? '',
          'size-ratio': ratio(chosen?.size, original0.size),
          'latency-ratio': ratio(chosen?.latency_p50, original0.latency_p50),
        },
        text: renderOptimizeText(report),
        summary: comment?.overflow ?? summary,
      };
    },
  };
}

export const optimizeVerb = createOptimizeVerb();

/** `--split-at`: two parts that run in turn, proved against the whole model before they are written. */
async function split(
  modelPath: string,
  outputPath: string,
  cut: string[],
  parts: OptimizeParts,
  shown: (p: string) => string,
): Promise<VerbOutcome> {
  const model = await loadModelFile(modelPath);
  await mkdir(dirname(outputPath), { recursive: true });
  const report = await splitModel({
    model,
    cut,
    outputPath,
    createSession: await parts.createSession(),
    shown,
  });
  const lines = [
    `split ${shown(modelPath)} at ${cut.join(', ')}: the parts chained match the whole model (max abs error ${report.max_abs_error})`,
    ...report.parts.map(
      (p) =>
        `  ${p.path}: ${p.inputs.join(', ')} → ${p.outputs.join(', ')} (${p.nodes} nodes, ${p.size} bytes)`,
    ),
  ];
  return {
    exitCode: 0,
    result: { model: shown(modelPath), split: report },
    outputs: {
      output: report.parts.map((p) => p.path).join(','),
      chosen: 'split',
      'size-ratio': '',
      'latency-ratio': '',
    },
    text: lines.join('\n'),
    summary: [
      '### modelops optimize — split',
      '',
      ...lines.map((l) => l.trim()).map((l) => `- ${escapeMarkdown(l)}`),
      '',
    ].join('\n'),
  };
}

function paths(inputs: ParsedInputs, deps: VerbDeps): { modelPath: string; outputPath: string } {
  const model = inputs.model as string | undefined;
  const output = inputs.output as string | undefined;
  if (!model)
    throw new UsageError("--model is required for 'modelops optimize'", {
      fix: 'pass --model PATH of an .onnx file',
    });
  if (!output) {
    throw new UsageError("--output is required for 'modelops optimize'", {
      fix: 'pass --output PATH for the optimized model (the original is never modified)',
    });
  }
  const modelPath = resolve(deps.cwd, model);
  const outputPath = resolve(deps.cwd, output);
  if (modelPath === outputPath) {
    throw new UsageError(`--output ${output} is the model itself`, {
      fix: 'write the optimized model to another path; the original is never modified',
    });
  }
  return { modelPath, outputPath };
}

/** --passes as given; the default list drops passes this build lacks (saying so) instead of failing. */
function requestedPasses(
  inputs: ParsedInputs,
  available: readonly OptimizationPass[],
  deps: VerbDeps,
): string[] {
  const items = (inputs.passes as string[] | undefined) ?? [];
  if (items.join(',') !== DEFAULT_PASSES) return items;
  const missing = items.filter((i) => !available.some((p) => p.name === i));
  if (missing.length > 0) deps.logger.info(`passes not in this build, not tried: ${missing.join(', ')}`);
  return items.filter((i) => available.some((p) => p.name === i));
}

function positiveInteger(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(`--${name} ${String(value)} is not a positive integer`, {
      fix: `pass e.g. --${name} 50`,
    });
  }
  return n;
}

async function openData(
  dataInput: string,
  inputs: ParsedInputs,
  deps: VerbDeps,
  parts: OptimizeParts,
  calibrationRows: number,
): Promise<SearchData> {
  const file = resolve(deps.cwd, dataInput);
  if (!(await stat(file).catch(() => null))?.isFile()) {
    throw new UsageError(`data file not found: ${dataInput}`, { fix: 'check --data' });
  }
  const source = await (await parts.openDataset())(file);
  return {
    source,
    file: dataInput,
    labelColumn: await labelColumnOf(source, inputs['label-column'] as string | undefined, dataInput),
    task: inputs.task as Task | undefined,
    batchSize: positiveInteger(inputs['batch-size'], 'batch-size'),
    calibrationRows,
  };
}
