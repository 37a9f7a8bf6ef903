import { codeSpan, escapeMarkdown } from '../../core/report/markdown.js';

export interface VersionedModel {
  name: string;
  path: string;
  status: 'new' | 'unchanged';
  version: string;
  previous?: string;
  bump: string;
  tag: string;
  sha256: string;
  size: number;
  format: string;
  source: 'content' | 'pointer';
  changes: string[];
  pushed: boolean;
  manifestPath: string | undefined;
}

/** What a person sees in the terminal. */
export function renderVersionText(models: readonly VersionedModel[], dryRun: boolean): string {
  const lines: string[] = [];
  for (const m of models) {
    if (m.status === 'unchanged') {
      lines.push(`${m.name}: unchanged — already registered as ${m.tag}`);
      continue;
    }
    const verb = dryRun ? 'would register' : m.pushed ? 'registered and pushed' : 'registered (local tag)';
    const from = m.previous ? `v${m.previous} → ` : '';
    lines.push(`${m.name}: ${verb} ${m.tag} (${from}v${m.version}, ${m.bump})`);
    lines.push(
      `  sha256 ${m.sha256}  ${m.size} bytes  ${m.format}${m.source === 'pointer' ? ' (from LFS pointer)' : ''}`,
    );
    for (const change of m.changes) lines.push(`  ${change}`);
    if (m.manifestPath) lines.push(`  manifest written: ${m.manifestPath}`);
  }
  return lines.join('\n');
}

/** The job summary / PR comment body. */
export function renderVersionSummary(models: readonly VersionedModel[], dryRun: boolean): string {
  if (models.length === 0) return '### modelops version\n\nNo model changed.\n';
  const rows = models.map(
    (m) =>
      `| ${escapeMarkdown(m.name)} | ${m.status === 'unchanged' ? 'unchanged' : dryRun ? 'planned' : m.pushed ? 'pushed' : 'tagged'} | ${codeSpan(m.tag)} | ${m.previous ? `v${m.previous}` : '—'} | ${m.bump} | ${codeSpan(m.sha256.slice(0, 12))} | ${m.size.toLocaleString('en-US')} |`,
  );
  const changes = models
    .filter((m) => m.changes.length > 0)
    .map(
      (m) =>
        `<details><summary>${escapeMarkdown(m.name)}: ${m.changes.length} signature change(s)</summary>\n\n${m.changes.map((c) => `- ${escapeMarkdown(c)}`).join('\n')}\n\n</details>`,
    );
  return [
    `### modelops version${dryRun ? ' (dry run)' : ''}`,
    '',
    '| model | status | tag | previous | bump | sha256 | bytes |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...changes,
    '',
  ].join('\n');
}
