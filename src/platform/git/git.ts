/**
 * The git edge: every git and git-lfs command modelops runs, behind one interface so verbs can be
 * tested against a real temporary repository or a hand-written fake.
 */
import { UsageError } from '../../core/errors.js';
import { execGit, type ExecGitOptions } from './exec-git.js';
import { GitError } from './git-error.js';
import { parseNameStatus, type DiffEntry } from './name-status.js';
import { parsePushPorcelain, type PushTagResult } from './push-result.js';
import { parseTagListing, TAG_FORMAT, type GitTag } from './tag-listing.js';

/** A file in LFS, from `git lfs ls-files --long`. */
export interface LfsFileEntry {
  oid: string;
  path: string;
  /** True when the real content is checked out, false when the working file is a pointer. */
  checkedOut: boolean;
}

/** Identity recorded as the tagger. */
export interface GitIdentity {
  name: string;
  email: string;
}

/** Per-call options of {@link Git.run}. */
export interface RunOptions {
  input?: string | Uint8Array;
  env?: Record<string, string | undefined>;
}

/** Git operations used by modelops. Implemented by {@link GitCli}. */
export interface Git {
  readonly cwd: string;
  /** Runs `git <args>`; stdout as UTF-8. Throws GitError on a non-zero exit. */
  run(args: readonly string[], options?: RunOptions): Promise<string>;
  /** Like {@link run} with stdout as raw bytes. */
  runBuffer(args: readonly string[], options?: RunOptions): Promise<Buffer>;
  /** Object name of a revision (`HEAD`, a tag, `main~2`); append `^{commit}` to peel. */
  revParse(rev: string): Promise<string>;
  /** Checked-out branch name, or null on a detached HEAD (as in pull_request checkouts). */
  currentBranch(): Promise<string | null>;
  /** Paths changed from `from` to `to`, renames detected. */
  diffNames(from: string, to: string, paths?: readonly string[]): Promise<DiffEntry[]>;
  /** Bytes of `path` at `ref` as stored in git (an LFS pointer for LFS-tracked files). */
  showFile(ref: string, path: string): Promise<Buffer>;
  /** Every tag (optionally matching for-each-ref patterns such as `churn*`), in one subprocess. */
  listTags(patterns?: readonly string[]): Promise<GitTag[]>;
  /** Creates an annotated tag; the message goes through stdin, verbatim. */
  createAnnotatedTag(
    name: string,
    target: string,
    message: string,
    options?: { tagger?: GitIdentity },
  ): Promise<void>;
  /** Pushes one tag without force; `{ ok: false, reason: 'exists' }` when the remote already has it. */
  pushTag(remote: string, tag: string): Promise<PushTagResult>;
  /** Fetches all tags; by default remote tags replace local ones of the same name. */
  fetchTags(remote: string, options?: { force?: boolean; prune?: boolean }): Promise<void>;
  deleteLocalTag(name: string): Promise<void>;
  /** Tracked paths (optionally limited to pathspecs). */
  lsFiles(paths?: readonly string[]): Promise<string[]>;
  /** True when .gitattributes routes `path` through the LFS filter. */
  isLfsTracked(path: string): Promise<boolean>;
  /** `git lfs track <pattern>` (writes .gitattributes). */
  lfsTrack(pattern: string): Promise<void>;
  /** LFS files at HEAD or `ref`. */
  lfsLsFiles(ref?: string): Promise<LfsFileEntry[]>;
}

/** Options of {@link GitCli}. */
export type GitCliOptions = Omit<ExecGitOptions, 'input'>;

/** {@link Git} over the git executable (execFile with argument arrays, never a shell). */
export class GitCli implements Git {
  readonly cwd: string;
  private readonly options: GitCliOptions;

  constructor(options: GitCliOptions) {
    this.cwd = options.cwd;
    this.options = options;
  }

  async runBuffer(args: readonly string[], options: RunOptions = {}): Promise<Buffer> {
    const result = await execGit(args, {
      ...this.options,
      ...options,
      env: { ...this.options.env, ...options.env },
    });
    if (result.exitCode !== 0)
      throw new GitError(args, result.exitCode, result.stderr, result.stdout.toString('utf8'));
    return result.stdout;
  }

