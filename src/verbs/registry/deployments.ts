import type { ModelState } from '../../core/registry/events.js';
import { parseTagMessage } from '../../core/registry/tag-evidence.js';
import type { GitTag } from '../../platform/git/index.js';
import { evidenceView } from './evidence-view.js';

/** One stage-tag event of an environment, as `registry show` lists it. */
export interface DeploymentEvent {
  counter: number | null;
  /** promote / rollback (assign tags), unassign (name#env!#N). */
  action: 'promote' | 'rollback' | 'unassign';
  /** What the environment held after the event (null after unassign). */
  version: string | null;
  /** What it held before, from the tag's evidence (null when none or unknown). */
  from: string | null;
  actor: string | null;
  date: string | null;
  tag: string;
  /** One line: gates passed, audit verdict, soak; null for tags without modelops evidence. */
  evidence: string | null;
  runUrl: string | null;
}

/** Per environment, oldest first; environments in the order they were first deployed to. */
export interface EnvironmentHistory {
  environment: string;
  current: string | null;
  events: DeploymentEvent[];
}

interface StageEvidenceFields {
  from_version?: string | null;
  rollback?: boolean;
  checks?: {
    gates?: { passed: Record<string, string>; file: string } | null;
    audit?: { verdict: string } | null;
    previous?: { environment: string; since: string | null } | null;
  };
}

/**
 * The deployment history of a model from its stage tags: promotions, rollbacks and unassigns per
 * environment, with who, when, and a summary of the evidence written into each tag.
 */
export function deploymentHistory(
  model: ModelState,
  tags: ReadonlyMap<string, GitTag>,
): EnvironmentHistory[] {
  const versionAt = new Map<string, string>();
  for (const v of model.versions) if (v.commit) versionAt.set(v.commit, `v${v.version}`);
  const byEnvironment = new Map<string, EnvironmentHistory>();
  for (const { event, tag } of model.history) {
    if (event.kind !== 'assign' && event.kind !== 'unassign') continue;
    const full = tags.get(tag.name);
    const raw = parseTagMessage(full?.message ?? tag.message);
    const evidence = raw as (typeof raw & StageEvidenceFields) | null;
    const view = evidenceView(full);
    const history = byEnvironment.get(event.stage) ?? { environment: event.stage, current: null, events: [] };
    byEnvironment.set(event.stage, history);
    const version =
      event.kind === 'unassign'
        ? null
        : (raw?.version ?? (tag.commit ? versionAt.get(tag.commit) : undefined) ?? null);
    history.events.push({
      counter: event.counter ?? null,
      action: event.kind === 'unassign' ? 'unassign' : evidence?.rollback ? 'rollback' : 'promote',
      version,
      from: evidence?.from_version ?? null,
      actor: view.actor,
      date: raw?.created_at ?? tag.date ?? null,
      tag: tag.name,
      evidence: evidence ? evidenceSummary(evidence) : null,
      runUrl: raw?.run_url ?? null,
    });
    history.current = version;
  }
  return [...byEnvironment.values()];
}

function evidenceSummary(e: StageEvidenceFields): string {
  const parts: string[] = [];
  const checks = e.checks;
  if (checks?.previous) parts.push(`was in ${checks.previous.environment}`);
  if (checks?.gates) {
    const passed = Object.keys(checks.gates.passed);
    parts.push(`gates passed: ${passed.length ? passed.join(', ') : 'verdict pass'}`);
  }
  if (checks?.audit) parts.push(`audit ${checks.audit.verdict}`);
  if (e.rollback) parts.push('rollback');
  return parts.join('; ') || 'no requirements';
}

/** Text lines under `deployments`: one block per environment, one line per event. */
export function deploymentLines(history: readonly EnvironmentHistory[]): string[] {
  const lines: string[] = [];
  for (const env of history) {
    lines.push(`${env.environment}: ${env.current ?? 'nothing'} now`);
    for (const e of env.events) {
      const what =
        e.action === 'unassign'
          ? `unassign (held ${e.from ?? '?'})`
          : `${e.action} ${e.from ?? '—'} → ${e.version ?? '?'}`;
      const who = [e.actor && `by ${e.actor}`, e.date && `at ${e.date}`].filter(Boolean).join(' ');
      lines.push(
        `  #${e.counter ?? '—'} ${what}${who ? ` ${who}` : ''} (${e.tag})${e.evidence ? ` — ${e.evidence}` : ''}`,
      );
    }
  }
  return lines;
}
