import type { ModelState } from '../../core/registry/events.js';
import type { RegistryEventKind } from '../../core/registry/tag-grammar.js';
import type { GitTag } from '../../platform/git/index.js';
import { evidenceView, short } from './evidence-view.js';
import { formatTable } from './table.js';

export interface HistoryEvent {
  /** The tag's counter; null for legacy tags without one (they sort first). */
  counter: number | null;
  date: string | null;
  event: RegistryEventKind;
  /** For register/deregister; for assign, the version registered at the assigned commit. */
  version: string | null;
  stage: string | null;
  tag: string;
  actor: string | null;
  commit: string | null;
}

export interface HistoryResult {
  command: 'history';
  name: string;
  deprecated: boolean;
  events: HistoryEvent[];
}

/** Every event of one model in registry order: counter, then tagger date, then tag name. */
export function modelHistory(model: ModelState, tags: ReadonlyMap<string, GitTag>): HistoryResult {
  const versionAt = new Map<string, string>();
  for (const x of model.versions) if (x.commit) versionAt.set(x.commit, x.version);
  const events = model.history.map(({ event, tag }) => {
    const version =
      'version' in event
        ? event.version
        : event.kind === 'assign' && tag.commit
          ? versionAt.get(tag.commit)
          : undefined;
    return {
      counter: event.counter ?? null,
      date: tag.date ?? null,
      event: event.kind,
      version: version ? `v${version}` : null,
      stage: 'stage' in event ? event.stage : null,
      tag: tag.name,
      actor: evidenceView(tags.get(tag.name)).actor,
      commit: tag.commit ?? null,
    };
  });
  return { command: 'history', name: model.name, deprecated: model.deprecated, events };
}

export function renderHistoryText(r: HistoryResult): string {
  const rows = r.events.map((e) => [
    e.counter === null ? '—' : String(e.counter),
    e.date ?? '—',
    e.event,
    [e.stage, e.version].filter(Boolean).join(' ') || '—',
    e.actor ?? '—',
    short(e.commit, 10),
    e.tag,
  ]);
  const title = `${r.name}: ${r.events.length} event(s)${r.deprecated ? ', deprecated' : ''}`;
  return `${title}\n${formatTable(['#', 'DATE', 'EVENT', 'WHAT', 'ACTOR', 'COMMIT', 'TAG'], rows)}`;
}
