import {
  field,
  intParam,
  notFound,
  paginate,
  validationFailed,
  type Handler,
  type HandlerContext,
} from '../handler.js';

/** GitHub rejects comment bodies longer than this many characters (code points). */
const COMMENT_MAX_CHARS = 65_536;

function checkBody(body: string): void {
  if ([...body].length > COMMENT_MAX_CHARS) {
    throw validationFailed({
      resource: 'IssueComment',
      field: 'body',
      code: 'custom',
      message: `body is too long (maximum is ${COMMENT_MAX_CHARS} characters)`,
    });
  }
}

function findComment(ctx: HandlerContext) {
  const comment = ctx.state.comments.find((c) => c.id === intParam(ctx, 'comment_id'));
  if (!comment) throw notFound();
  return comment;
}

/** Issue and PR comments: list (paginated, oldest first), create, get, update, delete. */
export const issueCommentHandlers: Record<string, Handler> = {
  'issues/list-comments': (ctx) => {
    const since = ctx.query.since === undefined ? undefined : Date.parse(String(ctx.query.since));
    const comments = ctx.state
      .commentsOn(intParam(ctx, 'issue_number'))
      .filter((c) => since === undefined || Date.parse(c.updatedAt) >= since);
    const { page, headers } = paginate(ctx, comments);
    return { status: 200, body: page.map((c) => ctx.objects.issueComment(c)), headers };
  },
  'issues/create-comment': (ctx) => {
    const body = field<string>(ctx, 'body') ?? '';
    checkBody(body);
    if (body.trim() === '')
      throw validationFailed({ resource: 'IssueComment', field: 'body', code: 'missing_field' });
    const comment = ctx.state.addComment({
      issueNumber: intParam(ctx, 'issue_number'),
      body,
      user: ctx.login,
    });
    const rendered = ctx.objects.issueComment(comment);
    return { status: 201, body: rendered, headers: { location: rendered.url } };
  },
  'issues/get-comment': (ctx) => ({ status: 200, body: ctx.objects.issueComment(findComment(ctx)) }),
  'issues/update-comment': (ctx) => {
    const comment = findComment(ctx);
    const body = field<string>(ctx, 'body') ?? '';
    checkBody(body);
    comment.body = body;
    comment.updatedAt = ctx.state.now();
    return { status: 200, body: ctx.objects.issueComment(comment) };
  },
  'issues/delete-comment': (ctx) => {
    const comment = findComment(ctx);
    ctx.state.comments.splice(ctx.state.comments.indexOf(comment), 1);
    return { status: 204 };
  },
};
