import { codeSpan, escapeMarkdown } from '../../core/report/markdown.js';
import type { DiffResult } from './diff.js';
import type { HistoryResult } from './history.js';
import type { ListResult } from './list.js';
import type { ShowResult } from './show.js';

export type RegistryResult = ListResult | ShowResult | HistoryResult | DiffResult;

const TITLE = '### modelops registry';
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const table = (header: string[], rows: string[][]) =>
  [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
const md = (text: string | null | undefined) => (text ? escapeMarkdown(text) : '—');

/** The job summary: the same answer as the text output, as Markdown tables. */
export function renderRegistrySummary(r: RegistryResult): string {
  switch (r.command) {
    case 'list':
      return [
        TITLE,
        '',
        r.models.length === 0
          ? 'The registry is empty.'
          : table(
              ['model', 'latest', 'status', 'stages'],
              r.models.map((m) => [
                md(m.name),
                md(m.latest),
                m.status,
                m.stages.map((s) => `${md(s.stage)} ${md(s.version)}`).join(', ') || '—',
              ]),
            ),
        '',
        ...r.warnings.map((w) => `> [!WARNING]\n> ${escapeMarkdown(w.message)}\n`),
      ].join('\n');
    case 'show':
      return [
        `${TITLE}: ${md(r.name)} ${md(r.version)}`,
        '',
        table(
          ['field', 'value'],
          [
            ['status', r.status + (r.deprecated ? ' (model deprecated)' : '')],
            ['tag', r.tag ? codeSpan(r.tag) : '—'],
            ['stages', r.stages.map(md).join(', ') || '—'],
            ['parent', md(r.lineage.parent)],
            ['sha256', r.sha256 ? codeSpan(r.sha256) : '—'],
            ['size', r.size === null ? '—' : `${r.size.toLocaleString('en-US')} bytes`],
            ['bump', md(r.bump)],
            ['actor', md(r.actor)],
            ['commit', r.commit ? codeSpan(r.commit) : '—'],
          ],
        ),
        '',
        ...(r.deployments.length > 0
          ? [
              `#### Deployments of ${md(r.name)}`,
              '',
              table(
                ['environment', '#', 'event', 'version', 'actor', 'date', 'evidence', 'tag'],
                r.deployments.flatMap((env) =>
                  env.events.map((e) => [
                    md(env.environment),
                    e.counter === null ? '—' : String(e.counter),
                    e.action,
                    e.action === 'unassign' ? `${md(e.from)} → —` : `${md(e.from)} → ${md(e.version)}`,
                    md(e.actor),
                    md(e.date),
                    md(e.evidence),
                    codeSpan(e.tag),
                  ]),
                ),
              ),
              '',
            ]
          : []),
      ].join('\n');
    case 'history':
      return [
        `${TITLE}: history of ${md(r.name)}`,
        '',
        table(
          ['#', 'date', 'event', 'what', 'actor', 'tag'],
          r.events.map((e) => [
            e.counter === null ? '—' : String(e.counter),
            md(e.date),
            e.event,
            [e.stage, e.version].filter(Boolean).map(md).join(' ') || '—',
            md(e.actor),
            codeSpan(e.tag),
          ]),
        ),
        '',
      ].join('\n');
    case 'diff':
      return [
        `${TITLE}: ${md(r.from.name)} ${md(r.from.version)} → ${md(r.to.name)} ${md(r.to.version)} (${r.bump ?? 'bump unknown'})`,
        '',
        `- sha256: ${r.sha256.changed ? 'changed' : 'unchanged'}`,
        `- size: ${r.size.from ?? '?'} → ${r.size.to ?? '?'} bytes`,
        ...(r.metricsDigest
          ? [`- metrics digest: ${r.metricsDigest.changed ? 'changed' : 'unchanged'}`]
          : []),
        ...(r.changes ?? []).map((c) => `- ${escapeMarkdown(c)}`),
        ...r.notes.map((n) => `- note: ${escapeMarkdown(n)}`),
        '',
      ].join('\n');
  }
}
