import { codeSpan, escapeMarkdown } from '../../core/report/markdown.js';
import type { CandidateRow } from './search.js';

/** What the renderers show: the verb's result object. */
export interface OptimizeReport {
  model: string;
  output: string | null;
  objective: 'size' | 'latency';
  budget: string | null;
  quality_metric: string | null;
  latency: { runs: number; feed: 'data' | 'synthetic'; batch: 1 };
  data_rows: number | null;
  candidates: CandidateRow[];
  chosen: string | null;
  /** chosen: a candidate was written; original: none beat the original, which was written as is. */
  verdict: 'chosen' | 'original' | 'no-candidate';
}

const kib = (bytes: number | undefined) => (bytes === undefined ? '–' : `${(bytes / 1024).toFixed(1)} KiB`);
const ms = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(3));
const ratio = (v: number | undefined, base: number | undefined) =>
  v === undefined || !base ? '–' : `${(v / base).toFixed(2)}×`;

function metricCell(row: CandidateRow, original: CandidateRow, metric: string | null): string {
  if (!metric || !row.metrics) return '–';
  const value = row.metrics[metric];
  if (value === undefined) return '–';
  if (row === original) return value.toFixed(4);
  const delta = value - (original.metrics?.[metric] ?? Number.NaN);
  return `${value.toFixed(4)} (${delta >= 0 ? '+' : ''}${delta.toFixed(4)})`;
}

const diff = (row: CandidateRow) =>
  row.max_abs_diff === undefined ? '–' : row.max_abs_diff === 0 ? '0' : row.max_abs_diff.toExponential(1);

/** Why a row was not measured or not eligible, without repeating a one-pass candidate's name. */
function why(row: CandidateRow): string {
  const reason = row.reason ?? (row.budget ?? []).filter((b) => b.endsWith('✗')).join('; ');
  return reason.startsWith(`${row.name}: `) ? reason.slice(row.name.length + 2) : reason;
}

function statusText(row: CandidateRow): string {
  if (row.chosen) return row.status === 'original' ? 'kept' : 'chosen';
  return row.status === 'original' ? 'baseline' : row.status;
}

function headline(r: OptimizeReport): string {
  const chosen = r.candidates.find((c) => c.chosen);
  const original = r.candidates[0]!;
  if (!chosen) return `no candidate is inside the budget${r.budget ? ` (${r.budget})` : ''}`;
  if (chosen === original) {
    return `kept the original: no candidate is ${r.objective === 'size' ? 'smaller' : 'faster'}${r.budget ? ' inside the budget' : ''}`;
  }
  return `chose ${chosen.name}: ${ratio(chosen.size, original.size)} size, ${ratio(chosen.latency_p50, original.latency_p50)} p50 latency (objective ${r.objective})`;
}

/** Terminal output: a headline, the table with Pareto-optimal rows starred, skip reasons. */
export function renderOptimizeText(r: OptimizeReport): string {
  const original = r.candidates[0]!;
  const header = [
    'candidate',
    'status',
    'size',
    '×size',
    'p50 ms',
    'p95 ms',
    '×p50',
    'max |Δ|',
    r.quality_metric ?? 'metric',
    'pareto',
  ];
  const body = r.candidates.map((c) => [
    c.name,
    statusText(c),
    kib(c.size),
    ratio(c.size, original.size),
    ms(c.latency_p50),
    ms(c.latency_p95),
    ratio(c.latency_p50, original.latency_p50),
    c === original ? '' : diff(c),
    metricCell(c, original, r.quality_metric),
    c.pareto ? '*' : '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const lines = [`${r.model}: ${headline(r)}`, '', line(header), ...body.map(line)];
  const unmeasured = r.candidates.filter((c) => c.reason || c.status === 'over-budget');
  if (unmeasured.length > 0) lines.push('');
  for (const c of unmeasured) lines.push(`  ${c.name}: ${why(c)}`);
  lines.push(
    '',
    `* Pareto-optimal (size, latency${r.quality_metric ? `, ${r.quality_metric}` : ''}). Latency: batch 1, ${r.latency.runs} interleaved runs on ${r.latency.feed} input.`,
  );
  if (r.output && r.chosen) lines.push(`wrote ${r.output}`);
  return lines.join('\n');
}

/** Markdown for the job summary and the sticky PR comment: table, chart, reasons. */
export function renderOptimizeSummary(r: OptimizeReport): string {
  const original = r.candidates[0]!;
  const icon = r.chosen ? '✅' : '❌';
  const lines = [
    `### modelops optimize: ${escapeMarkdown(r.model)} — ${icon} ${escapeMarkdown(headline(r))}`,
    '',
    `| candidate | status | size | ×size | p50 ms | p95 ms | ×p50 | max \\|Δ\\| | ${escapeMarkdown(r.quality_metric ?? 'metric')} | Pareto |`,
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: |',
  ];
  for (const c of r.candidates) {
    const name = c.chosen ? `**${escapeMarkdown(c.name)}**` : escapeMarkdown(c.name);
    lines.push(
      `| ${name} | ${statusText(c)} | ${kib(c.size)} | ${ratio(c.size, original.size)} | ${ms(c.latency_p50)} | ${ms(c.latency_p95)} | ${ratio(c.latency_p50, original.latency_p50)} | ${c === original ? '' : diff(c)} | ${escapeMarkdown(metricCell(c, original, r.quality_metric))} | ${c.pareto ? '★' : ''} |`,
    );
  }
  lines.push(
    '',
    `★ Pareto-optimal: no other row is smaller, faster${r.quality_metric ? ` and better on ${escapeMarkdown(r.quality_metric)}` : ''} at once. ` +
      `Latency: batch 1, ${r.latency.runs} runs per model interleaved with the original in one process${r.data_rows ? `; metrics on ${r.data_rows} rows` : ''}.`,
  );
  const chart = renderChart(r);
  if (chart) lines.push('', chart);
  const notes = r.candidates.filter((c) => c.reason || c.status === 'over-budget');
  if (notes.length > 0) {
    lines.push('', '<details><summary>Skipped, invalid and over-budget candidates</summary>', '');
    for (const c of notes) lines.push(`- ${codeSpan(c.name)} (${c.status}): ${escapeMarkdown(why(c))}`);
    lines.push('', '</details>');
  }
  if (r.output && r.chosen) lines.push('', `Wrote ${codeSpan(r.output)}.`);
  return lines.join('\n') + '\n';
}

/**
 * A mermaid xychart (GitHub renders it): size and p50 latency of every measured model as a
 * percentage of the original's, bars for size and a line for latency.
 */
export function renderChart(r: OptimizeReport): string | undefined {
  const original = r.candidates[0]!;
  const measured = r.candidates.filter((c) => c.size !== undefined && c.latency_p50 !== undefined);
  if (measured.length < 2 || !original.size || !original.latency_p50) return undefined;
  const label = (name: string) => `"${name.replace(/["\\]/g, '')}"`;
  const pct = (v: number, base: number) => Math.round((v / base) * 1000) / 10;
  const sizes = measured.map((c) => pct(c.size!, original.size!));
  const latencies = measured.map((c) => pct(c.latency_p50!, original.latency_p50!));
  const top = Math.ceil(Math.max(100, ...sizes, ...latencies) / 10) * 10;
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Size (bars) and p50 latency (line), % of the original"',
    `  x-axis [${measured.map((c) => label(c.name)).join(', ')}]`,
    `  y-axis "% of original" 0 --> ${top}`,
    `  bar [${sizes.join(', ')}]`,
    `  line [${latencies.join(', ')}]`,
    '```',
  ].join('\n');
}
