import type { DatasetSource } from '../../core/data/types.js';
import { oneLine } from '../../core/onnx/model-codec.js';
import type { Task } from '../../core/evaluate/index.js';
import {
  checkBudget,
  mergeEnsemble,
  planCandidates,
  qualityMetric,
  rankCandidates,
  type BudgetTerm,
  type MeasuredCandidate,
  type Objective,
  type PassContext,
  type SelectedPass,
} from '../../core/optimize/index.js';
import { writeModel, type ModelProto } from '../../core/onnx/index.js';
import type { CreateSession, ModelRuntime, RuntimeTensor } from '../../platform/runtime/index.js';
import type { VerbDeps } from '../types.js';
import { buildCandidates, type BuiltCandidate } from './build-candidates.js';
import { firstRow, readFeeds, syntheticFeed, toCalibration } from './data-feeds.js';
import { agreement, scoreOnData, timeInterleaved, type Latency } from './measure-candidates.js';

/** One row of the candidate table (the original is row 0). */
export interface CandidateRow {
  name: string;
  passes: string[];
  status: 'original' | 'ok' | 'over-budget' | 'skipped' | 'invalid';
  reason?: string;
  notes: string[];
  size?: number;
  latency_p50?: number;
  latency_p95?: number;
  metrics?: Record<string, number>;
  /** Largest absolute output difference from the original on the latency feed. */
  max_abs_diff?: number;
  /** Elements of integer outputs (labels) that differ from the original's there. */
  label_mismatches?: number;
  budget?: string[];
  pareto: boolean;
  chosen: boolean;
}

export interface SearchResult {
  rows: CandidateRow[];
  chosen: number | undefined;
  qualityMetric: string | undefined;
  task: Task | undefined;
  dataRows: number | undefined;
  latencyRuns: number;
  latencyFeed: 'data' | 'synthetic';
  /** The chosen candidate's model, to be written. */
  model: ModelProto | undefined;
}

/** The validation data, already opened. */
export interface SearchData {
  source: DatasetSource;
  file: string;
  labelColumn: string;
  task: Task | undefined;
  batchSize: number;
  calibrationRows: number;
}

/**
 * Builds every candidate pipeline, loads them beside the original in one process, times them
 * interleaved at batch 1, scores them on the data with evaluate's metrics, applies the budget and
 * picks the best candidate for the objective.
 */
