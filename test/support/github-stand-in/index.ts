/**
 * A stateful stand-in for GitHub's REST API, checked against GitHub's OpenAPI description.
 *
 *   const standIn = await startStandIn({ owner: 'acme', repo: 'models' });
 *   const octokit = createTestClient(standIn);          // or GITHUB_API_URL=standIn.url for a child
 *   ...
 *   standIn.assertNoViolations();
 *   await standIn.close();
 *
 * Seed or inspect `standIn.state` directly; `standIn.rateLimit.failNext(n)` simulates limits.
 */
export { startStandIn, type RecordedRequest, type StandIn, type StandInOptions } from './server.js';
export type { Violation } from './exchange-validation.js';
export { DEFAULT_LOGIN, fakeSha, StandInState } from './state.js';
export { createTestClient } from './test-client.js';
