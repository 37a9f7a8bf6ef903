import { bumpFor, diffSignatures } from '../../core/registry/signature-diff.js';
import type { ResolvedVersion } from '../../core/registry/version-ref.js';
import type { GitTag } from '../../platform/git/index.js';
import { evidenceView, short, type EvidenceView } from './evidence-view.js';

interface Side {
  name: string;
  version: string;
  tag: string | null;
  status: 'registered' | 'deregistered';
}

interface Change<T> {
  from: T | null;
  to: T | null;
  changed: boolean;
}

export interface DiffResult {
  command: 'diff';
  name: string;
  from: Side;
  to: Side;
  /** The bump the signature diff implies; 'none' for identical content, null when a signature is missing. */
  bump: 'major' | 'minor' | 'patch' | 'none' | null;
  /** diffSignatures lines, most severe first; null when either side has no recorded signature. */
  changes: string[] | null;
  sha256: Change<string>;
  size: Change<number> & { delta: number | null };
  /** Present when either side records a metrics digest. */
  metricsDigest?: Change<string>;
  /** Why a part of the diff could not be computed. */
  notes: string[];
}

/** Compares two versions from their tag evidence alone: nothing is checked out. */
export function diffVersions(
  a: ResolvedVersion,
  b: ResolvedVersion,
  tags: ReadonlyMap<string, GitTag>,
): DiffResult {
  const evidence = (r: ResolvedVersion) =>
    evidenceView(r.version.tag ? tags.get(r.version.tag.name) : undefined);
  const ea = evidence(a);
  const eb = evidence(b);
  const from = side(a);
  const to = side(b);
  const notes: string[] = [];
  let changes: string[] | null = null;
  let bump: DiffResult['bump'] = null;
  const sameContent = ea.sha256 !== null && ea.sha256 === eb.sha256;
  if (ea.signature && eb.signature) {
    const diff = diffSignatures(ea.signature, eb.signature);
    changes = diff.map((c) => c.line);
    bump = sameContent ? 'none' : bumpFor(diff);
  } else if (sameContent) {
    // Same bytes, same signature, whether or not it was recorded.
    changes = [];
    bump = 'none';
  } else {
    for (const [s, e] of [
      [from, ea],
      [to, eb],
    ] as const) {
      const note = `${s.name} ${s.version} records no signature in its tag evidence`;
      if (!e.signature && !notes.includes(note)) notes.push(note);
    }
  }
  const sizeDelta = ea.size !== null && eb.size !== null ? eb.size - ea.size : null;
  return {
    command: 'diff',
    name: b.model.name,
    from,
    to,
    bump,
    changes,
    sha256: change(ea, eb, 'sha256'),
    size: { ...change(ea, eb, 'size'), delta: sizeDelta },
    ...(ea.metricsDigest || eb.metricsDigest ? { metricsDigest: change(ea, eb, 'metricsDigest') } : {}),
    notes,
  };
}

function side(r: ResolvedVersion): Side {
  return {
    name: r.model.name,
    version: `v${r.version.version}`,
    tag: r.version.tag?.name ?? null,
    status: r.version.status,
  };
}

function change<K extends 'sha256' | 'size' | 'metricsDigest'>(
  a: EvidenceView,
  b: EvidenceView,
  key: K,
): Change<NonNullable<EvidenceView[K]>> {
  const from = a[key] ?? null;
  const to = b[key] ?? null;
  return { from, to, changed: from !== to } as Change<NonNullable<EvidenceView[K]>>;
}

export function renderDiffText(r: DiffResult): string {
  const label = (s: Side) => `${s.name} ${s.version}${s.status === 'deregistered' ? ' (deregistered)' : ''}`;
  const lines = [`${label(r.from)} → ${label(r.to)}: ${r.bump ?? 'bump unknown'}`];
  const hash = r.sha256.changed
    ? `${short(r.sha256.from)} → ${short(r.sha256.to)}`
    : `${short(r.sha256.to)} (same content)`;
  lines.push(`  sha256   ${hash}`);
  if (r.size.from !== null || r.size.to !== null) {
    const delta = r.size.delta === null ? '' : ` (${r.size.delta >= 0 ? '+' : ''}${r.size.delta} bytes)`;
    lines.push(`  size     ${r.size.from ?? '?'} → ${r.size.to ?? '?'}${delta}`);
  }
  if (r.metricsDigest) {
    const m = r.metricsDigest;
    lines.push(
      `  metrics  ${m.changed ? `${short(m.from)} → ${short(m.to)}` : `${short(m.to)} (unchanged)`}`,
    );
  }
  if (r.changes?.length === 0) lines.push('  signature unchanged');
  for (const line of r.changes ?? []) lines.push(`  ${line}`);
  for (const note of r.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}
