import { codeSpan, escapeMarkdown } from '../../core/report/markdown.js';
import type { CheckedGate } from './gates.js';

/** One slice's metrics in a report. */
export interface SliceView {
  name: string;
  rows: number;
  metrics: Record<string, number>;
  baseline: Record<string, number> | undefined;
}

const STATUS_MARK: Record<string, string> = { pass: '✅', fail: '❌', warn: '⚠️', 'no-baseline': '➖' };

/** A collapsible table: one row per slice, its rows, and candidate (baseline) for each metric. */
export function sliceSection(
  slices: readonly SliceView[],
  metrics: readonly string[],
  gates: readonly CheckedGate[],
): string[] {
  if (slices.length === 0) return [];
  const shown = metrics.filter((m) => slices.some((s) => m in s.metrics));
  const cell = (s: SliceView, m: string) => {
    const value = s.metrics[m];
    if (value === undefined) return '—';
    const base = s.baseline?.[m];
    return base === undefined ? short(value) : `${short(value)} (${short(base)})`;
  };
  const gateCell = (s: SliceView) =>
    gates
      .filter((g) => g.slice === s.name)
      .map((g) => `${STATUS_MARK[g.status]} ${escapeMarkdown(g.gate)}`)
      .join('<br>');
  return [
    `<details><summary>Slices (${slices.length}): candidate (baseline)</summary>`,
    '',
    `| slice | rows | ${shown.map(codeSpan).join(' | ')} | gate |`,
    `| --- | ---: |${shown.map(() => ' ---: |').join('')} --- |`,
    ...slices.map(
      (s) =>
        `| ${escapeMarkdown(s.name)} | ${s.rows.toLocaleString('en-US')} | ${shown.map((m) => cell(s, m)).join(' | ')} | ${gateCell(s)} |`,
    ),
    '',
    '</details>',
    '',
  ];
}

/**
 * A Mermaid bar chart of baseline vs candidate for the headline metrics that are fractions
 * (accuracy, f1, roc_auc, …): GitHub renders it inline, nothing is uploaded anywhere.
 */
export function comparisonChart(
  headline: readonly string[],
  candidate: Record<string, number>,
  baseline: Record<string, number> | undefined,
): string[] {
  if (!baseline) return [];
  const names = headline.filter((m) => isFraction(candidate[m]) && isFraction(baseline[m])).slice(0, 8);
  if (names.length === 0) return [];
  const values = (metrics: Record<string, number>) => `[${names.map((m) => short(metrics[m]!)).join(', ')}]`;
  return [
    '```mermaid',
    'xychart-beta',
    '  title "Baseline (first bar) vs candidate (second bar)"',
    `  x-axis [${names.map((m) => `"${m}"`).join(', ')}]`,
    '  y-axis "value" 0 --> 1',
    `  bar ${values(baseline)}`,
    `  bar ${values(candidate)}`,
    '```',
    '',
  ];
}

function isFraction(value: number | undefined): value is number {
  return value !== undefined && value >= 0 && value <= 1;
}

function short(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Number(value.toPrecision(4)));
}
