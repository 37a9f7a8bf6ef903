/** How the next requests should be refused. */
export interface RateLimitPlan {
  /** `primary`: the hourly quota is spent; `secondary`: GitHub's abuse limit (retry-after). */
  kind: 'primary' | 'secondary';
  /** GitHub uses 403 for both, and sometimes 429. */
  status: 403 | 429;
  /** Seconds until the quota resets (primary) or the retry-after value (secondary). */
  waitSeconds: number;
}

export interface RateLimitedAnswer {
  status: number;
  headers: Record<string, string>;
  body: { message: string; documentation_url: string; status: string };
}

const LIMIT = 5000;

/** Simulated GitHub rate limits: normal quota headers on every answer, refusals on demand. */
export class RateLimiter {
  private refusals: RateLimitPlan[] = [];
  private used = 0;

  /** Makes the next `count` requests (after authentication) answer with a rate-limit error. */
  failNext(count: number, plan: Partial<RateLimitPlan> = {}): void {
    const full: RateLimitPlan = {
      kind: plan.kind ?? 'primary',
      status: plan.status ?? 403,
      waitSeconds: plan.waitSeconds ?? 1,
    };
    for (let i = 0; i < count; i++) this.refusals.push(full);
  }

  /** Counts one request; returns the refusal to send if one is planned. */
  take(): RateLimitedAnswer | undefined {
    this.used++;
    const plan = this.refusals.shift();
    if (!plan) return undefined;
    const reset = Math.floor(Date.now() / 1000) + plan.waitSeconds;
    const docs = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';
    if (plan.kind === 'secondary') {
      return {
        status: plan.status,
        headers: { ...this.headers(), 'retry-after': String(plan.waitSeconds) },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: docs,
          status: String(plan.status),
        },
      };
    }
    return {
      status: plan.status,
      headers: { ...this.headers(), 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      body: {
        message: 'API rate limit exceeded for installation ID 1.',
        documentation_url: docs,
        status: String(plan.status),
      },
    };
  }

  /** The quota headers GitHub sends with every answer. */
  headers(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(LIMIT),
      'x-ratelimit-remaining': String(Math.max(LIMIT - this.used, 0)),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-resource': 'core',
    };
  }
}
