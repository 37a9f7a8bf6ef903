import {
  field,
  GitHubHttpError,
  intParam,
  notFound,
  paginate,
  validationFailed,
  type Handler,
  type HandlerContext,
} from '../handler.js';
import type { DeploymentRecord, DeploymentStatusRecord, StandInState } from '../state.js';
import { latestStatuses } from './commit-statuses.js';

const PASSING_CHECK = new Set(['success', 'neutral', 'skipped']);

/**
 * Contexts (commit statuses and check runs) that block a deployment of `sha`. GitHub verifies
 * every context on the commit unless `required_contexts` names them; `[]` skips the check.
 */
function failingContexts(state: StandInState, sha: string, required: string[] | undefined): string[] {
  const results = new Map<string, boolean>();
  for (const s of latestStatuses(state, sha)) results.set(s.context, s.state === 'success');
  const runs = state.checkRuns.filter((r) => r.headSha === sha).sort((a, b) => b.id - a.id);
  for (const r of runs) {
    if (!results.has(r.name))
      results.set(r.name, r.status === 'completed' && PASSING_CHECK.has(r.conclusion ?? ''));
  }
  const contexts = required ?? [...results.keys()];
  return contexts.filter((c) => results.get(c) !== true);
}

function findDeployment(ctx: HandlerContext): DeploymentRecord {
  const deployment = ctx.state.deployments.find((d) => d.id === intParam(ctx, 'deployment_id'));
  if (!deployment) throw notFound();
  return deployment;
}

/** Deployments and deployment statuses: create, get, list. */
export const deploymentHandlers: Record<string, Handler> = {
  'repos/create-deployment': (ctx) => {
    const ref = field<string>(ctx, 'ref') ?? '';
    const sha = ctx.state.resolveRef(ref);
    if (!sha)
      throw validationFailed({
        resource: 'Deployment',
        field: 'ref',
        code: 'invalid',
        message: `No ref found for: ${ref}`,
      });
    const failing = failingContexts(ctx.state, sha, field<string[]>(ctx, 'required_contexts'));
    if (failing.length > 0) {
      throw new GitHubHttpError(
        409,
        `Conflict: Commit status checks failed for ${ref}. (${failing.join(', ')})`,
      );
    }
    const environment = field<string>(ctx, 'environment') ?? 'production';
    const now = ctx.state.now();
    const deployment: DeploymentRecord = {
      id: ctx.state.nextId(),
      sha,
      ref,
      task: field<string>(ctx, 'task') ?? 'deploy',
      environment,
      payload: field<Record<string, unknown> | string>(ctx, 'payload') ?? {},
      description: field<string | null>(ctx, 'description') ?? '',
      creator: ctx.login,
      createdAt: now,
      updatedAt: now,
      transientEnvironment: field<boolean>(ctx, 'transient_environment') ?? false,
      productionEnvironment: field<boolean>(ctx, 'production_environment') ?? environment === 'production',
    };
    ctx.state.deployments.push(deployment);
    return { status: 201, body: ctx.objects.deployment(deployment) };
  },
  'repos/get-deployment': (ctx) => ({ status: 200, body: ctx.objects.deployment(findDeployment(ctx)) }),
  'repos/list-deployments': (ctx) => {
    const q = ctx.query;
    const list = ctx.state.deployments
      .filter((d) => q.sha === undefined || d.sha === q.sha)
      .filter((d) => q.ref === undefined || d.ref === q.ref)
      .filter((d) => q.task === undefined || d.task === q.task)
      .filter((d) => q.environment === undefined || q.environment === null || d.environment === q.environment)
      .sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(ctx, list);
    return { status: 200, body: page.map((d) => ctx.objects.deployment(d)), headers };
  },
  'repos/create-deployment-status': (ctx) => {
    const deployment = findDeployment(ctx);
    const state = field<DeploymentStatusRecord['state']>(ctx, 'state') ?? 'pending';
    const environment = field<string>(ctx, 'environment') ?? deployment.environment;
    deployment.environment = environment;
    const logUrl = field<string>(ctx, 'log_url') ?? field<string>(ctx, 'target_url') ?? '';
    const record: DeploymentStatusRecord = {
      id: ctx.state.nextId(),
      deploymentId: deployment.id,
      state,
      description: field<string>(ctx, 'description') ?? '',
      environment,
      targetUrl: logUrl,
      logUrl,
      environmentUrl: field<string>(ctx, 'environment_url') ?? '',
      creator: ctx.login,
      createdAt: ctx.state.now(),
    };
    ctx.state.deploymentStatuses.push(record);
    deployment.updatedAt = record.createdAt;
    if (state === 'success' && field<boolean>(ctx, 'auto_inactive') !== false)
      markOthersInactive(ctx, deployment);
    const rendered = ctx.objects.deploymentStatus(record);
    return { status: 201, body: rendered, headers: { location: rendered.url } };
  },
  'repos/list-deployment-statuses': (ctx) => {
    const deployment = findDeployment(ctx);
    const list = ctx.state.deploymentStatuses
      .filter((s) => s.deploymentId === deployment.id)
      .sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(ctx, list);
    return { status: 200, body: page.map((s) => ctx.objects.deploymentStatus(s)), headers };
  },
};

/** GitHub's auto_inactive: earlier non-transient deployments to the environment become inactive. */
function markOthersInactive(ctx: HandlerContext, current: DeploymentRecord): void {
  for (const other of ctx.state.deployments) {
    if (other.id === current.id || other.environment !== current.environment || other.transientEnvironment)
      continue;
    const statuses = ctx.state.deploymentStatuses.filter((s) => s.deploymentId === other.id);
    const latest = statuses.sort((a, b) => b.id - a.id)[0];
    if (latest?.state !== 'success') continue;
    ctx.state.deploymentStatuses.push({
      ...latest,
      id: ctx.state.nextId(),
      state: 'inactive',
      description: '',
      createdAt: ctx.state.now(),
    });
  }
}
