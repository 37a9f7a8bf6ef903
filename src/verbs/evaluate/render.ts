import { inferDirection, type GateResult, type MetricReport } from '../../core/evaluate/index.js';
import { codeSpan, escapeMarkdown } from '../../core/report/markdown.js';
import type { CheckedGate, SkippedGate, Verdict } from './gates.js';
import { comparisonChart, sliceSection, type SliceView } from './render-sections.js';

/** Everything a report shows about one evaluated model. */
export interface EvaluationView {
  name: string;
  modelPath: string;
  data: string;
  rows: number;
  task: string;
  output: string;
  metrics: Record<string, number>;
  report: MetricReport;
  baseline: { label: string; metrics: Record<string, number> } | undefined;
  gates: readonly CheckedGate[];
  skipped: readonly SkippedGate[];
  /** Directions of custom metrics (modelops.yaml `metrics`); others are inferred from the name. */
  directions?: Record<string, 'higher' | 'lower'>;
  /** Per-slice metrics of the dataset's slices that had rows. */
  slices?: readonly SliceView[];
  verdict: Verdict;
  /** Metrics listed first (the model's configured metrics); the others go in the details. */
  headline: readonly string[];
}

const VERDICT_MARK: Record<Verdict, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  warn: '⚠️ warn',
  'no-baseline': '➖ no baseline',
};
const STATUS_MARK: Record<string, string> = { pass: '✅', fail: '❌', warn: '⚠️', 'no-baseline': '➖' };

const TIMING = ['latency_p50', 'latency_p95', 'latency_p99', 'throughput', 'size'];

/** The metrics a table leads with: configured ones, gated ones, else every quality metric plus p95 and size. */
export function headlineMetrics(
  metrics: Record<string, number>,
  configured: readonly string[],
  gates: readonly GateResult[],
): string[] {
  const gated = gates.map((g) => g.metric);
  const base = configured.length > 0 ? configured : Object.keys(metrics).filter((m) => !TIMING.includes(m));
  const chosen = [...base, ...gated, ...(configured.length > 0 ? [] : ['latency_p95', 'size'])];
  return [...new Set(chosen)].filter((m) => m in metrics);
}

/** The PR comment / job summary / check run body for one model. */
export function renderEvaluationMarkdown(view: EvaluationView): string {
  const lines = [
    `### modelops evaluate: ${escapeMarkdown(view.name)} — ${VERDICT_MARK[view.verdict]}`,
    '',
    `Candidate ${codeSpan(view.modelPath)} ${view.baseline ? `vs baseline ${codeSpan(view.baseline.label)} ` : '(no baseline) '}on ${codeSpan(view.data)}: ${view.rows.toLocaleString('en-US')} rows, ${view.task}, output ${codeSpan(view.output)}.`,
    '',
    ...metricTable(view, view.headline),
    '',
    ...comparisonChart(view.headline, view.metrics, view.baseline?.metrics),
  ];
  const failing = view.gates.filter((g) => g.status !== 'pass');
  if (view.gates.length > 0) {
    lines.push(`**Gates** (${view.gates.length - failing.length}/${view.gates.length} pass):`, '');
    for (const g of view.gates)
      lines.push(`- ${STATUS_MARK[g.status]} ${codeSpan(g.gate)} (${g.check}): ${escapeMarkdown(g.message)}`);
    lines.push('');
  }
  for (const s of view.skipped)
    lines.push(`- ⚠️ gate ${codeSpan(s.gate)} skipped: ${escapeMarkdown(s.reason)}`);
  if (view.skipped.length > 0) lines.push('');
  const others = Object.keys(view.metrics).filter((m) => !view.headline.includes(m));
  if (others.length > 0) {
    lines.push(
      '<details><summary>All metrics</summary>',
      '',
      ...metricTable(view, Object.keys(view.metrics)),
      '',
      '</details>',
      '',
    );
  }
  lines.push(...sliceSection(view.slices ?? [], view.headline, view.gates));
  const matrix = confusionTable(view.report);
  if (matrix.length > 0) {
    lines.push(
      '<details><summary>Confusion matrix (rows: true class, columns: predicted)</summary>',
      '',
      ...matrix,
      '',
      '</details>',
      '',
    );
  }
  if (view.report.warnings.length > 0) {
    lines.push(
      '<details><summary>Warnings</summary>',
      '',
      ...view.report.warnings.map((w) => `- ${escapeMarkdown(w)}`),
      '',
      '</details>',
      '',
    );
  }
  return lines.join('\n');
}

function metricTable(view: EvaluationView, names: readonly string[]): string[] {
  const gateFor = (metric: string) => view.gates.filter((g) => g.metric === metric && g.slice === undefined);
  const rows = names.map((metric) => {
    const current = view.metrics[metric]!;
    const base = view.baseline?.metrics[metric];
    const delta = base === undefined ? undefined : current - base;
    const relative =
      delta === undefined || base === 0 || base === undefined ? undefined : delta / Math.abs(base);
    const gates = gateFor(metric);
    const verdict =
      gates.length === 0 ? '' : gates.map((g) => `${STATUS_MARK[g.status]} ${g.check}`).join('<br>');
    return `| ${codeSpan(metric)} | ${base === undefined ? '—' : fmt(base)} | ${fmt(current)} | ${signed(delta, view.directions?.[metric] ?? inferDirection(metric))} | ${relative === undefined ? '—' : `${relative >= 0 ? '+' : ''}${fmt(relative * 100)}%`} | ${verdict} |`;
  });
  return [
    '| metric | baseline | candidate | Δ | Δ % | gate |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...rows,
  ];
}

function signed(delta: number | undefined, direction: 'higher' | 'lower'): string {
  if (delta === undefined || Number.isNaN(delta)) return '—';
  if (delta === 0) return '0';
  const better = delta > 0 === (direction === 'higher');
  return `${delta > 0 ? '+' : ''}${fmt(delta)} ${better ? '🟢' : '🔴'}`;
}

function confusionTable(report: MetricReport): string[] {
  if (report.task !== 'binary' && report.task !== 'multiclass') return [];
  const matrix = report.confusionMatrix as number[][];
  if (matrix.length > 20) return [`${matrix.length} classes: see the --json result for the matrix.`];
  return [
    `| true \\ predicted | ${matrix.map((_, i) => i).join(' | ')} |`,
    `| --- |${matrix.map(() => ' ---: |').join('')}`,
    ...matrix.map((row, i) => `| **${i}** | ${row.join(' | ')} |`),
  ];
}

/** Terminal lines. */
export function renderEvaluationText(view: EvaluationView): string {
  const lines = [
    `${view.name}: ${view.verdict} — ${view.rows} rows of ${view.data}, ${view.task}, output ${view.output}${view.baseline ? `, baseline ${view.baseline.label}` : ''}`,
  ];
  for (const metric of Object.keys(view.metrics)) {
    const base = view.baseline?.metrics[metric];
    lines.push(
      `  ${metric.padEnd(20)} ${fmt(view.metrics[metric]!).padStart(12)}${base === undefined ? '' : `  (baseline ${fmt(base)})`}`,
    );
  }
  for (const g of view.gates) lines.push(`  gate ${g.status.padEnd(11)} ${g.message}`);
  for (const s of view.skipped) lines.push(`  gate skipped     ${s.gate}: ${s.reason}`);
  return lines.join('\n');
}

/** Four significant digits; integers (sizes, rows/s) in full. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return String(Number(value.toPrecision(4)));
}
