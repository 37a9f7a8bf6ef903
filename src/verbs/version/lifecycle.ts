import { UsageError } from '../../core/errors.js';
import { parseSemver } from '../../core/registry/semver.js';
import { formatTagMessage, type TagEvidence } from '../../core/registry/tag-evidence.js';
import { formatTag } from '../../core/registry/tag-grammar.js';
import type { VerbDeps } from '../types.js';
import { publishTag, readRegistry } from './publish-tag.js';
import type { VersionContext } from './run-context.js';

export interface LifecycleResult {
  name: string;
  event: 'deregister' | 'deprecate';
  version?: string;
  tag: string;
  pushed: boolean;
}

/**
 * Deregisters one version (`name@vX.Y.Z!#N`) or deprecates the model (`name@deprecated#N`), as
 * annotated tags with a counter like GTO writes them. History stays: nothing is deleted.
 */
export async function changeLifecycle(
  name: string,
  change: { deregister?: string; deprecate?: boolean },
  ctx: VersionContext,
  deps: VerbDeps,
): Promise<LifecycleResult> {
  const version = change.deregister?.replace(/^v/, '');
  if (version !== undefined && !parseSemver(version)) {
    throw new UsageError(`--deregister ${change.deregister} is not a version`, {
      fix: 'write it as vX.Y.Z, e.g. v1.2.0',
    });
  }
  const event = version !== undefined ? 'deregister' : 'deprecate';
  let tag = '';
  if (ctx.dryRun) {
    const state = await readRegistry(ctx.git, { ...ctx.remote, required: false }, deps.logger);
    tag = planTag(name, event, version, state).tag;
    return { name, event, ...(version ? { version: `v${version}` } : {}), tag, pushed: false };
  }
  const published = await publishTag({
    git: ctx.git,
    logger: deps.logger,
    target: ctx.target,
    push: ctx.push,
    remote: ctx.remote,
    plan: (state) => {
      const planned = planTag(name, event, version, state);
      tag = planned.tag;
      const evidence: TagEvidence = {
        schema: 1,
        kind: event,
        model: name,
        ...(version ? { version: `v${version}` } : {}),
        ...(ctx.actor ? { actor: ctx.actor } : {}),
        ...(ctx.runUrl ? { run_url: ctx.runUrl } : {}),
        commit: planned.commit ?? ctx.target,
        created_at: ctx.now,
      };
      const title = version ? `Deregister ${name} v${version}` : `Deprecate ${name}`;
      return {
        tag,
        message: formatTagMessage(title, evidence),
        ...(planned.commit ? { target: planned.commit } : {}),
      };
    },
  });
  return {
    name,
    event,
    ...(version ? { version: `v${version}` } : {}),
    tag,
    pushed: published?.pushed ?? false,
  };
}

function planTag(
  name: string,
  event: 'deregister' | 'deprecate',
  version: string | undefined,
  state: Awaited<ReturnType<typeof readRegistry>>,
): { tag: string; commit?: string } {
  const model = state.models.get(name);
  if (!model) {
    const known = [...state.models.keys()].sort().join(', ') || 'none';
    throw new UsageError(`model '${name}' is not in the registry`, { fix: `registered models: ${known}` });
  }
  const counter = state.nextCounter(name);
  if (event === 'deprecate') {
    if (model.deprecated) throw new UsageError(`${name} is already deprecated`, { fix: 'nothing to do' });
    return { tag: formatTag({ kind: 'deprecate', model: name, counter }) };
  }
  const entry = model.versions.find((v) => v.version === version);
  if (!entry) {
    const known = model.versions.map((v) => `v${v.version}`).join(', ') || 'none';
    throw new UsageError(`${name} has no version v${version}`, { fix: `its versions: ${known}` });
  }
  if (entry.status === 'deregistered') {
    throw new UsageError(`${name} v${version} is already deregistered`, { fix: 'nothing to do' });
  }
  return {
    tag: formatTag({ kind: 'deregister', model: name, version: version!, counter }),
    ...(entry.commit ? { commit: entry.commit } : {}),
  };
}