  async run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return (await this.runBuffer(args, options)).toString('utf8');
  }

  async revParse(rev: string): Promise<string> {
    return (await this.run(['rev-parse', '--verify', '--end-of-options', rev])).trim();
  }

  async currentBranch(): Promise<string | null> {
    const result = await execGit(['symbolic-ref', '--quiet', '--short', 'HEAD'], this.options);
    // Exit 1 with no output is git's way of saying HEAD is detached.
    if (result.exitCode === 1) return null;
    if (result.exitCode !== 0)
      throw new GitError(['symbolic-ref', '--quiet', '--short', 'HEAD'], result.exitCode, result.stderr);
    return result.stdout.toString('utf8').trim();
  }

  async diffNames(from: string, to: string, paths: readonly string[] = []): Promise<DiffEntry[]> {
    const out = await this.run([
      'diff',
      '--name-status',
      '-z',
      '-M',
      '--no-ext-diff',
      '--no-textconv',
      '--end-of-options',
      from,
      to,
      '--',
      ...paths,
    ]);
    return parseNameStatus(out);
  }

  async showFile(ref: string, path: string): Promise<Buffer> {
    notAnOption(ref, 'ref');
    return this.runBuffer(['cat-file', 'blob', `${ref}:${path}`]);
  }

  async listTags(patterns: readonly string[] = []): Promise<GitTag[]> {
    const refs = patterns.length ? patterns.map((p) => `refs/tags/${p}`) : ['refs/tags'];
    return parseTagListing(await this.run(['for-each-ref', `--format=${TAG_FORMAT}`, '--', ...refs]));
  }

  async createAnnotatedTag(
    name: string,
    target: string,
    message: string,
    options: { tagger?: GitIdentity } = {},
  ): Promise<void> {
    const env = options.tagger
      ? { GIT_COMMITTER_NAME: options.tagger.name, GIT_COMMITTER_EMAIL: options.tagger.email }
      : {};
    // Verbatim cleanup keeps JSON evidence intact (the default strips lines starting with '#').
    await this.run(['tag', '--annotate', '--cleanup=verbatim', '--file=-', '--', name, target], {
      input: message,
      env,
    });
  }

  async pushTag(remote: string, tag: string): Promise<PushTagResult> {
    const args = ['push', '--porcelain', '--no-verify', '--', remote, `refs/tags/${tag}:refs/tags/${tag}`];
    const result = await execGit(args, this.options);
    const stdout = result.stdout.toString('utf8');
    const parsed = parsePushPorcelain(stdout, tag);
    if (parsed && (!parsed.ok || result.exitCode === 0)) return parsed;
    throw new GitError(args, result.exitCode, result.stderr, stdout);
  }

  async fetchTags(remote: string, options: { force?: boolean; prune?: boolean } = {}): Promise<void> {
    // The remote is the registry's source of truth: a local tag that lost a push race must yield.
    const refspec = `${options.force === false ? '' : '+'}refs/tags/*:refs/tags/*`;
    await this.run(['fetch', '--no-tags', ...(options.prune ? ['--prune'] : []), '--', remote, refspec]);
  }

  async deleteLocalTag(name: string): Promise<void> {
    await this.run(['tag', '--delete', '--', name]);
  }

  async lsFiles(paths: readonly string[] = []): Promise<string[]> {
    return (await this.run(['ls-files', '-z', '--', ...paths])).split('\0').filter(Boolean);
  }

  async isLfsTracked(path: string): Promise<boolean> {
    // Output: "<path>\0filter\0<value>\0"; value is "unspecified" when no attribute applies.
    const parts = (await this.run(['check-attr', '-z', 'filter', '--', path])).split('\0');
    return parts[2] === 'lfs';
  }

  async lfsTrack(pattern: string): Promise<void> {
    await this.run(['lfs', 'track', '--', pattern]);
  }

  async lfsLsFiles(ref?: string): Promise<LfsFileEntry[]> {
    if (ref !== undefined) notAnOption(ref, 'ref');
    const out = await this.run(['lfs', 'ls-files', '--long', ...(ref ? [ref] : [])]);
    return out
      .split('\n')
      .map((line) => /^([0-9a-f]{64}) ([*-]) (.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ oid: m[1] as string, checkedOut: m[2] === '*', path: m[3] as string }));
  }
}

// Commands without --end-of-options would read "-x" as an option; refuse rather than guess.
function notAnOption(value: string, what: string): void {
  if (value.startsWith('-'))
    throw new UsageError(`invalid git ${what} ${JSON.stringify(value)}`, {
      fix: 'refs never start with "-"',
    });
}
