import {
  field,
  paginate,
  stringParam,
  validationFailed,
  type Handler,
  type HandlerContext,
} from '../handler.js';
import type { StandInState, StatusRecord } from '../state.js';

const DESCRIPTION_MAX = 140;

/** The newest status of each context on a commit, newest first. */
export function latestStatuses(state: StandInState, sha: string): StatusRecord[] {
  const all = state.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id);
  return all.filter((s, i) => all.findIndex((o) => o.context === s.context) === i);
}

/** GitHub's combined state: failure beats pending beats success; no statuses is pending. */
export function combinedState(statuses: readonly StatusRecord[]): 'failure' | 'pending' | 'success' {
  if (statuses.some((s) => s.state === 'error' || s.state === 'failure')) return 'failure';
  if (statuses.length === 0 || statuses.some((s) => s.state === 'pending')) return 'pending';
  return 'success';
}

function shaForRef(ctx: HandlerContext): string {
  const sha = ctx.state.resolveRef(stringParam(ctx, 'ref'));
  if (!sha)
    throw validationFailed({
      resource: 'Commit',
      field: 'ref',
      code: 'invalid',
      message: 'No commit found for ref',
    });
  return sha;
}

/** Commit statuses: create, list for a ref, combined status for a ref. */
export const commitStatusHandlers: Record<string, Handler> = {
  'repos/create-commit-status': (ctx) => {
    const sha = stringParam(ctx, 'sha').toLowerCase();
    if (!/^[0-9a-f]{40}$/.test(sha)) {
      throw validationFailed({
        resource: 'Status',
        field: 'sha',
        code: 'invalid',
        message: 'No commit found for SHA',
      });
    }
    const description = field<string | null>(ctx, 'description') ?? null;
    if (description !== null && description.length > DESCRIPTION_MAX) {
      throw validationFailed({
        resource: 'Status',
        field: 'description',
        code: 'custom',
        message: `description is too long (maximum is ${DESCRIPTION_MAX} characters)`,
      });
    }
    const status: StatusRecord = {
      id: ctx.state.nextId(),
      sha,
      state: field<StatusRecord['state']>(ctx, 'state') ?? 'pending',
      context: field<string>(ctx, 'context') ?? 'default',
      description,
      targetUrl: field<string | null>(ctx, 'target_url') ?? null,
      creator: ctx.login,
      createdAt: ctx.state.now(),
    };
    ctx.state.statuses.push(status);
    const rendered = ctx.objects.status(status);
    return { status: 201, body: rendered, headers: { location: rendered.url } };
  },
  'repos/list-commit-statuses-for-ref': (ctx) => {
    const sha = shaForRef(ctx);
    const statuses = ctx.state.statuses.filter((s) => s.sha === sha).sort((a, b) => b.id - a.id);
    const { page, headers } = paginate(ctx, statuses);
    return { status: 200, body: page.map((s) => ctx.objects.status(s)), headers };
  },
  'repos/get-combined-status-for-ref': (ctx) => {
    const sha = shaForRef(ctx);
    const latest = latestStatuses(ctx.state, sha);
    const { page } = paginate(ctx, latest);
    return {
      status: 200,
      body: {
        state: combinedState(latest),
        statuses: page.map((s) => ctx.objects.simpleStatus(s)),
        sha,
        total_count: latest.length,
        repository: ctx.objects.minimalRepository(),
        commit_url: `${ctx.objects.repoApi}/commits/${sha}`,
        url: `${ctx.objects.repoApi}/commits/${sha}/status`,
      },
    };
  },
};
