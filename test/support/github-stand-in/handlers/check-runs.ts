import {
  field,
  intParam,
  notFound,
  paginate,
  stringParam,
  validationFailed,
  type Handler,
  type HandlerContext,
} from '../handler.js';
import type { AnnotationRecord, CheckRunRecord } from '../state.js';

// Limits GitHub enforces beyond what the OpenAPI schema can say.
const ANNOTATIONS_PER_REQUEST = 50;
const OUTPUT_TEXT_MAX = 65_535;

interface OutputInput {
  title?: string;
  summary?: string;
  text?: string;
  annotations?: AnnotationRecord[];
}

function applyOutput(run: CheckRunRecord, output: OutputInput | undefined): void {
  if (!output) return;
  const annotations = output.annotations ?? [];
  if (annotations.length > ANNOTATIONS_PER_REQUEST) {
    throw validationFailed({
      resource: 'CheckRun',
      field: 'output.annotations',
      code: 'custom',
      message: `Only ${ANNOTATIONS_PER_REQUEST} annotations are allowed per request`,
    });
  }
  for (const key of ['summary', 'text'] as const) {
    if ((output[key] ?? '').length > OUTPUT_TEXT_MAX) {
      throw validationFailed({
        resource: 'CheckRun',
        field: `output.${key}`,
        code: 'custom',
        message: `${key} is too long (maximum is ${OUTPUT_TEXT_MAX} characters)`,
      });
    }
  }
  for (const a of annotations) {
    if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) {
      throw validationFailed({
        resource: 'CheckRun',
        field: 'output.annotations',
        code: 'custom',
        message: 'start_column and end_column are only allowed when start_line equals end_line',
      });
    }
  }
  run.output = {
    title: output.title ?? null,
    summary: output.summary ?? null,
    text: output.text ?? run.output.text,
  };
  // GitHub appends annotations on every update; that is what makes batching possible.
  run.annotations.push(...annotations);
}

function applyState(ctx: HandlerContext, run: CheckRunRecord): void {
  const status = field<CheckRunRecord['status']>(ctx, 'status');
  const conclusion = field<string>(ctx, 'conclusion');
  if (status) run.status = status;
  if (conclusion) {
    run.conclusion = conclusion;
    run.status = 'completed';
  }
  if (run.status === 'completed' && !run.conclusion) {
    throw validationFailed({ resource: 'CheckRun', field: 'conclusion', code: 'missing_field' });
  }
  if (run.status === 'completed')
    run.completedAt = field<string>(ctx, 'completed_at') ?? run.completedAt ?? ctx.state.now();
  const detailsUrl = field<string>(ctx, 'details_url');
  if (detailsUrl !== undefined) run.detailsUrl = detailsUrl;
  const externalId = field<string>(ctx, 'external_id');
  if (externalId !== undefined) run.externalId = externalId;
}

function findRun(ctx: HandlerContext): CheckRunRecord {
  const run = ctx.state.checkRuns.find((r) => r.id === intParam(ctx, 'check_run_id'));
  if (!run) throw notFound();
  return run;
}

/** Check runs: create, update, get, list for a ref, list annotations. */
export const checkRunHandlers: Record<string, Handler> = {
  'checks/create': (ctx) => {
    const headSha = ctx.state.resolveRef(field<string>(ctx, 'head_sha') ?? '');
    if (!headSha) {
      throw validationFailed({
        resource: 'CheckRun',
        field: 'head_sha',
        code: 'invalid',
        message: 'No commit found for SHA',
      });
    }
    const sameSuite = ctx.state.checkRuns.find((r) => r.headSha === headSha);
    const run: CheckRunRecord = {
      id: ctx.state.nextId(),
      name: field<string>(ctx, 'name') ?? '',
      headSha,
      status: 'queued',
      conclusion: null,
      startedAt: field<string>(ctx, 'started_at') ?? ctx.state.now(),
      completedAt: null,
      detailsUrl: null,
      externalId: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      checkSuiteId: sameSuite?.checkSuiteId ?? ctx.state.nextId(),
    };
    applyState(ctx, run);
    applyOutput(run, field<OutputInput>(ctx, 'output'));
    ctx.state.checkRuns.push(run);
    return { status: 201, body: ctx.objects.checkRun(run) };
  },
  'checks/update': (ctx) => {
    const run = findRun(ctx);
    const name = field<string>(ctx, 'name');
    if (name) run.name = name;
    applyState(ctx, run);
    applyOutput(run, field<OutputInput>(ctx, 'output'));
    return { status: 200, body: ctx.objects.checkRun(run) };
  },
  'checks/get': (ctx) => ({ status: 200, body: ctx.objects.checkRun(findRun(ctx)) }),
  'checks/list-for-ref': (ctx) => {
    const sha = ctx.state.resolveRef(stringParam(ctx, 'ref'));
    if (!sha)
      throw validationFailed({
        resource: 'CheckRun',
        field: 'ref',
        code: 'invalid',
        message: 'No commit found for ref',
      });
    let runs = ctx.state.checkRuns.filter((r) => r.headSha === sha).sort((a, b) => b.id - a.id);
    if (ctx.query.check_name !== undefined) runs = runs.filter((r) => r.name === ctx.query.check_name);
    if (ctx.query.status !== undefined) runs = runs.filter((r) => r.status === ctx.query.status);
    if ((ctx.query.filter ?? 'latest') === 'latest') {
      runs = runs.filter((r, i) => runs.findIndex((o) => o.name === r.name) === i);
    }
    const { page, headers } = paginate(ctx, runs);
    return {
      status: 200,
      body: { total_count: runs.length, check_runs: page.map((r) => ctx.objects.checkRun(r)) },
      headers,
    };
  },
  'checks/list-annotations': (ctx) => {
    const run = findRun(ctx);
    const { page, headers } = paginate(ctx, run.annotations);
    return { status: 200, body: page.map((a) => ctx.objects.checkAnnotation(run, a)), headers };
  },
};
