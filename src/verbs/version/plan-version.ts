import { UsageError } from '../../core/errors.js';
import type { ModelSignature } from '../../core/onnx/signature-types.js';
import type { RegistryState } from '../../core/registry/events.js';
import { incrementSemver } from '../../core/registry/semver.js';
import { bumpFor, diffSignatures, type SignatureChange } from '../../core/registry/signature-diff.js';
import { parseTagMessage } from '../../core/registry/tag-evidence.js';
import type { InspectedModel } from './inspect-model.js';

/** The first version of a model: 1.0.0, so that a breaking signature change is a major bump from day one. */
export const INITIAL_VERSION = '1.0.0';

export type BumpChoice = 'auto' | 'major' | 'minor' | 'patch';

export interface VersionPlan {
  /** 'unchanged' when the latest version already has this exact content. */
  status: 'new' | 'unchanged';
  version: string;
  previous?: string;
  bump: 'major' | 'minor' | 'patch' | 'initial' | 'none';
  changes: SignatureChange[];
  /** The signature recorded for this version (from content, or from the previous evidence when only a pointer is here). */
  signature?: ModelSignature;
}

/**
 * Decides the next version from the registry state and the model: signature diff against the
 * latest registered version's evidence picks the bump unless the user forces one.
 */
export function planVersion(
  name: string,
  model: InspectedModel,
  state: RegistryState,
  choice: BumpChoice,
  manifestSignature?: { sha256: string; signature: ModelSignature },
): VersionPlan {
  const versions = state.models.get(name)?.versions.filter((v) => v.status === 'registered') ?? [];
  const latest = versions.at(-1);
  const evidence = parseTagMessage(latest?.tag?.message);
  const signature =
    model.signature ?? (manifestSignature?.sha256 === model.sha256 ? manifestSignature.signature : undefined);

  if (latest && evidence?.sha256 === model.sha256) {
    return {
      status: 'unchanged',
      version: latest.version,
      bump: 'none',
      changes: [],
      ...(signature ? { signature } : {}),
    };
  }
  const taken = state.latestVersion(name);
  if (!taken) {
    const version = choice === 'auto' ? INITIAL_VERSION : incrementSemver('0.0.0', choice);
    return {
      status: 'new',
      version,
      bump: choice === 'auto' ? 'initial' : choice,
      changes: [],
      ...(signature ? { signature } : {}),
    };
  }
  const changes = signature && evidence?.signature ? diffSignatures(evidence.signature, signature) : [];
  let bump: 'major' | 'minor' | 'patch';
  if (choice !== 'auto') bump = choice;
  else if (!signature) {
    throw new UsageError(
      `cannot derive the semver bump of ${name}: only the LFS pointer of ${model.path} is checked out`,
      {
        fix: `pass --bump major|minor|patch, or fetch the content: git lfs pull --include="${model.path}"`,
      },
    );
  } else bump = bumpFor(changes);
  return {
    status: 'new',
    version: incrementSemver(taken, bump),
    ...(latest ? { previous: latest.version } : {}),
    bump,
    changes,
    ...(signature ? { signature } : {}),
  };
}
