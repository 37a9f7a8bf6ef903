import { execFileSync } from 'node:child_process';
import { runCli, type CliRun } from '../../support/cli-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from '../../support/git-repo.js';
import { linearModelBytes } from '../../support/models.js';

export const MODEL = 'models/churn/model.onnx';

/** A repository whose bare remote has churn v1.0.0, v1.0.1 and v1.0.2 registered (LFS, pushed). */
export async function makeRegistry(
  options: { versions?: number; files?: Record<string, string> } = {},
): Promise<{
  repo: RepoWithRemote;
  commits: string[];
}> {
  const repo = await makeRepoWithRemote({ lfs: true });
  await repo.commit(
    { '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n', ...options.files },
    'init',
  );
  const commits: string[] = [];
  for (let i = 0; i < (options.versions ?? 3); i++) {
    commits.push(await repo.commit({ [MODEL]: linearModelBytes({ weights: [i, 1, 2, 3] }) }, `train ${i}`));
    const run = await runCli(['version', '--model', MODEL, '--push', '--no-progress'], {
      cwd: repo.dir,
      env: repo.env,
    });
    if (run.exitCode !== 0) throw new Error(run.stderr);
    // version writes model.json; keep the tree clean for the next round.
    git(repo, ['add', '--all']);
    git(repo, ['commit', '-q', '--allow-empty', '-m', `manifest ${i}`]);
  }
  git(repo, ['push', '-q', 'origin', 'main']);
  return { repo, commits };
}

export function git(
  repo: { dir: string; env: Record<string, string> },
  args: string[],
  env: Record<string, string> = {},
): string {
  return execFileSync('git', args, {
    cwd: repo.dir,
    env: { ...process.env, ...repo.env, ...env },
    encoding: 'utf8',
  });
}

/** `modelops deploy … --json --no-progress` in the repo. */
export function deploy(
  repo: { dir: string; env: Record<string, string> },
  args: string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  return runCli(['deploy', ...args, '--json', '--no-progress'], {
    cwd: repo.dir,
    env: { ...repo.env, ...env },
  });
}

/** Stage tags on the remote, name → commit. */
export function remoteStageTags(repo: RepoWithRemote): Map<string, string> {
  const out = execFileSync('git', ['ls-remote', '--tags', repo.remoteUrl], { encoding: 'utf8' });
  const tags = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [sha, ref] = line.split('\t');
    if (!ref?.endsWith('^{}') || !ref.includes('#')) continue;
    tags.set(ref.replace('refs/tags/', '').replace('^{}', ''), sha!);
  }
  return tags;
}
