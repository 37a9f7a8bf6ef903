import type { FileReport } from '../../core/audit/types.js';
import { codeSpan, escapeMarkdown } from '../../core/report/markdown.js';

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
): string {
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
    `### modelops audit${failed ? ` — failed (findings at or above ${codeSpan(failLevel)})` : ''}`,
    '',
    '| file | format | verdict | findings | first findings |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

export function count(reports: readonly FileReport[]): Record<FileReport['verdict'], number> {
  const c = { clean: 0, suspicious: 0, malicious: 0, inconclusive: 0 };
  for (const r of reports) c[r.verdict]++;
  return c;
}
