import type { IncomingHttpHeaders } from 'node:http';
import type { GitHubObjects } from './objects.js';
import type { StandInState } from './state.js';

/** Everything an operation handler sees; params and query are already validated and coerced. */
export interface HandlerContext {
  state: StandInState;
  objects: GitHubObjects;
  /** Path parameters, percent-decoded; integers where the spec says integer. */
  params: Record<string, string | number>;
  query: Record<string, unknown>;
  /** Parsed JSON body, or undefined. */
  body: Record<string, unknown> | undefined;
  /** The raw request body (release asset uploads). */
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
  /** Login of the user the token belongs to. */
  login: string;
  /** The absolute request URL, for Link headers. */
  url: URL;
}

/** What a handler answers; `raw` is for non-JSON bodies (asset downloads). */
export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: { contentType: string; data: Buffer };
}

export type Handler = (ctx: HandlerContext) => HandlerResult;

/** One entry of a GitHub validation error's `errors` array. */
export interface FieldError {
  resource: string;
  field: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  message?: string;
}

/** An error answer in GitHub's shape; the server renders it. */
export class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: FieldError[],
  ) {
    super(message);
  }
}

export const notFound = (): GitHubHttpError => new GitHubHttpError(404, 'Not Found');

/** 422 Validation Failed with field errors, as GitHub sends for semantic problems. */
export function validationFailed(...errors: FieldError[]): GitHubHttpError {
  return new GitHubHttpError(422, 'Validation Failed', errors);
}

/** Integer path parameter (already coerced by validation). */
export function intParam(ctx: HandlerContext, name: string): number {
  return Number(ctx.params[name]);
}

export function stringParam(ctx: HandlerContext, name: string): string {
  return String(ctx.params[name]);
}

/** Reads a body field of an expected type (the spec validation has already checked it). */
export function field<T>(ctx: HandlerContext, name: string): T | undefined {
  return ctx.body?.[name] as T | undefined;
}

/**
 * One page of `items`, with GitHub's `Link` header (next/last/first/prev) when there is more
 * than one page; per_page defaults to 30 and is capped at 100, as on GitHub.
 */
export function paginate<T>(
  ctx: HandlerContext,
  items: readonly T[],
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(ctx.query.per_page ?? 30), 1), 100);
  const pageNumber = Math.max(Number(ctx.query.page ?? 1), 1);
  const lastPage = Math.max(Math.ceil(items.length / perPage), 1);
  const page = items.slice((pageNumber - 1) * perPage, pageNumber * perPage);
  const link = (n: number, rel: string) => {
    const url = new URL(ctx.url);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (pageNumber > 1) links.push(link(pageNumber - 1, 'prev'));
  if (pageNumber < lastPage) links.push(link(pageNumber + 1, 'next'), link(lastPage, 'last'));
  if (pageNumber > 1) links.push(link(1, 'first'));
  return { page, headers: links.length ? { link: links.join(', ') } : {} };
}