export async function searchCandidates(options: {
  original: ModelProto;
  originalBytes: Uint8Array;
  selected: readonly SelectedPass[];
  data: SearchData | undefined;
  budget: readonly BudgetTerm[];
  objective: Objective;
  latencyRuns: number;
  /** Other models to merge with the original into an ensemble candidate. */
  ensemble: readonly ModelProto[];
  createSession: CreateSession;
  context: Omit<PassContext, 'options' | 'calibration'>;
  deps: VerbDeps;
}): Promise<SearchResult> {
  const { deps, data } = options;
  const runtimes: ModelRuntime[] = [];
  try {
    const originalRuntime = await options.createSession(options.originalBytes, {
      source: 'the original model',
    });
    runtimes.push(originalRuntime);
    let feed: Record<string, RuntimeTensor>;
    let calibration: PassContext['calibration'];
    if (data) {
      const feeds = await readFeeds({
        source: data.source,
        file: data.file,
        labelColumn: data.labelColumn,
        inputs: originalRuntime.inputs,
        rows: data.calibrationRows,
        batchSize: Math.min(32, data.calibrationRows),
      });
      calibration = toCalibration(feeds);
      feed = firstRow(feeds[0]!);
    } else feed = syntheticFeed(originalRuntime.inputs);

    const pipelines = planCandidates(options.selected);
    deps.logger.debug(
      `building ${pipelines.length} candidate(s) from passes ${options.selected.map((s) => s.pass.name).join(', ')}`,
    );
    const built = await buildCandidates(options.original, pipelines, {
      ...options.context,
      ...(calibration ? { calibration } : {}),
    });
    if (options.ensemble.length > 0) built.push(ensembleCandidate(options.original, options.ensemble));
    deps.logger.debug(
      `candidates built: ${built.filter((b) => b.status === 'built').length} of ${built.length}`,
    );
    const reference = await originalRuntime.run(feed);
    const loaded: { candidate: BuiltCandidate; runtime: ModelRuntime; row: CandidateRow }[] = [];
    const rows: CandidateRow[] = [
      {
        name: 'original',
        passes: [],
        status: 'original',
        notes: [],
        size: options.originalBytes.length,
        pareto: false,
        chosen: false,
      },
    ];
    for (const candidate of built) {
      const row: CandidateRow = {
        name: candidate.name,
        passes: candidate.passes,
        status: candidate.status === 'built' ? 'ok' : candidate.status,
        ...(candidate.reason ? { reason: candidate.reason } : {}),
        notes: candidate.notes,
        pareto: false,
        chosen: false,
      };
      rows.push(row);
      if (candidate.status !== 'built') {
        deps.logger.debug(`${candidate.name}: ${candidate.status} — ${candidate.reason}`);
        continue;
      }
      row.size = candidate.bytes!.length;
      try {
        const runtime = await options.createSession(candidate.bytes!, {
          source: `candidate ${candidate.name}`,
        });
        runtimes.push(runtime);
        const agreed = await agreement(reference, runtime, feed);
        row.max_abs_diff = agreed.maxAbsDiff;
        row.label_mismatches = agreed.mismatched;
        const tolerance = candidate.exactTolerance;
        if (
          tolerance !== undefined &&
          (agreed.maxAbsDiff > tolerance * Math.max(1, agreed.scale) || agreed.mismatched > 0)
        ) {
          row.status = 'invalid';
          row.reason = `outputs differ from the original by ${agreed.maxAbsDiff.toExponential(2)} (exact passes allow ${tolerance})`;
          continue;
        }
        loaded.push({ candidate, runtime, row });
      } catch (error) {
        row.status = 'invalid';
        row.reason = `onnxruntime: ${oneLine(error)}`;
      }
    }

    deps.logger.debug(`${loaded.length} candidate(s) loaded in onnxruntime`);
    const progress = deps.progress(`optimize: timing ${loaded.length + 1} models`, options.latencyRuns);
    const latencies = await timeInterleaved(
      [originalRuntime, ...loaded.map((l) => l.runtime)],
      feed,
      options.latencyRuns,
      progress,
    );
    progress.done(`${options.latencyRuns} interleaved rounds`);
    const setLatency = (row: CandidateRow, latency: Latency) => {
      row.latency_p50 = latency.p50;
      row.latency_p95 = latency.p95;
    };
    setLatency(rows[0]!, latencies[0]!);
    loaded.forEach((l, i) => setLatency(l.row, latencies[i + 1]!));

    let task: Task | undefined;
    let dataRows: number | undefined;
    if (data) {
      const scored = await scoreOnData({
        models: [
          { label: 'the original model', runtime: originalRuntime },
          ...loaded.map((l) => ({ label: `candidate ${l.candidate.name}`, runtime: l.runtime })),
        ],
        source: data.source,
        file: data.file,
        labelColumn: data.labelColumn,
        task: data.task,
        batchSize: data.batchSize,
        progress: deps.progress(`optimize: scoring ${loaded.length + 1} models`),
      });
      task = scored.task;
      dataRows = scored.rows;
      rows[0]!.metrics = scored.metrics[0]!;
      loaded.forEach((l, i) => (l.row.metrics = scored.metrics[i + 1]!));
      for (const { row } of loaded) {
        if (options.budget.length === 0) continue;
        const verdict = checkBudget(options.budget, rows[0]!.metrics, row.metrics!);
        row.budget = verdict.lines;
        if (!verdict.within) row.status = 'over-budget';
      }
    }
    const metric = qualityMetric(options.budget, rows[0]!.metrics);
    const measured: MeasuredCandidate[] = rows.map((r) => ({
      name: r.name,
      status: r.status,
      size: r.size,
      latencyP50: r.latency_p50,
      metrics: r.metrics,
    }));
    const ranked = rankCandidates(measured, options.objective, metric);
    const { pareto } = ranked;
    // A budget nobody meets is a failure, even though the original trivially meets it.
    const chosen =
      options.budget.length > 0 && !rows.some((r) => r.status === 'ok') ? undefined : ranked.chosen;
    rows.forEach((r, i) => {
      r.pareto = pareto.has(i);
      r.chosen = i === chosen;
    });
    const chosenModel =
      chosen === undefined
        ? undefined
        : chosen === 0
          ? options.original
          : loaded.find((l) => l.row === rows[chosen])?.candidate.model;
    return {
      rows,
      chosen,
      qualityMetric: metric,
      task,
      dataRows,
      latencyRuns: options.latencyRuns,
      latencyFeed: data ? 'data' : 'synthetic',
      model: chosenModel,
    };
  } finally {
    for (const runtime of runtimes) await runtime.release();
  }
}

/** The original and the other members merged into one graph (a signature mismatch is the user's to fix). */
function ensembleCandidate(original: ModelProto, others: readonly ModelProto[]): BuiltCandidate {
  const { model, info } = mergeEnsemble([original, ...others]);
  const how = [
    info.averaged.length > 0 ? `averages ${info.averaged.join(', ')}` : '',
    info.voted.length > 0 ? `votes on ${info.voted.join(', ')}` : '',
  ].filter(Boolean);
  return {
    name: `ensemble(${others.length + 1})`,
    passes: ['ensemble'],
    status: 'built',
    notes: [`ensemble: ${others.length + 1} models; ${how.join('; ')}`],
    model,
    bytes: writeModel(model),
  };
}
