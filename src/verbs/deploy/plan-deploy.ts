import type { EnvironmentConfig } from '../../core/config/index.js';
import type { DeployEvidenceFile } from '../../core/deploy/evidence.js';
import { checkPromotion, type PromotionCheck } from '../../core/deploy/requirements.js';
import { rollbackTarget } from '../../core/deploy/stage-history.js';
import { UsageError } from '../../core/errors.js';
import type { ModelState, RegistryState, VersionState } from '../../core/registry/events.js';
import { formatTagMessage, parseTagMessage, type TagEvidence } from '../../core/registry/tag-evidence.js';
import { formatTag } from '../../core/registry/tag-grammar.js';
import { findModel, parseVersionRef, resolveVersionRef } from '../../core/registry/version-ref.js';

export type DeployAction = 'promote' | 'rollback' | 'unassign';

/** Everything a plan needs besides the registry state, resolved once per run. */
export interface DeployRequest {
  name: string;
  action: DeployAction;
  environment: EnvironmentConfig;
  /** The version asked for (`v` optional); undefined: the previous environment's. */
  version: string | undefined;
  evidence: readonly DeployEvidenceFile[];
  applicableGates: readonly string[];
  branch: string | undefined;
  now: Date;
  actor: string | undefined;
  runUrl: string | undefined;
}

/** A stage tag to create, or `unchanged` when the environment already is where it was asked to be. */
export interface DeployPlan {
  status: 'planned' | 'unchanged';
  tag: string | null;
  counter: number | null;
  commit: string | null;
  /** What the environment holds after the plan (`vX.Y.Z`), null after unassign. */
  version: string | null;
  /** What it held before. */
  previous: string | null;
  sha256: string | null;
  message: string | null;
  checks: PromotionCheck | null;
}

/** The evidence written into a stage tag: the registry's common fields plus what was checked. */
export type StageEvidence = TagEvidence & {
  environment: string;
  from_version: string | null;
  rollback?: boolean;
  checks?: PromotionCheck;
};

/** Plans one stage tag from a fresh registry state; called again after a lost push race. */
export function planDeploy(state: RegistryState, request: DeployRequest, claimedMax = 0): DeployPlan {
  const model = findModel(state, request.name);
  const stage = request.environment.name;
  const held = model.stages.find((s) => s.stage === stage);
  const previous = held?.version !== undefined ? `v${held.version}` : null;
  const counter = Math.max(state.nextCounter(model.name), claimedMax + 1);

  if (request.action === 'unassign') {
    if (!held) {
      throw new UsageError(`${model.name} is not in ${stage}; nothing to unassign`, {
        fix: `its stages: ${model.stages.map((s) => s.stage).join(', ') || 'none'}`,
      });
    }
    const tag = formatTag({ kind: 'unassign', model: model.name, stage, counter });
    const commit = held.commit ?? '';
    const evidence = stageEvidence(request, model, {
      kind: 'unassign',
      version: undefined,
      previous,
      commit,
    });
    return {
      status: 'planned',
      tag,
      counter,
      commit,
      version: null,
      previous,
      sha256: null,
      message: formatTagMessage(`Unassign ${model.name} from ${stage}`, evidence),
      checks: null,
    };
  }

  if (model.deprecated) {
    throw new UsageError(`${model.name} is deprecated; deprecated models are not deployed`, {
      fix: `register a new model, or roll back with --rollback if ${stage} must change`,
    });
  }
  let version: VersionState;
  let checks: PromotionCheck | null = null;
  if (request.action === 'rollback') {
    const target = rollbackTarget(model, stage);
    version = model.versions.find((v) => v.version === target.version)!;
  } else {
    version = chooseVersion(state, model, request);
    if (version.status !== 'registered') {
      throw new UsageError(`${model.name} v${version.version} is deregistered and cannot be deployed`, {
        fix: `deploy a registered version: ${registered(model)}`,
      });
    }
  }
  const sha256 = parseTagMessage(version.tag?.message)?.sha256;
  if (held?.version === version.version && request.action === 'promote') {
    return { ...nothing(previous), status: 'unchanged', version: previous, commit: held.commit ?? null };
  }
  if (request.action === 'promote') {
    checks = checkPromotion({
      environment: request.environment,
      model,
      version: version.version,
      sha256,
      applicableGates: request.applicableGates,
      branch: request.branch,
      now: request.now,
      evidence: request.evidence,
    });
  }
  const commit = version.commit!;
  const v = `v${version.version}`;
  const tag = formatTag({ kind: 'assign', model: model.name, stage, counter });
  const evidence: StageEvidence = {
    ...stageEvidence(request, model, { kind: 'assign', version: v, previous, commit }),
    ...(sha256 ? { sha256 } : {}),
    ...(request.action === 'rollback' ? { rollback: true } : {}),
    ...(checks ? { checks } : {}),
  };
  const title =
    request.action === 'rollback'
      ? `Roll back ${model.name} in ${stage}: ${previous ?? 'nothing'} → ${v}`
      : `Promote ${model.name} ${v} to ${stage}${previous ? ` (was ${previous})` : ''}`;
  return {
    status: 'planned',
    tag,
    counter,
    commit,
    version: v,
    previous,
    sha256: sha256 ?? null,
    message: formatTagMessage(title, evidence),
    checks,
  };
}

function chooseVersion(state: RegistryState, model: ModelState, request: DeployRequest): VersionState {
  if (request.version !== undefined) {
    const text = request.version.startsWith('v') ? request.version : `v${request.version}`;
    return resolveVersionRef(state, parseVersionRef(`${model.name}@${text}`)).version;
  }
  const previousStage = request.environment.requires.previous;
  if (previousStage !== null) {
    // Promoting "what staging has" is the common case; stage order is checked right after anyway.
    return resolveVersionRef(state, { model: model.name, kind: 'stage', stage: previousStage }).version;
  }
  return resolveVersionRef(state, { model: model.name, kind: 'latest' }).version;
}

function stageEvidence(
  request: DeployRequest,
  model: ModelState,
  e: { kind: 'assign' | 'unassign'; version: string | undefined; previous: string | null; commit: string },
): StageEvidence {
  return {
    schema: 1,
    kind: e.kind,
    model: model.name,
    ...(e.version ? { version: e.version } : {}),
    environment: request.environment.name,
    from_version: e.previous,
    ...(request.actor ? { actor: request.actor } : {}),
    ...(request.runUrl ? { run_url: request.runUrl } : {}),
    commit: e.commit,
    created_at: request.now.toISOString(),
  };
}

function nothing(previous: string | null): DeployPlan {
  return {
    status: 'unchanged',
    tag: null,
    counter: null,
    commit: null,
    version: null,
    previous,
    sha256: null,
    message: null,
    checks: null,
  };
}

function registered(model: ModelState): string {
  return (
    model.versions
      .filter((v) => v.status === 'registered')
      .map((v) => `v${v.version}`)
      .join(', ') || 'none'
  );
}
