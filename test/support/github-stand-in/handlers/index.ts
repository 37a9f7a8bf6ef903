import type { Handler } from '../handler.js';
import { checkRunHandlers } from './check-runs.js';
import { commitStatusHandlers } from './commit-statuses.js';
import { deploymentHandlers } from './deployments.js';
import { issueCommentHandlers } from './issue-comments.js';
import { releaseHandlers } from './releases.js';

/** Every operation the stand-in implements, by the spec's operationId. */
export const handlers: Record<string, Handler> = {
  'repos/get': (ctx) => ({ status: 200, body: ctx.objects.fullRepository() }),
  ...issueCommentHandlers,
  ...checkRunHandlers,
  ...commitStatusHandlers,
  ...deploymentHandlers,
  ...releaseHandlers,
};
