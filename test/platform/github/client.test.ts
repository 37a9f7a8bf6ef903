import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../../src/platform/github/client.js';
import { GitHubRateLimitError } from '../../../src/platform/github/rate-limit-error.js';
import { createMemoryLogger } from '../../../src/platform/logger.js';
import { createTestClient, startStandIn, type StandIn } from '../../support/github-stand-in/index.js';

const owner = 'acme';
const repo = 'models';

let standIn: StandIn;

beforeEach(async () => {
  standIn = await startStandIn({ owner, repo });
});

afterEach(async () => {
  standIn.assertNoViolations();
  await standIn.close();
});

describe('createGitHubClient', () => {
  it('retries a request refused by the primary rate limit and succeeds', async () => {
    const logger = createMemoryLogger();
    const octokit = createTestClient(standIn, logger);
    standIn.rateLimit.failNext(1);

    const { data } = await octokit.rest.repos.get({ owner, repo });

    expect(data.name).toBe(repo);
    expect(standIn.requests.map((r) => r.status)).toEqual([403, 200]);
    expect(logger.lines.join('\n')).toMatch(/primary rate limit on GET .*retrying/);
  });

  it('retries secondary rate limits and 429 answers', async () => {
    const octokit = createTestClient(standIn);
    standIn.rateLimit.failNext(1, { kind: 'secondary' });
    standIn.rateLimit.failNext(1, { kind: 'primary', status: 429 });

    await octokit.rest.issues.createComment({ owner, repo, issue_number: 1, body: 'after the limits' });

    expect(standIn.requests.map((r) => r.status)).toEqual([403, 429, 201]);
    expect(standIn.state.comments).toHaveLength(1);
  });

  it('gives up after two retries with an error that says when the limit resets', async () => {
    const octokit = createTestClient(standIn);
    standIn.rateLimit.failNext(5, { waitSeconds: 1 });

    const error = await octokit.rest.repos.get({ owner, repo }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GitHubRateLimitError);
    expect((error as Error).message).toMatch(
      /^GitHub API rate limit exceeded for GET .*\/repos\/acme\/models until \d{4}-/,
    );
    expect(standIn.requests).toHaveLength(3);
  });

  it('sends the token and user agent, and accepts a base URL with a trailing slash', async () => {
    const octokit = createGitHubClient({
      token: 'secret-token',
      baseUrl: `${standIn.url}/`,
      logger: createMemoryLogger(),
      userAgent: 'modelops/0.1.0',
    });
    await octokit.rest.repos.get({ owner, repo });
    const [request] = standIn.requests;
    expect(request!.path).toBe(`/repos/${owner}/${repo}`);
    expect(request!.headers.authorization).toBe('token secret-token');
    expect(request!.headers['user-agent']).toMatch(/^modelops\/0\.1\.0 /);
  });

  it('does not treat a plain 403 or 404 as a rate limit', async () => {
    const octokit = createTestClient(standIn);
    const error = await octokit.rest.repos.get({ owner, repo: 'elsewhere' }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(GitHubRateLimitError);
    expect(error).toMatchObject({ status: 404 });
  });
});
