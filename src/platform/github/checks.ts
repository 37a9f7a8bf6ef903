import { truncateMarkdown } from '../../core/report/markdown.js';
import type { GitHubClient } from './client.js';

/** GitHub accepts at most this many annotations per check-run create/update request. */
export const ANNOTATIONS_PER_REQUEST = 50;
/** GitHub rejects check-run `output.summary` and `output.text` longer than this. */
export const CHECK_OUTPUT_MAX_CHARS = 65_535;

const OUTPUT_FOOTER = '\n\n_Cut to fit a check run; the full report is in the job summary._\n';

/** One annotation on a file and line range of the checked commit. */
export interface CheckAnnotation {
  path: string;
  startLine: number;
  endLine?: number;
  /** Only kept when the annotation is on one line, as GitHub requires. */
  startColumn?: number;
  endColumn?: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
  rawDetails?: string;
}

/** The report shown on a check run's page. */
export interface CheckOutput {
  title: string;
  summary: string;
  text?: string;
  annotations?: readonly CheckAnnotation[];
}

/** Where a check run is in its life. */
export type CheckStatus = 'queued' | 'in_progress' | 'completed';
/** How a completed check run ended. */
export type CheckConclusion =
  'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required';

/** Which repository, through which client. */
export interface RepoRef {
  octokit: GitHubClient;
  owner: string;
  repo: string;
}

/** Parameters of {@link createCheckRun}. */
export interface CreateCheckRunParams extends RepoRef {
  name: string;
  headSha: string;
  status?: CheckStatus;
  /** Setting a conclusion completes the run. */
  conclusion?: CheckConclusion;
  detailsUrl?: string;
  externalId?: string;
  output?: CheckOutput;
}

/** Parameters of {@link updateCheckRun}. */
export interface UpdateCheckRunParams extends RepoRef {
  checkRunId: number;
  status?: CheckStatus;
  conclusion?: CheckConclusion;
  detailsUrl?: string;
  output?: CheckOutput;
}

/** A check run after all requests were made. */
export interface CheckRunResult {
  id: number;
  htmlUrl: string | null;
  /** Number of API requests it took (one per 50 annotations). */
  requests: number;
}

function toApiAnnotation(a: CheckAnnotation) {
  const endLine = a.endLine ?? a.startLine;
  const sameLine = endLine === a.startLine;
  return {
    path: a.path,
    start_line: a.startLine,
    end_line: endLine,
    ...(sameLine && a.startColumn !== undefined ? { start_column: a.startColumn } : {}),
    ...(sameLine && a.endColumn !== undefined ? { end_column: a.endColumn } : {}),
    annotation_level: a.level,
    message: a.message.slice(0, 64 * 1024),
    ...(a.title !== undefined ? { title: a.title.slice(0, 255) } : {}),
    ...(a.rawDetails !== undefined ? { raw_details: a.rawDetails.slice(0, 64 * 1024) } : {}),
  };
}

function fitOutputText(text: string): string {
  return truncateMarkdown(text, { max: CHECK_OUTPUT_MAX_CHARS, footer: OUTPUT_FOOTER }).text;
}

type ApiOutput = { title: string; summary: string; text?: string; annotations?: ApiAnnotation[] };
type ApiAnnotation = ReturnType<typeof toApiAnnotation>;

/** Output for one request: the same title/summary/text every time, a different annotation batch. */
function outputBatches(output: CheckOutput | undefined): (ApiOutput | undefined)[] {
  if (!output) return [undefined];
  const base: ApiOutput = {
    title: output.title,
    summary: fitOutputText(output.summary),
    ...(output.text !== undefined ? { text: fitOutputText(output.text) } : {}),
  };
  const annotations = (output.annotations ?? []).map(toApiAnnotation);
  if (annotations.length === 0) return [base];
  const batches: ApiOutput[] = [];
  for (let i = 0; i < annotations.length; i += ANNOTATIONS_PER_REQUEST) {
    batches.push({ ...base, annotations: annotations.slice(i, i + ANNOTATIONS_PER_REQUEST) });
  }
  return batches;
}

/**
 * Creates a check run. Annotations beyond the first 50 go in follow-up updates, since GitHub
 * takes 50 per request; the run stays in progress until the last batch, which carries the
 * final status and conclusion, so nobody sees a completed check with half its annotations.
 */
export async function createCheckRun(params: CreateCheckRunParams): Promise<CheckRunResult> {
  const { octokit, owner, repo } = params;
  const [first, ...rest] = outputBatches(params.output);
  const finalState = { status: params.status, conclusion: params.conclusion };
  const { data } = await octokit.rest.checks.create({
    owner,
    repo,
    name: params.name,
    head_sha: params.headSha,
    ...(params.detailsUrl !== undefined ? { details_url: params.detailsUrl } : {}),
    ...(params.externalId !== undefined ? { external_id: params.externalId } : {}),
    ...(rest.length > 0 ? { status: 'in_progress' as const } : withoutUndefined(finalState)),
    ...(first ? { output: first } : {}),
  });
  const id = Number(data.id);
  await sendBatches({ octokit, owner, repo, checkRunId: id }, rest, finalState);
  return { id, htmlUrl: data.html_url, requests: 1 + rest.length };
}

/** Updates a check run, batching annotations like {@link createCheckRun}. */
export async function updateCheckRun(params: UpdateCheckRunParams): Promise<CheckRunResult> {
  const batches = outputBatches(params.output);
  const finalState = { status: params.status, conclusion: params.conclusion };
  const detailsUrl: Record<string, string> =
    params.detailsUrl !== undefined ? { details_url: params.detailsUrl } : {};
  const htmlUrl = await sendBatches(params, batches, finalState, detailsUrl);
  return { id: params.checkRunId, htmlUrl, requests: batches.length };
}

async function sendBatches(
  ref: RepoRef & { checkRunId: number },
  batches: (ApiOutput | undefined)[],
  finalState: { status?: CheckStatus; conclusion?: CheckConclusion },
  extra: Record<string, string> = {},
): Promise<string | null> {
  let htmlUrl: string | null = null;
  for (const [i, output] of batches.entries()) {
    const last = i === batches.length - 1;
    const { data } = await ref.octokit.rest.checks.update({
      owner: ref.owner,
      repo: ref.repo,
      check_run_id: ref.checkRunId,
      ...extra,
      ...(last ? withoutUndefined(finalState) : {}),
      ...(output ? { output } : {}),
    });
    htmlUrl = data.html_url;
  }
  return htmlUrl;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
