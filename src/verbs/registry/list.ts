import type { RegistryState, RegistryWarning } from '../../core/registry/events.js';
import { latestRegistered } from '../../core/registry/version-ref.js';
import { formatTable } from './table.js';

/** One stage's current version: the assign tag with the highest counter wins, not the newest date. */
export interface StageView {
  stage: string;
  version: string | null;
  counter: number | null;
  tag: string;
  commit: string | null;
}

export interface ModelListing {
  name: string;
  /** Highest registered version (deregistered ones skipped), e.g. v1.2.0. */
  latest: string | null;
  status: 'active' | 'deprecated';
  /** How many versions were ever registered, and how many of those were deregistered. */
  versions: number;
  deregistered: number;
  stages: StageView[];
}

export interface ListResult {
  command: 'list';
  models: ModelListing[];
  warnings: RegistryWarning[];
}

/** Every model with its latest version, status and stages, plus the registry's warnings. */
export function listRegistry(state: RegistryState): ListResult {
  const models = [...state.models.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((model) => {
      const latest = latestRegistered(model);
      return {
        name: model.name,
        latest: latest ? `v${latest.version}` : null,
        status: model.deprecated ? ('deprecated' as const) : ('active' as const),
        versions: model.versions.length,
        deregistered: model.versions.filter((x) => x.status === 'deregistered').length,
        stages: model.stages.map((s) => ({
          stage: s.stage,
          version: s.version ? `v${s.version}` : null,
          counter: s.counter ?? null,
          tag: s.tag.name,
          commit: s.commit ?? null,
        })),
      };
    });
  return { command: 'list', models, warnings: state.warnings };
}

export function renderListText(result: ListResult): string {
  const lines: string[] = [];
  if (result.models.length === 0) {
    lines.push('the registry is empty: no annotated name@vX.Y.Z tags (register one with modelops version)');
  } else {
    const rows = result.models.map((m) => [
      m.name,
      m.latest ?? '—',
      m.status,
      String(m.versions - m.deregistered) + (m.deregistered ? ` (+${m.deregistered} deregistered)` : ''),
      m.stages.map((s) => `${s.stage}=${s.version ?? '?'}`).join(', ') || '—',
    ]);
    lines.push(formatTable(['MODEL', 'LATEST', 'STATUS', 'VERSIONS', 'STAGES'], rows));
  }
  for (const w of result.warnings) lines.push(`warning: ${w.message}`);
  return lines.join('\n');
}
