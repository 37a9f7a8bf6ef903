import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { readGitHubContext } from '../../../src/platform/github/context.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'modelops-context-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const pullRequestEvent = {
  action: 'synchronize',
  number: 42,
  pull_request: {
    number: 42,
    head: { sha: 'a'.repeat(40), ref: 'feature/better-model' },
    base: { sha: 'b'.repeat(40), ref: 'main' },
  },
  repository: { full_name: 'acme/models' },
};

function runnerEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    GITHUB_REPOSITORY: 'acme/models',
    GITHUB_SHA: 'c'.repeat(40),
    GITHUB_REF: 'refs/pull/42/merge',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_API_URL: 'http://127.0.0.1:8080/',
    GITHUB_RUN_ID: '1234567',
    GITHUB_RUN_ATTEMPT: '2',
    GITHUB_ACTOR: 'octocat',
    ...overrides,
  };
}

describe('readGitHubContext', () => {
  it('reads a pull_request run from the env object and the event file', async () => {
    const eventPath = join(dir, 'event.json');
    await writeFile(eventPath, JSON.stringify(pullRequestEvent));

    const context = await readGitHubContext(runnerEnv({ GITHUB_EVENT_PATH: eventPath }));

    expect(context).toEqual({
      owner: 'acme',
      repo: 'models',
      sha: 'c'.repeat(40),
      ref: 'refs/pull/42/merge',
      eventName: 'pull_request',
      event: pullRequestEvent,
      pullRequest: {
        number: 42,
        headSha: 'a'.repeat(40),
        headRef: 'feature/better-model',
        baseSha: 'b'.repeat(40),
        baseRef: 'main',
      },
      serverUrl: 'https://github.com',
      apiUrl: 'http://127.0.0.1:8080',
      runId: '1234567',
      runAttempt: '2',
      runUrl: 'https://github.com/acme/models/actions/runs/1234567',
      actor: 'octocat',
    });
  });

  it('has no pull request on a push and no event without an event file', async () => {
    const context = await readGitHubContext(
      runnerEnv({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main' }),
    );
    expect(context.pullRequest).toBeUndefined();
    expect(context.event).toEqual({});
  });

  it('finds the PR of an issue_comment event on a pull request', async () => {
    const eventPath = join(dir, 'comment.json');
    await writeFile(eventPath, JSON.stringify({ issue: { number: 7, pull_request: { url: 'x' } } }));
    const context = await readGitHubContext(
      runnerEnv({ GITHUB_EVENT_NAME: 'issue_comment', GITHUB_EVENT_PATH: eventPath }),
    );
    expect(context.pullRequest?.number).toBe(7);
  });

  it('uses the public GitHub URLs when the runner does not set them', async () => {
    const context = await readGitHubContext({ GITHUB_REPOSITORY: 'acme/models' });
    expect(context.apiUrl).toBe('https://api.github.com');
    expect(context.serverUrl).toBe('https://github.com');
    expect(context.runUrl).toBe('');
  });

  it('reports a missing repository or a broken event file as a usage error', async () => {
    await expect(readGitHubContext({})).rejects.toThrow(UsageError);
    await expect(readGitHubContext({})).rejects.toThrow(
      /GITHUB_REPOSITORY is "", not owner\/repo — run inside GitHub Actions/,
    );
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ not json');
    await expect(readGitHubContext(runnerEnv({ GITHUB_EVENT_PATH: broken }))).rejects.toThrow(
      /is not valid JSON/,
    );
    await expect(
      readGitHubContext(runnerEnv({ GITHUB_EVENT_PATH: join(dir, 'missing.json') })),
    ).rejects.toThrow(/cannot read the event file/);
  });
});
