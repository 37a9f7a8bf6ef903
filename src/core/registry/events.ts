/**
 * Folds a repository's registry tags into the registry's current state: which versions exist,
 * which version each stage points at, and what the next counter and version must be.
 */
import { compareSemver, incrementSemver, sortSemver, type Bump } from './semver.js';
import { parseTag, type RegistryEvent } from './tag-grammar.js';

/** A tag as listed from git. Structurally matches the platform's tag listing. */
export interface RegistryTagInput {
  name: string;
  /** Only annotated tags are registry events (as in GTO); lightweight ones draw a warning. */
  annotated: boolean;
  /** The commit the tag points at (peeled). */
  commit?: string;
  /** Tagger date, ISO 8601; orders legacy tags that have no counter. */
  date?: string;
  message?: string;
}

/** An event with the tag it came from. */
export interface RegistryEventRecord {
  event: RegistryEvent;
  tag: RegistryTagInput;
}

/** One version of a model. */
export interface VersionState {
  version: string;
  status: 'registered' | 'deregistered';
  /** The register tag (absent when only a deregister tag exists). */
  tag?: RegistryTagInput;
  commit?: string;
}

/** The current assignment of a stage. */
export interface StageAssignment {
  stage: string;
  /** The version registered at the assigned commit, if any. */
  version?: string;
  commit?: string;
  tag: RegistryTagInput;
  counter?: number;
}

/** Everything known about one model. */
export interface ModelState {
  name: string;
  created: boolean;
  deprecated: boolean;
  /** Ascending by semver precedence. */
  versions: VersionState[];
  /** Current assignments, sorted by stage name; unassigned stages are absent. */
  stages: StageAssignment[];
  /** Annotated events in registry order (counter, then date). */
  history: RegistryEventRecord[];
}

/** A tag that is ignored or ambiguous, with the reason and the fix. */
export interface RegistryWarning {
  tag: string;
  message: string;
}

/** The folded state plus the questions `version` and `deploy` ask of it. */
export interface RegistryState {
  models: ReadonlyMap<string, ModelState>;
  warnings: RegistryWarning[];
  /** 1 + the highest counter on any tag of the model (lightweight ones included), or 1. */
  nextCounter(model: string): number;
  /** The highest version of the model ever tagged, registered or not. */
  latestVersion(model: string): string | undefined;
  /** `bump` applied to {@link latestVersion}, or `options.initial` (default 0.0.1, like GTO) for a new model. */
  nextVersion(model: string, bump: Bump, options?: { initial?: string }): string;
}

/** Computes the registry state from all tags of a repository (non-registry tags are skipped). */
export function computeRegistryState(tags: readonly RegistryTagInput[]): RegistryState {
  const warnings: RegistryWarning[] = [];
  const maxCounter = new Map<string, number>();
  // Versions whose tag names are taken, annotated or not: a new version must not collide.
  const takenVersions = new Map<string, string[]>();
  const records: RegistryEventRecord[] = [];

  for (const tag of tags) {
    const event = parseTag(tag.name);
    if (!event) continue;
    // Counters and versions of lightweight tags still count: their names are taken in git.
    if (event.counter !== undefined)
      maxCounter.set(event.model, Math.max(maxCounter.get(event.model) ?? 0, event.counter));
    if (event.kind === 'register' || event.kind === 'deregister') {
      takenVersions.set(event.model, [...(takenVersions.get(event.model) ?? []), event.version]);
    }
    if (!tag.annotated) {
      // GTO ignores these silently (gto#127, #359); we say so and how to fix it.
      warnings.push({
        tag: tag.name,
        message: `tag "${tag.name}" is a lightweight tag and is ignored by the registry; recreate it annotated: git tag -d ${tag.name} && git tag -a ${tag.name} ${tag.commit ?? '<commit>'} -m "..."`,
      });
      continue;
    }
    records.push({ event, tag });
  }
  records.sort(compareRecords);
  warnings.push(...duplicateCounterWarnings(records));

  const models = new Map<string, ModelState>();
  for (const record of records) {
    const name = record.event.model;
    let model = models.get(name);
    if (!model) {
      model = { name, created: false, deprecated: false, versions: [], stages: [], history: [] };
      models.set(name, model);
    }
    model.history.push(record);
  }
  for (const model of models.values()) foldModel(model, warnings);

  const latestVersion = (model: string) => sortSemver(takenVersions.get(model) ?? [], 'desc')[0];
  return {
    models,
    warnings,
    nextCounter: (model) => (maxCounter.get(model) ?? 0) + 1,
    latestVersion,
    nextVersion: (model, bump, options = {}) => {
      const latest = latestVersion(model);
      return latest === undefined ? (options.initial ?? '0.0.1') : incrementSemver(latest, bump);
    },
  };
}

