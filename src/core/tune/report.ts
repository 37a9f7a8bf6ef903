import { escapeMarkdown } from '../report/markdown.js';
import type { ParamImportance } from './report-importance.js';
import { bestSoFar, countTrials } from './study.js';
import type { Direction, Params, Trial } from './types.js';

/** What the tune report shows; the verb fills it from the journal. */
export interface StudyReport {
  studyId: string;
  journal: string;
  metric: string;
  direction: Direction;
  sampler: string;
  trials: readonly Trial[];
  best: Trial | undefined;
  importances: readonly ParamImportance[];
  bestParamsFile?: string;
}

const SPARKS = '▁▂▃▄▅▆▇█';

/** One Unicode block per value, scaled between the smallest and largest; blank where undefined. */
export function sparkline(values: ReadonlyArray<number | undefined>): string {
  const defined = values.filter((v): v is number => v !== undefined);
  if (defined.length === 0) return '';
  const low = Math.min(...defined);
  const high = Math.max(...defined);
  return values
    .map((v) => {
      if (v === undefined) return ' ';
      const level =
        high === low ? SPARKS.length - 1 : Math.round(((v - low) / (high - low)) * (SPARKS.length - 1));
      return SPARKS[level]!;
    })
    .join('');
}

/** At most `width` points: the best-so-far curve sampled evenly (always keeping the last). */
export function downsample<T>(values: readonly T[], width: number): T[] {
  if (values.length <= width) return [...values];
  return Array.from(
    { length: width },
    (_, i) => values[Math.round((i * (values.length - 1)) / (width - 1))]!,
  );
}

export function formatValue(value: number | undefined): string {
  if (value === undefined) return '—';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  return abs >= 1e5 || abs < 1e-3 ? value.toExponential(3) : String(Number(value.toPrecision(5)));
}

const formatParam = (v: Params[string]) => (typeof v === 'number' ? formatValue(v) : String(v));

function bar(fraction: number, width = 20): string {
  const cells = Math.round(fraction * width);
  return '█'.repeat(cells) + '░'.repeat(width - cells);
}

/** Terminal lines. */
export function renderStudyText(r: StudyReport): string {
  const counts = countTrials(r.trials);
  const lines = [
    `study ${r.studyId} (${r.journal}): ${r.trials.length} trials — ${counts.complete} complete, ${counts.pruned} pruned, ${counts.failed} failed${counts.running ? `, ${counts.running} running` : ''}`,
  ];
  if (r.best) {
    lines.push(`best trial #${r.best.number}: ${r.metric} = ${formatValue(r.best.value)} (${r.direction})`);
    for (const [name, value] of Object.entries(r.best.params))
      lines.push(`  ${name} = ${formatParam(value)}`);
  } else lines.push(`no trial completed: no best ${r.metric} yet`);
  const curve = bestSoFar(r.trials, r.direction);
  const first = curve.find((v) => v !== undefined);
  if (first !== undefined) {
    lines.push(
      `convergence (best ${r.metric} so far): ${sparkline(downsample(curve, 60))}  ${formatValue(first)} → ${formatValue(curve.at(-1))}`,
    );
  }
  if (r.importances.length > 0) {
    lines.push('parameter importance (share of the objective explained; see docs/actions/tune.md):');
    const width = Math.max(...r.importances.map((i) => i.param.length));
    for (const i of r.importances)
      lines.push(`  ${i.param.padEnd(width)} ${bar(i.importance)} ${i.importance.toFixed(2)}`);
  }
  const failed = r.trials.filter((t) => t.state === 'failed');
  for (const t of failed.slice(-5))
    lines.push(`failed trial #${t.number}: ${t.error ?? 'no reason recorded'}`);
  if (r.bestParamsFile) lines.push(`best params written to ${r.bestParamsFile}`);
  return lines.join('\n');
}

/** Markdown for the job summary and the sticky PR comment; every user value escaped. */
export function renderStudyMarkdown(r: StudyReport): string {
  const e = escapeMarkdown;
  const counts = countTrials(r.trials);
  const lines = [
    `### modelops tune: ${e(r.metric)} (${r.direction})`,
    '',
    `Study \`${e(r.studyId)}\` in \`${e(r.journal)}\`, sampler ${e(r.sampler)}: ${r.trials.length} trials — ` +
      `${counts.complete} complete, ${counts.pruned} pruned, ${counts.failed} failed${counts.running ? `, ${counts.running} running` : ''}.`,
    '',
  ];
  if (r.best) {
    lines.push(
      `**Best: trial #${r.best.number}, ${e(r.metric)} = ${formatValue(r.best.value)}**` +
        (r.bestParamsFile ? ` (written to \`${e(r.bestParamsFile)}\`)` : ''),
      '',
      '| parameter | value |',
      '| --- | --- |',
      ...Object.entries(r.best.params).map(([k, v]) => `| ${e(k)} | ${e(formatParam(v))} |`),
      '',
    );
  } else lines.push(`**No trial completed**: no best ${e(r.metric)} yet.`, '');
  lines.push(...convergenceChart(r));
  if (r.importances.length > 0) {
    lines.push(
      '#### Parameter importance',
      '',
      '| parameter | importance | explained | trials |',
      '| --- | --- | --- | --- |',
      ...r.importances.map(
        (i) =>
          `| ${e(i.param)} | \`${bar(i.importance, 10)}\` ${i.importance.toFixed(2)} | ${(i.explained * 100).toFixed(0)}% | ${i.trials} |`,
      ),
      '',
    );
  }
  lines.push(...trialTable(r));
  return lines.join('\n');
}

function convergenceChart(r: StudyReport): string[] {
  const curve = bestSoFar(r.trials, r.direction);
  const firstAt = curve.findIndex((v) => v !== undefined);
  if (firstAt === -1) return [];
  const points = downsample(curve.slice(firstAt) as number[], 50);
  const round = (v: number) => Number(v.toPrecision(6));
  return [
    '#### Convergence',
    '',
    '```mermaid',
    'xychart-beta',
    `  title "best ${r.metric.replace(/["\\]/g, '')} so far"`,
    `  x-axis "trial" ${firstAt} --> ${curve.length - 1}`,
    `  y-axis "${r.metric.replace(/["\\]/g, '')}"`,
    `  line [${points.map(round).join(', ')}]`,
    '```',
    '',
    `\`${sparkline(downsample(curve, 60))}\` ${formatValue(curve[firstAt])} → ${formatValue(curve.at(-1))}`,
    '',
  ];
}

function trialTable(r: StudyReport): string[] {
  const e = escapeMarkdown;
  const shown = [...r.trials]
    .sort((a, b) => a.number - b.number)
    .slice(-50)
    .reverse();
  const names = [...new Set(shown.flatMap((t) => Object.keys(t.params)))];
  const rows = shown.map(
    (t) =>
      `| ${t.number} | ${t.state} | ${formatValue(t.value)} | ${names.map((n) => (t.params[n] === undefined ? '' : e(formatParam(t.params[n]!)))).join(' | ')} | ${t.durationMs === undefined ? '' : (t.durationMs / 1000).toFixed(1)} | ${e(t.error ?? '')} |`,
  );
  return [
    '<details><summary>Trials' +
      (r.trials.length > shown.length ? ` (last ${shown.length})` : '') +
      '</summary>',
    '',
    `| # | state | ${e(r.metric)} | ${names.map(e).join(' | ')} | seconds | note |`,
    `| --- | --- | --- | ${names.map(() => '---').join(' | ')} | --- | --- |`,
    ...rows,
    '',
    '</details>',
    '',
  ];
}
