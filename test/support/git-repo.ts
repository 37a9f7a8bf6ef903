/**
 * Real git repositories for tests: a bare repository on disk is the remote (file://), and
 * working clones push and fetch against it — git-lfs included, with no server.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GitCli } from '../../src/platform/git/git.js';

/** A working clone of the test remote. */
export interface TestClone {
  dir: string;
  git: GitCli;
  /** Writes files (creating directories), stages everything and commits; returns the commit sha. */
  commit(files: Record<string, string | Uint8Array>, message?: string): Promise<string>;
}

/** A temp bare remote plus a first working clone. */
export interface RepoWithRemote extends TestClone {
  root: string;
  remoteDir: string;
  remoteUrl: string;
  /** Environment that isolates git from the machine's global and system config. */
  env: Record<string, string>;
  /** Another working clone of the same remote (e.g. a second CI job racing the first). */
  clone(name: string): Promise<TestClone>;
  cleanup(): Promise<void>;
}

/** Creates a temp bare repo + a clone with user.name/email set (and `git lfs install --local` when lfs). */
export async function makeRepoWithRemote(options: { lfs?: boolean } = {}): Promise<RepoWithRemote> {
  const root = await mkdtemp(join(tmpdir(), 'modelops-git-'));
  const globalConfig = join(root, 'gitconfig');
  await writeFile(globalConfig, '');
  const env = { GIT_CONFIG_GLOBAL: globalConfig, GIT_CONFIG_NOSYSTEM: '1' };
  const remoteDir = join(root, 'remote.git');
  const remoteUrl = pathToFileURL(remoteDir).href;
  await new GitCli({ cwd: root, env }).run(['init', '--quiet', '--bare', '--initial-branch=main', remoteDir]);

  const clone = async (name: string): Promise<TestClone> => {
    const dir = join(root, name);
    await new GitCli({ cwd: root, env }).run(['clone', '--quiet', remoteUrl, dir]);
    const git = new GitCli({ cwd: dir, env });
    await git.run(['config', 'user.name', 'Test Runner']);
    await git.run(['config', 'user.email', 'runner@example.test']);
    // An empty remote has no HEAD to copy: name the branch explicitly.
    await git.run(['symbolic-ref', 'HEAD', 'refs/heads/main']);
    if (options.lfs) await git.run(['lfs', 'install', '--local']);
    return { dir, git, commit: (files, message) => commitFiles(git, dir, files, message) };
  };

  const work = await clone('work');
  return {
    ...work,
    root,
    remoteDir,
    remoteUrl,
    env,
    clone,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

async function commitFiles(
  git: GitCli,
  dir: string,
  files: Record<string, string | Uint8Array>,
  message = 'test commit',
): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await git.run(['add', '--all']);
  await git.run(['commit', '--quiet', '--allow-empty', '-m', message]);
  return git.revParse('HEAD');
}