function foldModel(model: ModelState, warnings: RegistryWarning[]): void {
  const versions = new Map<string, VersionState>();
  const stages = new Map<string, StageAssignment>();
  for (const { event, tag } of model.history) {
    switch (event.kind) {
      case 'register': {
        // A deregister stays in force even if its tag sorts first (tag names are unique, so a
        // version is registered once at most).
        const status = versions.get(event.version)?.status ?? 'registered';
        versions.set(event.version, { version: event.version, status, tag, commit: tag.commit });
        break;
      }
      case 'deregister': {
        const known = versions.get(event.version);
        if (!known)
          warnings.push({
            tag: tag.name,
            message: `tag "${tag.name}" deregisters version ${event.version}, which was never registered`,
          });
        versions.set(event.version, { ...known, version: event.version, status: 'deregistered' });
        break;
      }
      case 'assign':
        stages.set(event.stage, { stage: event.stage, commit: tag.commit, tag, counter: event.counter });
        break;
      case 'unassign':
        // Only the latest event per stage matters; events are already in registry order.
        stages.delete(event.stage);
        break;
      case 'deprecate':
        model.deprecated = true;
        break;
      case 'create':
        model.created = true;
        break;
    }
  }
  model.versions = [...versions.values()].sort((a, b) => compareSemver(a.version, b.version));
  model.stages = [...stages.values()].sort((a, b) => (a.stage < b.stage ? -1 : 1));
  for (const assignment of model.stages) {
    // A stage points at a commit; the version is the one registered there (the highest if several).
    const atCommit = model.versions.filter((v) => v.commit !== undefined && v.commit === assignment.commit);
    const version = atCommit[atCommit.length - 1]?.version;
    if (version !== undefined) assignment.version = version;
    else
      warnings.push({
        tag: assignment.tag.name,
        message: `tag "${assignment.tag.name}" assigns a commit with no registered version of ${model.name}`,
      });
    if (assignment.counter === undefined) delete assignment.counter;
  }
}

// Registry order: counter first (GTO's one-second timestamps cannot order events in one job),
// legacy tags without a counter before all counted ones, then tagger date, then name.
function compareRecords(a: RegistryEventRecord, b: RegistryEventRecord): number {
  const c = (a.event.counter ?? -1) - (b.event.counter ?? -1);
  if (c !== 0) return c;
  const t = dateOf(a.tag) - dateOf(b.tag);
  if (t !== 0) return t;
  return a.tag.name < b.tag.name ? -1 : a.tag.name > b.tag.name ? 1 : 0;
}

function dateOf(tag: RegistryTagInput): number {
  const t = tag.date ? Date.parse(tag.date) : NaN;
  return Number.isNaN(t) ? 0 : t;
}

function duplicateCounterWarnings(records: readonly RegistryEventRecord[]): RegistryWarning[] {
  const seen = new Map<string, string>();
  const out: RegistryWarning[] = [];
  for (const { event, tag } of records) {
    if (event.counter === undefined) continue;
    const key = `${event.model}\u0000${event.counter}`;
    const first = seen.get(key);
    if (first)
      out.push({
        tag: tag.name,
        message: `tags "${first}" and "${tag.name}" share counter ${event.counter}; their order is ambiguous`,
      });
    else seen.set(key, tag.name);
  }
  return out;
}
