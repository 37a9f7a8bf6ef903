import { onPullRequest, runBuiltAction, type ActionRun } from './action-runner.js';
import { makeRepoWithRemote, type RepoWithRemote } from './git-repo.js';
import { startStandIn, type StandIn } from './github-stand-in/index.js';

/** A pull request on a test repository, with the GitHub stand-in its built action talks to. */
export interface PullRequest {
  repo: RepoWithRemote;
  github: StandIn;
  /** The PR's base commit: main before the PR. */
  base: string;
  /**
   * Runs the built action as a runner does for a push of `head` to the PR; `inputs` are added to
   * (and override) the PR's inputs for this run only.
   */
  run(head: string, inputs?: Record<string, string>): Promise<ActionRun>;
  /** Stops the stand-in and removes the repository. */
  close(): Promise<void>;
}

export interface PullRequestOptions {
  /** The action the PR's workflow runs: 'evaluate', 'version', … */
  action: string;
  /** The PR number, whose comments `github.state.commentsOn(number)` lists. */
  number: number;
  /** The action's inputs on every run. */
  inputs?: Record<string, string>;
  /** The files of the base commit, and its message. */
  files: Record<string, string | Uint8Array>;
  message: string;
  /** git-lfs in the clone, and a .gitattributes in the base commit that stores *.onnx in LFS. */
  lfs?: boolean;
  /** Pushes the base commit to the remote's main. */
  push?: boolean;
  /**
   * More environment for every run, over the repository's git environment: what a runner sets
   * besides the event (GITHUB_ACTION_REPOSITORY, …).
   */
  env?: Record<string, string>;
}

/** Makes the repository and its base commit and starts the stand-in; call {@link PullRequest.close} after. */
export async function openPullRequest(options: PullRequestOptions): Promise<PullRequest> {
  const repo = await makeRepoWithRemote({ lfs: options.lfs });
  const github = await startStandIn({ owner: 'octo-org', repo: 'models' });
  const lfsAttributes: Record<string, string> = options.lfs
    ? { '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n' }
    : {};
  const base = await repo.commit({ ...lfsAttributes, ...options.files }, options.message);
  if (options.push) await repo.git.run(['push', '--quiet', 'origin', 'main']);
  return {
    repo,
    github,
    base,
    run: (head, inputs) =>
      runBuiltAction({
        action: options.action,
        workspace: repo.dir,
        ...onPullRequest({ number: options.number, head, base }),
        apiUrl: github.url,
        inputs: { ...options.inputs, ...inputs },
        extraEnv: { ...repo.env, ...options.env },
      }),
    async close() {
      await github.close();
      await repo.cleanup();
    },
  };
}
