import { readFile as fsReadFile } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';

/** Environment variables as the runner sets them (a plain object, so tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** The pull request an event is about. */
export interface PullRequestRef {
  number: number;
  /** Head commit: checks and statuses go here, not on the merge commit in GITHUB_SHA. */
  headSha: string | undefined;
  headRef: string | undefined;
  baseRef: string | undefined;
  baseSha: string | undefined;
}

/** What a workflow run tells an action about itself. */
export interface GitHubContext {
  owner: string;
  repo: string;
  sha: string;
  ref: string;
  eventName: string;
  /** The webhook payload from GITHUB_EVENT_PATH; `{}` when there is none (local runs). */
  event: Record<string, unknown>;
  /** Set for pull_request* events (and comments on a PR). */
  pullRequest: PullRequestRef | undefined;
  serverUrl: string;
  apiUrl: string;
  runId: string;
  runAttempt: string;
  /** Link to the run's page, for reports and check details. */
  runUrl: string;
  actor: string;
}

/** Options for {@link readGitHubContext}. */
export interface ReadContextOptions {
  /** Reads the event file; injectable for tests. */
  readFile?: (path: string) => Promise<string>;
}

const PULL_REQUEST_EVENTS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
]);

/**
 * Reads the run's context from `env` (never from process.env itself, so the entrypoint decides
 * what the environment is). Missing repository or malformed event files are user errors.
 */
export async function readGitHubContext(env: Env, options: ReadContextOptions = {}): Promise<GitHubContext> {
  const repository = env.GITHUB_REPOSITORY ?? '';
  const [owner, repo, ...extra] = repository.split('/');
  if (!owner || !repo || extra.length > 0) {
    throw new UsageError(`GITHUB_REPOSITORY is ${JSON.stringify(repository)}, not owner/repo`, {
      fix: 'run inside GitHub Actions or set GITHUB_REPOSITORY=owner/repo',
    });
  }
  const event = await readEvent(env.GITHUB_EVENT_PATH, options.readFile ?? ((p) => fsReadFile(p, 'utf8')));
  const eventName = env.GITHUB_EVENT_NAME ?? '';
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID ?? '';
  return {
    owner,
    repo,
    sha: env.GITHUB_SHA ?? '',
    ref: env.GITHUB_REF ?? '',
    eventName,
    event,
    pullRequest: pullRequestOf(eventName, event),
    serverUrl,
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    runId,
    runAttempt: env.GITHUB_RUN_ATTEMPT ?? '1',
    runUrl: runId ? `${serverUrl}/${owner}/${repo}/actions/runs/${runId}` : '',
    actor: env.GITHUB_ACTOR ?? '',
  };
}

async function readEvent(
  path: string | undefined,
  readFile: (path: string) => Promise<string>,
): Promise<Record<string, unknown>> {
  if (!path) return {};
  let text: string;
  try {
    text = await readFile(path);
  } catch (error) {
    throw new UsageError(`cannot read the event file GITHUB_EVENT_PATH=${path}`, {
      fix: 'point GITHUB_EVENT_PATH at a webhook payload JSON file, or unset it',
      cause: error,
    });
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch (error) {
    throw new UsageError(`the event file ${path} is not valid JSON`, {
      fix: 'write the webhook payload as JSON',
      cause: error,
    });
  }
  throw new UsageError(`the event file ${path} is not a JSON object`, {
    fix: 'write the webhook payload as a JSON object',
  });
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function pullRequestOf(eventName: string, event: Record<string, unknown>): PullRequestRef | undefined {
  if (PULL_REQUEST_EVENTS.has(eventName)) {
    const pr = record(event.pull_request);
    const number = Number(pr?.number ?? event.number);
    if (!Number.isInteger(number) || number <= 0) return undefined;
    const head = record(pr?.head);
    const base = record(pr?.base);
    return {
      number,
      headSha: text(head?.sha),
      headRef: text(head?.ref),
      baseRef: text(base?.ref),
      baseSha: text(base?.sha),
    };
  }
  // A comment on a PR arrives as issue_comment; the issue carries a pull_request link.
  const issue = record(event.issue);
  if (eventName === 'issue_comment' && issue?.pull_request && typeof issue.number === 'number') {
    return {
      number: issue.number,
      headSha: undefined,
      headRef: undefined,
      baseRef: undefined,
      baseSha: undefined,
    };
  }
  return undefined;
}
