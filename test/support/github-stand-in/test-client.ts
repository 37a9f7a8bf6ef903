import { createGitHubClient, type GitHubClient } from '../../../src/platform/github/client.js';
import { createMemoryLogger, type Logger } from '../../../src/platform/logger.js';
import type { StandIn } from './server.js';

/**
 * A real GitHub client pointed at a stand-in, with retry waits in milliseconds and no spacing
 * between writes, so rate-limit tests take milliseconds rather than seconds.
 */
export function createTestClient(standIn: StandIn, logger: Logger = createMemoryLogger()): GitHubClient {
  return createGitHubClient({
    token: 'test-token',
    baseUrl: standIn.url,
    logger,
    userAgent: 'modelops-tests',
    retryAfterBaseValueMs: 1,
    writeSpacingMs: 0,
  });
}
