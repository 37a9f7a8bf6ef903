/**
 * What an environment held over time, from its assign and unassign events in registry order
 * (counter first). Rollback walks it like a stack: a promotion pushes a version, a rollback pops
 * the one it replaced, so rolling back twice goes two versions back instead of flip-flopping.
 */
import { UsageError } from '../errors.js';
import type { ModelState } from '../registry/events.js';
import { parseTagMessage } from '../registry/tag-evidence.js';

/** The version a rollback of `stage` re-assigns, with the commit it is registered at. */
export interface RollbackTarget {
  /** SemVer without the `v`. */
  version: string;
  commit: string;
  /** The version being replaced (what the stage holds now), if any. */
  current: string | undefined;
}

export function rollbackTarget(model: ModelState, stage: string): RollbackTarget {
  const stack: (string | null)[] = [];
  for (const { event, tag } of model.history) {
    if ((event.kind !== 'assign' && event.kind !== 'unassign') || event.stage !== stage) continue;
    if (event.kind === 'unassign') {
      stack.push(null);
      continue;
    }
    const version = model.versions.find((v) => v.commit !== undefined && v.commit === tag.commit)?.version;
    const evidence = parseTagMessage(tag.message) as { rollback?: boolean } | null;
    if (evidence?.rollback) stack.pop();
    // A rollback assign re-states what is now on top; a promotion pushes a new entry.
    if (evidence?.rollback && stack.at(-1) === (version ?? null)) continue;
    stack.push(version ?? null);
  }
  const current = stack.pop() ?? undefined;
  while (stack.length > 0) {
    const candidate = stack.pop();
    if (candidate === null || candidate === undefined || candidate === current) continue;
    const entry = model.versions.find((v) => v.version === candidate);
    if (entry?.status !== 'registered' || !entry.commit) continue;
    return { version: candidate, commit: entry.commit, current };
  }
  throw new UsageError(`${model.name} has no earlier version in ${stage} to roll back to`, {
    fix: current
      ? `${stage} has only ever held v${current}; promote another version with modelops deploy --version vX.Y.Z --to ${stage}`
      : `${stage} has never held a version of ${model.name}`,
  });
}
