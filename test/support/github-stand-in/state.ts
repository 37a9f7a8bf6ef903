import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';

/**
 * What the stand-in remembers between requests. Records hold only what a test may set or read;
 * objects.ts renders them as the full objects GitHub returns. Tests may seed and inspect these
 * arrays directly (e.g. comments by another user, or a PR already crowded with 150 comments).
 */

export interface UserRecord {
  login: string;
  id: number;
  type: 'User' | 'Bot' | 'Organization';
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  user: string;
  createdAt: string;
  updatedAt: string;
}

export interface AnnotationRecord {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  headSha: string;
  status: 'queued' | 'in_progress' | 'completed' | 'waiting' | 'requested' | 'pending';
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: AnnotationRecord[];
  checkSuiteId: number;
}

export interface StatusRecord {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  payload: Record<string, unknown> | string;
  description: string | null;
  creator: string;
  createdAt: string;
  updatedAt: string;
  transientEnvironment: boolean;
  productionEnvironment: boolean;
}

export interface DeploymentStatusRecord {
  id: number;
  deploymentId: number;
  state: 'error' | 'failure' | 'inactive' | 'pending' | 'success' | 'queued' | 'in_progress';
  description: string;
  environment: string;
  targetUrl: string;
  logUrl: string;
  environmentUrl: string;
  creator: string;
  createdAt: string;
}

export interface ReleaseRecord {
  id: number;
  tagName: string;
  targetCommitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: string;
  createdAt: string;
  publishedAt: string | null;
}

export interface AssetRecord {
  id: number;
  releaseId: number;
  name: string;
  label: string | null;
  contentType: string;
  data: Buffer;
  uploader: string;
  createdAt: string;
}

/** Options of a new state. */
export interface StateOptions {
  owner: string;
  repo: string;
  defaultBranch?: string;
  /** First timestamp handed out; the clock moves one second per write so order is unambiguous. */
  startTime?: Date;
}

/** The login every token maps to unless a test registers another one. */
export const DEFAULT_LOGIN = 'github-actions[bot]';

/** The whole remembered world of one stand-in. */
export class StandInState {
  readonly owner: string;
  readonly repo: string;
  readonly repoId = 1_296_269;
  readonly defaultBranch: string;
  readonly users = new Map<string, UserRecord>();
  /** Token → login; tokens not listed act as {@link DEFAULT_LOGIN}. */
  readonly tokens = new Map<string, string>();
  /** `heads/main`, `tags/v1` … → commit SHA. A 40-hex ref resolves to itself. */
  readonly refs = new Map<string, string>();
  /** A bare repository whose tags count as pushed to GitHub (see followTagsOf). */
  private tagSource: string | undefined;
  readonly comments: CommentRecord[] = [];
  readonly checkRuns: CheckRunRecord[] = [];
  readonly statuses: StatusRecord[] = [];
  readonly deployments: DeploymentRecord[] = [];
  readonly deploymentStatuses: DeploymentStatusRecord[] = [];
  readonly releases: ReleaseRecord[] = [];
  readonly assets: AssetRecord[] = [];
  private nextIdValue = 1000;
  private clock: number;

  constructor(options: StateOptions) {
    this.owner = options.owner;
    this.repo = options.repo;
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.clock = Math.floor((options.startTime ?? new Date('2026-01-01T00:00:00Z')).getTime() / 1000) * 1000;
    this.user(DEFAULT_LOGIN, 'Bot');
    this.user(this.owner, 'User');
    this.refs.set(`heads/${this.defaultBranch}`, fakeSha(`${this.defaultBranch}`));
  }

  /** A fresh id, unique across every kind of object. */
  nextId(): number {
    return this.nextIdValue++;
  }

  /** An ISO timestamp, one second after the previous one. */
  now(): string {
    this.clock += 1000;
    return new Date(this.clock).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** The user with this login, created on first use. */
  user(login: string, type: UserRecord['type'] = 'User'): UserRecord {
    let user = this.users.get(login);
    if (!user) {
      user = { login, id: 5_000_000 + this.users.size, type };
      this.users.set(login, user);
    }
    return user;
  }

  /** The login a token acts as. */
  loginForToken(token: string): string {
    return this.tokens.get(token) ?? DEFAULT_LOGIN;
  }

  /** Resolves a SHA, branch, tag or `refs/…` name to a commit SHA, as GitHub does for `ref`. */
  resolveRef(ref: string): string | undefined {
    if (/^[0-9a-f]{40}$/i.test(ref)) return ref.toLowerCase();
    const name = ref.replace(/^refs\//, '');
    return (
      this.refs.get(name) ??
      this.refs.get(`heads/${name}`) ??
      this.refs.get(`tags/${name}`) ??
      this.tagFromSource(name.replace(/^tags\//, ''))
    );
  }

  /**
   * GitHub knows every tag pushed to the repository: from now on, tags in the bare repository at
   * `gitDir` (the tests' remote) resolve too, as they would after a push to github.com.
   */
  followTagsOf(gitDir: string): void {
    this.tagSource = gitDir;
  }

  private tagFromSource(tag: string): string | undefined {
    if (!this.tagSource) return undefined;
    try {
      const sha = execFileSync('git', ['rev-parse', '--verify', '--quiet', `refs/tags/${tag}^{commit}`], {
        cwd: this.tagSource,
        encoding: 'utf8',
      });
      return sha.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Seeds a comment as if `user` had posted it. */
  addComment(seed: { issueNumber: number; body: string; user?: string; createdAt?: string }): CommentRecord {
    const user = this.user(seed.user ?? DEFAULT_LOGIN, seed.user ? 'User' : 'Bot').login;
    const createdAt = seed.createdAt ?? this.now();
    const record = {
      id: this.nextId(),
      issueNumber: seed.issueNumber,
      body: seed.body,
      user,
      createdAt,
      updatedAt: createdAt,
    };
    this.comments.push(record);
    return record;
  }

  /** Comments on one issue or PR, oldest first (GitHub's order). */
  commentsOn(issueNumber: number): CommentRecord[] {
    return this.comments.filter((c) => c.issueNumber === issueNumber).sort((a, b) => a.id - b.id);
  }
}

/** A stable, valid-looking commit SHA derived from a name. */
export function fakeSha(name: string): string {
  return createHash('sha1').update(name).digest('hex');
}
