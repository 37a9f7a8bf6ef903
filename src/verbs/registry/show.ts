import { compareSemver } from '../../core/registry/semver.js';
import type { ResolvedVersion } from '../../core/registry/version-ref.js';
import type { GitTag } from '../../platform/git/index.js';
import { deploymentHistory, deploymentLines, type EnvironmentHistory } from './deployments.js';
import { evidenceView, signatureLines, type EvidenceView } from './evidence-view.js';

export interface ShowResult extends EvidenceView {
  command: 'show';
  name: string;
  version: string;
  /** The register tag (null when only a deregister tag exists). */
  tag: string | null;
  /** What the query named when it was a stage, e.g. `churn#production`. */
  via: string | null;
  status: 'registered' | 'deregistered';
  /** The model, not just this version, is deprecated. */
  deprecated: boolean;
  /** False for tags made by GTO or by hand: no modelops-evidence line. */
  evidence: boolean;
  commit: string | null;
  /** Stages whose current assignment is this version. */
  stages: string[];
  /** parent: the previous version of the model; next: the one after it. */
  lineage: { parent: string | null; next: string | null };
  deregisteredBy: { tag: string; date: string | null; actor: string | null } | null;
  /** The model's deployment history per environment (every version), from its stage tags. */
  deployments: EnvironmentHistory[];
}

/** One version: evidence from its tag message, its stages, its place in the lineage. */
export function showVersion(resolved: ResolvedVersion, tags: ReadonlyMap<string, GitTag>): ShowResult {
  const { model, version } = resolved;
  const tag = version.tag ? tags.get(version.tag.name) : undefined;
  const { hasEvidence, ...evidence } = evidenceView(tag);
  const others = model.versions.map((x) => x.version);
  const before = others.filter((x) => compareSemver(x, version.version) < 0).at(-1);
  const after = others.find((x) => compareSemver(x, version.version) > 0);
  const deregister = model.history.find(
    (r) => r.event.kind === 'deregister' && r.event.version === version.version,
  );
  const deregisterTag = deregister ? tags.get(deregister.tag.name) : undefined;
  return {
    command: 'show',
    name: model.name,
    version: `v${version.version}`,
    tag: version.tag?.name ?? null,
    via: resolved.stage ? `${model.name}#${resolved.stage.stage}` : null,
    status: version.status,
    deprecated: model.deprecated,
    evidence: hasEvidence,
    ...evidence,
    commit: version.commit ?? null,
    stages: model.stages.filter((s) => s.version === version.version).map((s) => s.stage),
    lineage: { parent: before ? `v${before}` : null, next: after ? `v${after}` : null },
    deregisteredBy: deregister
      ? {
          tag: deregister.tag.name,
          date: deregister.tag.date ?? null,
          actor: evidenceView(deregisterTag).actor,
        }
      : null,
    deployments: deploymentHistory(model, tags),
  };
}

export function renderShowText(r: ShowResult): string {
  const head = `${r.name} ${r.version} — ${r.status}${r.deprecated ? ', model deprecated' : ''}${
    r.tag ? ` (${r.tag})` : ''
  }${r.via ? ` via ${r.via}` : ''}`;
  const rows: [string, string | string[] | null][] = [
    ['commit', r.commit],
    ['stages', r.stages.join(', ') || '—'],
    ['parent', r.lineage.parent ?? '— (first version)'],
    ['next', r.lineage.next],
    [
      'deregistered',
      r.deregisteredBy
        ? `${r.deregisteredBy.tag}${r.deregisteredBy.date ? ` on ${r.deregisteredBy.date}` : ''}${
            r.deregisteredBy.actor ? ` by ${r.deregisteredBy.actor}` : ''
          }`
        : null,
    ],
    ['sha256', r.sha256],
    ['size', r.size === null ? null : `${r.size.toLocaleString('en-US')} bytes`],
    ['format', r.format],
    ['bump', r.bump],
    ['metrics', r.metricsDigest ? `digest ${r.metricsDigest}` : null],
    ['actor', r.actor],
    ['run', r.runUrl],
    ['created', r.createdAt],
    ['signature', r.signature ? signatureLines(r.signature) : null],
    ['changes', r.changes.length ? r.changes : null],
  ];
  const lines = [head];
  for (const [label, value] of rows) {
    if (value === null) continue;
    const values = Array.isArray(value) ? value : [value];
    values.forEach((text, i) => lines.push(`  ${(i === 0 ? label : '').padEnd(13)} ${text}`));
  }
  if (!r.evidence) lines.push('  (no modelops evidence in the tag message: made by GTO or by hand)');
  if (r.deployments.length > 0) {
    lines.push(`deployments of ${r.name}:`);
    lines.push(...deploymentLines(r.deployments).map((l) => `  ${l}`));
  }
  return lines.join('\n');
}
