import type { PromotionCheck } from '../../core/deploy/requirements.js';
import { codeSpan, escapeMarkdown } from '../../core/report/markdown.js';
import type { DeployAction } from './plan-deploy.js';

/** The `--json` result of deploy (docs/actions/deploy.md). */
export interface DeployResult {
  dryRun: boolean;
  action: DeployAction;
  name: string;
  environment: string;
  status: 'created' | 'planned' | 'unchanged';
  tag: string | null;
  counter: number | null;
  /** What the environment holds afterwards; null after unassign. */
  version: string | null;
  previous: string | null;
  commit: string | null;
  sha256: string | null;
  pushed: boolean;
  checks: PromotionCheck | null;
  deployment: { id: number; environment: string; state: string } | null;
  /** Serving-target paths written (or removed, after unassign), repository-relative; `branch:path` on a GitOps branch. */
  rendered: string[];
  /** The local target's smoke test before the tag (target: local), null when none ran. */
  smoke: { url: string; outputs: string[] } | null;
}

const VERB: Record<DeployAction, string> = {
  promote: 'promote',
  rollback: 'roll back',
  unassign: 'unassign',
};

export function renderDeployText(r: DeployResult): string {
  if (r.status === 'unchanged')
    return `${r.name}: ${r.environment} already holds ${r.version}; nothing to do`;
  const how = r.dryRun
    ? 'would create'
    : r.pushed
      ? 'created and pushed'
      : 'created (local tag; pass --push to publish)';
  const what =
    r.action === 'unassign'
      ? `${r.environment} emptied (held ${r.previous ?? 'nothing'})`
      : `${r.environment}: ${r.previous ?? '—'} → ${r.version}`;
  const lines = [`${r.name}: ${VERB[r.action]} — ${what}; ${how} ${r.tag}`];
  if (r.checks?.previous)
    lines.push(
      `  in ${r.checks.previous.environment} since ${r.checks.previous.since ?? '?'} (${r.checks.previous.tag})`,
    );
  if (r.checks?.gates)
    lines.push(
      `  gates passed (${r.checks.gates.file}): ${
        Object.entries(r.checks.gates.passed)
          .map(([g, s]) => `${g}=${s}`)
          .join(', ') || 'verdict pass'
      }`,
    );
  if (r.checks?.audit) lines.push(`  audit ${r.checks.audit.verdict} (${r.checks.audit.file})`);
  if (r.smoke)
    lines.push(`  local smoke test passed before tagging: ready + one infer (${r.smoke.outputs.join(', ')})`);
  if (r.rendered.length > 0)
    lines.push(
      `  serving targets ${r.action === 'unassign' ? 'removed' : 'rendered'}: ${r.rendered.join(', ')}`,
    );
  if (r.deployment)
    lines.push(`  GitHub deployment ${r.deployment.id} (${r.deployment.environment}): ${r.deployment.state}`);
  return lines.join('\n');
}

export function renderDeploySummary(r: DeployResult): string {
  const title = `### modelops deploy${r.dryRun ? ' (dry run)' : ''}`;
  if (r.status === 'unchanged')
    return `${title}\n\n${escapeMarkdown(r.name)}: ${escapeMarkdown(r.environment)} already holds ${r.version}.\n`;
  const rows = [
    ['action', VERB[r.action]],
    ['environment', escapeMarkdown(r.environment)],
    ['version', r.version ?? '—'],
    ['previous', r.previous ?? '—'],
    ['tag', r.tag ? codeSpan(r.tag) : '—'],
    ['sha256', r.sha256 ? codeSpan(r.sha256.slice(0, 12)) : '—'],
    [
      'gates',
      r.checks?.gates
        ? escapeMarkdown(
            Object.entries(r.checks.gates.passed)
              .map(([g, s]) => `${g}: ${s}`)
              .join(', ') || 'pass',
          )
        : 'not required',
    ],
    ['audit', r.checks?.audit ? r.checks.audit.verdict : 'not required'],
    ['GitHub deployment', r.deployment ? `${r.deployment.id} (${r.deployment.state})` : '—'],
  ];
  return [
    title,
    '',
    `| ${escapeMarkdown(r.name)} | |`,
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ].join('\n');
}
