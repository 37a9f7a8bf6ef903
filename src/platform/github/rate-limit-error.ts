/**
 * A GitHub request still rate-limited after our retries. The message is one line that names the
 * request and, when GitHub said so, the time the limit resets, so a user knows when to re-run.
 */
export class GitHubRateLimitError extends Error {
  override readonly name = 'GitHubRateLimitError';
  /** When the primary limit resets, if GitHub sent `x-ratelimit-reset`. */
  readonly resetAt: Date | undefined;

  constructor(
    method: string,
    url: string,
    headers: Record<string, unknown>,
    options: { cause?: unknown } = {},
  ) {
    const resetAt = resetTime(headers);
    const secondary = headers['retry-after'] !== undefined && headers['x-ratelimit-remaining'] !== '0';
    const kind = secondary ? 'secondary rate limit' : 'rate limit';
    const when = resetAt ? ` until ${resetAt.toISOString()}` : '';
    super(
      `GitHub API ${kind} exceeded for ${method} ${url}${when}; gave up after retrying — re-run the job later or use a token with a higher limit`,
      options,
    );
    this.resetAt = resetAt;
  }
}

function resetTime(headers: Record<string, unknown>): Date | undefined {
  const seconds = Number(headers['x-ratelimit-reset']);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : undefined;
}

/**
 * True for GitHub's rate-limit answers: 429, or 403 with `x-ratelimit-remaining: 0` (primary) or
 * with `retry-after` (secondary). A plain 403 is a permission problem and is not matched.
 */
export function isRateLimitResponse(status: number, headers: Record<string, unknown>): boolean {
  if (status === 429) return true;
  return status === 403 && (headers['x-ratelimit-remaining'] === '0' || headers['retry-after'] !== undefined);
}
