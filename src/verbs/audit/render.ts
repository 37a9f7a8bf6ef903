import type { FileReport } from '../../core/audit/types.js';
import { severityRank } from '../../core/audit/types.js';
import { codeSpan, escapeMarkdown } from '../../core/report/markdown.js';
import { auditDocsUrl, ruleDocsUrl } from '../../core/audit/rule-docs.js';

const ICON: Record<FileReport['verdict'], string> = {
  clean: 'clean',
  suspicious: 'SUSPICIOUS',
  malicious: 'MALICIOUS',
  inconclusive: 'INCONCLUSIVE',
};

/** Terminal text: one line per file, then its findings and what could not be scanned. */
export function renderAuditText(reports: readonly FileReport[], failed: boolean, failLevel: string): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(
      `${r.path}: ${ICON[r.verdict]} (${r.format}, ${r.size} bytes)${r.allowlisted ? ` — allowlisted: ${r.allowlisted.reason}` : ''}`,
    );
    for (const f of r.findings)
      lines.push(
        `  ${f.severity.padEnd(8)} ${f.rule}  ${f.member ? `[${f.member}${f.offset !== undefined ? ` @${f.offset}` : ''}] ` : f.offset !== undefined ? `[@${f.offset}] ` : ''}${f.message}`,
      );
    for (const u of r.unscanned) lines.push(`  not scanned: ${u}`);
  }
  const counts = count(reports);
  lines.push(
    `${reports.length} file(s): ${
      Object.entries(counts)
        .filter(([, n]) => n > 0)
        .map(([v, n]) => `${n} ${v}`)
        .join(', ') || 'none'
    }` + (failed ? ` — findings at or above ${failLevel}` : ''),
  );
  return lines.join('\n');
}

/** Job summary markdown. */
export function renderAuditSummary(
  reports: readonly FileReport[],
  failed: boolean,
  failLevel: string,
  changes?: { base: string; head: string },
  docsUrl: string = auditDocsUrl(),
): string {
  const scope = changes
    ? `Files changed in ${codeSpan(`${changes.base.slice(0, 12)}..${changes.head.slice(0, 12)}`)}. `
    : '';
  if (reports.length === 0)
    return [heading(failed, failLevel), '', `${scope}No model files to scan.`, ''].join('\n');
  const counts = Object.entries(count(reports))
    .filter(([, n]) => n > 0)
    .map(([v, n]) => `${n} ${v}`)
    .join(', ');
  const rows = reports.map(
    (r) =>
      `| ${escapeMarkdown(r.path)} | ${r.format} | **${r.verdict}**${r.allowlisted ? ' (allowlisted)' : ''} | ${r.findings.length} | ${escapeMarkdown(
        r.findings
          .slice(0, 3)
          .map((f) => `${f.rule}: ${f.global ?? f.message}`)
          .join('; ') ||
          r.unscanned[0] ||
          '',
      )} |`,
  );
  return [
    heading(failed, failLevel),
    '',
    `${scope}${reports.length} file(s): ${counts}.`,
    '',
    '| file | format | verdict | findings | first findings |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...findingsTable(reports, docsUrl),
  ].join('\n');
}

const MAX_FINDING_ROWS = 50;

/** Every finding at medium or above (capped), worst first, linked to its rule's documentation. */
function findingsTable(reports: readonly FileReport[], docsUrl: string): string[] {
  const all = reports
    .filter((r) => !r.allowlisted)
    .flatMap((r) => r.findings.map((f) => ({ r, f })))
    .filter(({ f }) => severityRank(f.severity) >= severityRank('medium'))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity));
  if (all.length === 0) return [];
  const rows = all
    .slice(0, MAX_FINDING_ROWS)
    .map(
      ({ r, f }) =>
        `| ${f.severity} | [${f.rule}](${ruleDocsUrl(f.rule, docsUrl)}) | ${escapeMarkdown(r.path)} | ${escapeMarkdown(
          [f.member, f.offset !== undefined ? `@${f.offset}` : ''].filter(Boolean).join(' '),
        )} | ${escapeMarkdown(f.message)} |`,
    );
  return [
    '| severity | rule | file | where | finding |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    ...(all.length > MAX_FINDING_ROWS
      ? ['', `… and ${all.length - MAX_FINDING_ROWS} more (see the job log).`]
      : []),
    '',
  ];
}

function heading(failed: boolean, failLevel: string): string {
  return `### modelops audit${failed ? ` — failed (findings at or above ${codeSpan(failLevel)})` : ''}`;
}

export function count(reports: readonly FileReport[]): Record<FileReport['verdict'], number> {
  const c = { clean: 0, suspicious: 0, malicious: 0, inconclusive: 0 };
  for (const r of reports) c[r.verdict]++;
  return c;
}
