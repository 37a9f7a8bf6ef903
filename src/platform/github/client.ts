import { Octokit } from '@octokit/core';
import { restEndpointMethods } from '@octokit/plugin-rest-endpoint-methods';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import Bottleneck from 'bottleneck';
import type { Logger } from '../logger.js';
import { GitHubRateLimitError, isRateLimitResponse } from './rate-limit-error.js';

const ModelopsOctokit = Octokit.plugin(restEndpointMethods, retry, throttling);

/** The Octokit every GitHub call in modelops goes through (REST methods, retry, throttling). */
export type GitHubClient = InstanceType<typeof ModelopsOctokit>;

/** How many times a rate-limited request is retried before we give up. */
export const RATE_LIMIT_RETRIES = 2;

/** Options for {@link createGitHubClient}. */
export interface GitHubClientOptions {
  /** GITHUB_TOKEN or a PAT; sent as `Authorization: token …`. */
  token: string;
  /** GITHUB_API_URL, e.g. https://api.github.com, a GHES `/api/v3` URL, or a loopback stand-in. */
  baseUrl?: string;
  logger: Logger;
  userAgent?: string;
  /**
   * Milliseconds per unit of "retry after" (plugins count in seconds, so 1000). Tests pass 1 so a
   * rate-limit or 5xx retry waits milliseconds instead of seconds.
   */
  retryAfterBaseValueMs?: number;
  /**
   * Minimum gap between two writes (POST/PATCH/PUT/DELETE). GitHub asks for one second, which is
   * the default; tests against a local stand-in pass 0.
   */
  writeSpacingMs?: number;
  /** Server errors (5xx) retried by plugin-retry; default 3. */
  retries?: number;
}

/**
 * Creates the GitHub client. Rate limits (primary and secondary) are retried up to
 * {@link RATE_LIMIT_RETRIES} times after the wait GitHub asks for; after that the request fails
 * with a {@link GitHubRateLimitError} that says when the limit resets.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  const { logger } = options;
  const base = options.retryAfterBaseValueMs ?? 1000;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, request: { method: string; url: string }, _o: unknown, retryCount: number) => {
      if (retryCount < RATE_LIMIT_RETRIES) {
        logger.warning(
          `GitHub ${kind} rate limit on ${request.method} ${request.url}; retrying in ${retryAfter}s`,
        );
        return true;
      }
      logger.warning(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}; giving up after ${retryCount} retries`,
      );
      return false;
    };
  const writeGroup =
    options.writeSpacingMs === undefined
      ? undefined
      : new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs });

  const octokit = new ModelopsOctokit({
    auth: options.token,
    // Octokit joins paths onto baseUrl, so a trailing slash would produce `//repos/...`.
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'modelops',
    log: {
      debug: (m) => logger.debug(m),
      info: (m) => logger.debug(m),
      warn: (m) => logger.warning(m),
      error: (m) => logger.error(m),
    },
    retry: { retryAfterBaseValue: base, retries: options.retries ?? 3 },
    throttle: {
      retryAfterBaseValue: base,
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      ...(writeGroup ? { write: writeGroup, notifications: writeGroup } : {}),
    },
  });

  // Registered after the plugins, so this sees the error only once their retries are spent.
  octokit.hook.error('request', (error, options) => {
    const failed = error as {
      response?: { status: number; headers: Record<string, unknown> };
      request?: { url: string };
    };
    const { response } = failed;
    if (response && isRateLimitResponse(response.status, response.headers)) {
      // options.url is still the route template here; the error's request has the real URL.
      const url = failed.request?.url ?? options.url;
      throw new GitHubRateLimitError(options.method, url, response.headers, { cause: error });
    }
    throw error;
  });
  return octokit;
}
