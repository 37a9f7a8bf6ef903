/**
 * How a person names one version of a model — `churn` (latest), `churn@v1.2.0`, `churn#production`
 * (whatever the stage holds now) — and how that name resolves against the registry state. Errors
 * name the value and list what exists, so a typo is fixed from the message alone.
 */
import { UsageError } from '../errors.js';
import type { ModelState, RegistryState, StageAssignment, VersionState } from './events.js';
import { parseSemver } from './semver.js';
import { validateModelName, validateStageName } from './tag-grammar.js';

/** A parsed reference; `version` is SemVer without the `v`. */
export type VersionRef =
  | { model: string; kind: 'latest' }
  | { model: string; kind: 'version'; version: string }
  | { model: string; kind: 'stage'; stage: string };

/** What a reference resolved to. */
export interface ResolvedVersion {
  model: ModelState;
  version: VersionState;
  /** Set when the reference named a stage. */
  stage?: StageAssignment;
}

/** Parses `NAME`, `NAME@vX.Y.Z` (the `v` is optional) or `NAME#stage`; throws a UsageError otherwise. */
export function parseVersionRef(text: string): VersionRef {
  // Model names never contain '@' or '#' (GTO grammar), so the first one ends the name.
  const at = text.search(/[@#]/);
  const model = at < 0 ? text : text.slice(0, at);
  validateModelName(model);
  if (at < 0) return { model, kind: 'latest' };
  const rest = text.slice(at + 1);
  if (text[at] === '#') {
    validateStageName(rest);
    return { model, kind: 'stage', stage: rest };
  }
  const version = rest.replace(/^v/, '');
  if (!parseSemver(version)) {
    throw new UsageError(`'${text}' does not name a version`, {
      fix: `write ${model}@vX.Y.Z (e.g. ${model}@v1.2.0) or ${model}#stage`,
    });
  }
  return { model, kind: 'version', version };
}

/** Finds the model or throws a UsageError listing the models the registry has. */
export function findModel(state: RegistryState, name: string): ModelState {
  const model = state.models.get(name);
  if (model) return model;
  const known = [...state.models.keys()].sort();
  throw new UsageError(`model '${name}' is not in the registry`, {
    fix: known.length
      ? `models in the registry: ${known.join(', ')}`
      : 'the registry is empty (no annotated name@vX.Y.Z tags); register one with modelops version',
  });
}

/** Resolves a reference to one version, or throws a UsageError naming it and what exists instead. */
export function resolveVersionRef(state: RegistryState, ref: VersionRef): ResolvedVersion {
  const model = findModel(state, ref.model);
  switch (ref.kind) {
    case 'latest': {
      const version = latestRegistered(model);
      if (version) return { model, version };
      throw new UsageError(`${model.name} has no registered version`, {
        fix: `its versions: ${describeVersions(model)}`,
      });
    }
    case 'version': {
      const version = model.versions.find((v) => v.version === ref.version);
      if (version) return { model, version };
      throw new UsageError(`${model.name} has no version v${ref.version}`, {
        fix: `its versions: ${describeVersions(model)}`,
      });
    }
    case 'stage': {
      const stage = model.stages.find((s) => s.stage === ref.stage);
      const assigned = model.stages.map((s) => `${s.stage}=${s.version ? `v${s.version}` : '?'}`);
      if (!stage) {
        throw new UsageError(`${model.name} has nothing in stage '${ref.stage}'`, {
          fix: assigned.length ? `its stages: ${assigned.join(', ')}` : `${model.name} is in no stage`,
        });
      }
      const version = model.versions.find((v) => v.version === stage.version);
      if (!version) {
        throw new UsageError(
          `${stage.tag.name} puts commit ${stage.commit ?? '?'} in ${ref.stage}, and no version of ${model.name} is registered there`,
          { fix: `register that commit with modelops version, or assign a registered version` },
        );
      }
      return { model, version, stage };
    }
  }
}

/** The highest version still registered (deregistered ones are skipped). */
export function latestRegistered(model: ModelState): VersionState | undefined {
  return model.versions.filter((v) => v.status === 'registered').at(-1);
}

function describeVersions(model: ModelState): string {
  if (model.versions.length === 0) return 'none';
  return model.versions
    .map((v) => `v${v.version}${v.status === 'deregistered' ? ' (deregistered)' : ''}`)
    .join(', ');
}
