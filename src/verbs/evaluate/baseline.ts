import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import type { Git } from '../../platform/git/index.js';
import type { Logger } from '../../platform/logger.js';
import { readRegistry } from '../version/publish-tag.js';
import { readModelAtCommit } from './model-at-commit.js';

/** The model a candidate is compared with. */
export interface BaselineModel {
  /** What it is, for reports: a path, `churn@v1.2.0`, `churn#production (v1.2.0)`, `main@1a2b3c4d5e6f`. */
  label: string;
  kind: 'path' | 'version' | 'environment' | 'base-commit';
  /** The commit it was read at (registry and base-commit baselines). */
  commit?: string;
  bytes: Uint8Array;
}

/** Where to look for a baseline. */
export interface BaselineQuery {
  /** The --baseline value, if given. */
  spec: string | undefined;
  cwd: string;
  /** The repository, when the candidate lives in one. */
  git: Git | undefined;
  /** The candidate's registry name and repository-relative path. */
  name: string;
  repoPath: string | undefined;
  /** Where a registry model lives in the repository (modelops.yaml, else models/<name>/model.onnx). */
  pathOf?: (name: string) => string | undefined;
  environment: string;
  remote: { name: string; exists: boolean };
  /** A pull request's base commit: the fallback baseline when the environment has no assignment. */
  pullRequestBase: string | undefined;
  logger: Logger;
}

const VERSION_SPEC = /^(.+)@(v\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/;
const ENVIRONMENT_SPEC = /^(.+)#([A-Za-z0-9](?:[A-Za-z0-9\-/_]*[A-Za-z0-9])?)$/;

/**
 * Finds the baseline: an explicit path, `NAME@vX.Y.Z` or `NAME#ENV`; without one, in a pull
 * request, the model assigned to the target environment, else the same path at the PR's base
 * commit. Outside a pull request with no --baseline there is none (the verdict says so).
 */
export async function resolveBaseline(query: BaselineQuery): Promise<BaselineModel | undefined> {
  const { spec } = query;
  if (spec) {
    const version = VERSION_SPEC.exec(spec);
    if (version) return fromRegistry(query, version[1]!, { version: version[2]!.slice(1) });
    const environment = ENVIRONMENT_SPEC.exec(spec);
    if (environment) return fromRegistry(query, environment[1]!, { environment: environment[2]! });
    const file = resolve(query.cwd, spec);
    if (!(await stat(file).catch(() => null))?.isFile()) {
      throw new UsageError(`--baseline ${spec} is neither a file nor NAME@vX.Y.Z nor NAME#ENV`, {
        fix: 'pass a model path, a registered version (churn@v1.2.0) or an environment (churn#production)',
      });
    }
    return { label: spec, kind: 'path', bytes: await readFile(file) };
  }
  if (!query.pullRequestBase || !query.git || !query.repoPath) return undefined;
  const deployed = await fromRegistry(query, query.name, { environment: query.environment }, false);
  if (deployed) return deployed;
  const bytes = await readModelAtCommit(query.git, query.pullRequestBase, query.repoPath, query.remote).catch(
    (error: unknown) => {
      query.logger.info(`no baseline at the base commit: ${(error as Error).message}`);
      return undefined;
    },
  );
  if (!bytes) return undefined;
  return {
    label: `${query.repoPath} at base ${query.pullRequestBase.slice(0, 12)}`,
    kind: 'base-commit',
    commit: query.pullRequestBase,
    bytes,
  };
}

async function fromRegistry(
  query: BaselineQuery,
  name: string,
  want: { version?: string; environment?: string },
  required = true,
): Promise<BaselineModel | undefined> {
  const what = want.version ? `${name}@v${want.version}` : `${name}#${want.environment}`;
  const { git } = query;
  // The baseline's own path: the candidate may be a file outside the repository (a fresh export).
  const repoPath = name === query.name && query.repoPath ? query.repoPath : query.pathOf?.(name);
  if (!git || !repoPath) {
    throw new UsageError(`--baseline ${what} needs the registry, but ${query.cwd} is not a git repository`, {
      fix: 'run evaluate inside the repository that holds the model, or pass --baseline as a file path',
    });
  }
  const registry = await readRegistry(git, { ...query.remote, required: false }, query.logger);
  const model = registry.models.get(name);
  let commit: string | undefined;
  let label = what;
  if (want.version) {
    commit = model?.versions.find((v) => v.version === want.version && v.status === 'registered')?.commit;
  } else {
    const assignment = model?.stages.find((s) => s.stage === want.environment);
    commit = assignment?.commit;
    if (assignment?.version) label = `${what} (v${assignment.version})`;
  }
  if (!commit) {
    if (!required) return undefined;
    const known = model?.versions.map((v) => `v${v.version}`).join(', ');
    throw new UsageError(`${what} is not in the registry${known ? ` (versions: ${known})` : ''}`, {
      fix: want.version
        ? 'pass a registered version (modelops version registers one)'
        : `assign a version to ${want.environment} first, or pass --baseline NAME@vX.Y.Z`,
    });
  }
  const bytes = await readModelAtCommit(git, commit, repoPath, query.remote);
  return { label, kind: want.version ? 'version' : 'environment', commit, bytes };
}
