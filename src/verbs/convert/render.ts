import type { ConversionInfo, ParitySummary } from '../../core/convert/index.js';
import type { OpsetUpgrade } from '../../core/onnx/index.js';
import { codeSpan } from '../../core/report/markdown.js';

/** The parts of the convert result the renderers show. */
export interface ConvertResult {
  input: string;
  output: string;
  size: number;
  conversion: ConversionInfo & { seconds: number };
  parity: ParitySummary | null;
}

const num = (v: number) => (v === 0 ? '0' : v.toExponential(2));

function describe(r: ConvertResult): string {
  const c = r.conversion;
  const what = [
    c.objective ?? c.task,
    c.trees !== undefined ? `${c.trees} trees` : '',
    `${c.features} features`,
  ];
  return `${c.from} (${what.filter(Boolean).join(', ')})`;
}

/** Terminal lines. */
export function renderConvertText(r: ConvertResult): string {
  const lines = [`converted ${r.input} → ${r.output}: ${describe(r)}, ${r.size} bytes`];
  const p = r.parity;
  if (p && p.outputs.length > 1) {
    for (const o of p.outputs) {
      lines.push(
        `parity of ${o.output}: ${o.passed ? 'passed' : 'FAILED'}, max abs error ${num(o.max_abs_error)}, max rel error ${num(o.max_rel_error)} (tolerance ${o.tolerance})`,
      );
    }
  }
  if (p) {
    lines.push(
      `parity ${p.passed ? 'passed' : 'FAILED'} on ${p.rows} rows of ${p.output}: max abs error ${num(p.max_abs_error)}, ` +
        `max rel error ${num(p.max_rel_error)}, mean abs error ${num(p.mean_abs_error)}, mean rel error ${num(p.mean_rel_error)} (tolerance ${p.tolerance})`,
    );
    for (const w of p.worst_rows.slice(0, p.passed ? 0 : 5))
      lines.push(`  row ${w.row} column ${w.column}: expected ${w.expected}, got ${w.actual}`);
  }
  return lines.join('\n');
}

/** Markdown for the job summary. */
export function renderConvertSummary(r: ConvertResult): string {
  const lines = ['### modelops convert', '', `\`${r.input}\` → \`${r.output}\`: ${describe(r)}`, ''];
  if (r.conversion.opset) lines.push(opsetLine(r.conversion.opset), '');
  const p = r.parity;
  if (!p) return [...lines, 'Parity: skipped (no parity-data and reference given).', ''].join('\n');
  lines.push(
    `Parity **${p.passed ? 'passed' : 'failed'}** on ${p.rows} rows of \`${p.output}\` (tolerance ${p.tolerance}):`,
    '',
    '| max abs error | max rel error | mean abs error | mean rel error |',
    '| --- | --- | --- | --- |',
    `| ${num(p.max_abs_error)} | ${num(p.max_rel_error)} | ${num(p.mean_abs_error)} | ${num(p.mean_rel_error)} |`,
    '',
  );
  if (p.outputs.length > 1) {
    lines.push(
      '| output | tolerance | max abs error | max rel error | parity |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const o of p.outputs) {
      lines.push(
        `| ${codeSpan(o.output)} | ${o.tolerance} | ${num(o.max_abs_error)} | ${num(o.max_rel_error)} | ${o.passed ? 'passed' : '**failed**'} |`,
      );
    }
    lines.push('');
  }
  if (p.worst_rows.length > 0) {
    lines.push('| row | column | expected | got | abs error |', '| --- | --- | --- | --- | --- |');
    for (const w of p.worst_rows)
      lines.push(`| ${w.row} | ${w.column} | ${w.expected} | ${w.actual} | ${num(w.abs_error)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

export function opsetLine(u: OpsetUpgrade): string {
  const ops = Object.entries(u.rewritten).map(([op, n]) => `${op} ×${n}`);
  return `opset ${u.from} → ${u.to}${ops.length ? ` (rewrote ${ops.join(', ')})` : ' (no operator needed rewriting)'}`;
}
