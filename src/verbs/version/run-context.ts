import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, type ModelopsConfig } from '../../core/config/index.js';
import { UsageError } from '../../core/errors.js';
import { GitCli } from '../../platform/git/index.js';
import type { ParsedInputs, VerbDeps } from '../types.js';
import { hasRemote } from './publish-tag.js';

/** What every part of `version` needs, resolved once from inputs and the repository. */
export interface VersionContext {
  root: string;
  git: GitCli;
  config: ModelopsConfig;
  /** The commit tags point at (`head`, peeled). */
  target: string;
  remote: { name: string; exists: boolean };
  push: boolean;
  dryRun: boolean;
  actor: string | undefined;
  runUrl: string | undefined;
  now: string;
}

export async function resolveContext(inputs: ParsedInputs, deps: VerbDeps): Promise<VersionContext> {
  const git = new GitCli({ cwd: deps.cwd });
  const root = (
    await git.run(['rev-parse', '--show-toplevel']).catch(() => {
      throw new UsageError(`${deps.cwd} is not inside a git repository`, {
        fix: 'run modelops in a clone of the repository that holds the models (the registry is git)',
      });
    })
  ).trim();
  const configPath = String(inputs.config);
  // Read relative to the repository root but named as the user wrote it, so errors say modelops.yaml:4:5.
  const config = await loadConfig(configPath, {
    required: configPath !== 'modelops.yaml',
    readFile: (path) => readFile(join(root, path), 'utf8'),
  });
  const head = String(inputs.head);
  const target = await git.revParse(`${head}^{commit}`).catch(() => {
    throw new UsageError(`head '${head}' is not a commit in this repository`, {
      fix: 'pass --head with a branch, tag or sha that exists (fetch it first in a shallow clone)',
    });
  });
  const dryRun = inputs['dry-run'] === true;
  const push = inputs.push === true && !dryRun;
  const remote = { name: String(inputs.remote), exists: await hasRemote(git, String(inputs.remote)) };
  if (push && !remote.exists) {
    throw new UsageError(`remote '${remote.name}' does not exist`, {
      fix: 'pass --remote NAME or add it with git remote add',
    });
  }
  const env = deps.env;
  const runUrl =
    env.GITHUB_RUN_ID && env.GITHUB_REPOSITORY
      ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
  const actor =
    env.GITHUB_ACTOR || (await git.run(['config', 'user.name']).catch(() => '')).trim() || undefined;
  return { root, git, config, target, remote, push, dryRun, actor, runUrl, now: deps.clock().toISOString() };
}
