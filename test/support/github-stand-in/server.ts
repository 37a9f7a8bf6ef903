import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRequest, checkResponse, type RequestParts, type Violation } from './exchange-validation.js';
import { GitHubHttpError, type HandlerResult } from './handler.js';
import { handlers } from './handlers/index.js';
import { GitHubObjects } from './objects.js';
import { RateLimiter } from './rate-limit.js';
import { loadSpec } from './spec.js';
import { StandInState } from './state.js';

/** One request as the stand-in saw it, for assertions. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  operationId: string | undefined;
  status: number;
  /** Parsed JSON body, if any. */
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** Options of {@link startStandIn}. */
export interface StandInOptions {
  owner: string;
  repo: string;
  defaultBranch?: string;
  /** What github.com would be in html_url links; default https://github.com. */
  serverUrl?: string;
}

/** A running stand-in. */
export interface StandIn {
  /** API root (GITHUB_API_URL), e.g. http://127.0.0.1:41234. */
  url: string;
  /** Root for release asset uploads (uploads.github.com on GitHub). */
  uploadsUrl: string;
  state: StandInState;
  /** Requests or responses that broke the spec; tests assert this is empty. */
  violations: Violation[];
  requests: RecordedRequest[];
  rateLimit: RateLimiter;
  /** Milliseconds the (shared, once per process) spec load took. */
  specLoadMs: number;
  assertNoViolations(): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

/**
 * Starts a stateful GitHub REST API stand-in on 127.0.0.1 (a free port). Every request is
 * matched to an operation of GitHub's OpenAPI description and validated; a request that matches
 * nothing or breaks the schema gets a 422 and is recorded in `violations`. Every JSON answer is
 * validated against the operation's response schema before it is sent.
 */
export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const spec = await loadSpec();
  const state = new StandInState({
    owner: options.owner,
    repo: options.repo,
    defaultBranch: options.defaultBranch,
  });
  const violations: Violation[] = [];
  const requests: RecordedRequest[] = [];
  const rateLimit = new RateLimiter();
  // Listen first: the answers' URLs need the port.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const objects = new GitHubObjects(
    state,
    base,
    (options.serverUrl ?? 'https://github.com').replace(/\/+$/, ''),
  );

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then((raw) => {
        const answer = handle(req, raw);
        send(res, answer, rateLimit);
      })
      .catch((error: unknown) => {
        violations.push({
          kind: 'stand-in-error',
          method: req.method ?? '',
          path: req.url ?? '',
          messages: [String(error)],
        });
        send(res, { status: 500, body: { message: String(error), documentation_url: DOCS } }, rateLimit);
      });
  });

  function handle(req: IncomingMessage, raw: Buffer): HandlerResult {
    const url = new URL(req.url ?? '/', base);
    const method = (req.method ?? 'GET').toUpperCase();
    // uploads.github.com on GitHub; the same server here, under /uploads.
    const path = url.pathname.replace(/^\/uploads(?=\/)/, '');
    const query = queryObject(url.searchParams);
    const isJson =
      /json/i.test(String(req.headers['content-type'] ?? '')) ||
      (raw.length > 0 && !req.headers['content-type']);
    const jsonBody = raw.length > 0 && isJson ? raw.toString('utf8') : undefined;
    const record: RecordedRequest = {
      method,
      path,
      query,
      operationId: undefined,
      status: 0,
      body: parseJson(jsonBody),
      headers: req.headers,
    };
    requests.push(record);
    const finish = (answer: HandlerResult) => {
      record.status = answer.status;
      return answer;
    };

    const auth = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!auth) return finish(errorAnswer(new GitHubHttpError(401, 'Requires authentication')));
    const limited = rateLimit.take();
    if (limited) return finish(limited);

    const parts: RequestParts = { method, path, query, headers: req.headers, jsonBody };
    const check = checkRequest(spec, parts);
    const operationId = check.operation?.operationId;
    record.operationId = operationId;
    if (!check.operation || !operationId || check.errors.length > 0) {
      const kind = check.operation ? 'request' : 'unknown-operation';
      violations.push({ kind, method, path: url.pathname + url.search, operationId, messages: check.errors });
      return finish(invalidRequest(check.errors));
    }
    const handler = handlers[operationId];
    if (!handler) {
      violations.push({
        kind: 'unimplemented',
        method,
        path,
        operationId,
        messages: [`the stand-in does not implement ${operationId}`],
      });
      return finish(
        errorAnswer(new GitHubHttpError(404, `Not Found (stand-in does not implement ${operationId})`)),
      );
    }
    if (!sameRepo(check.params)) return finish(errorAnswer(new GitHubHttpError(404, 'Not Found')));

    let answer: HandlerResult;
    try {
      answer = handler({
        state,
        objects,
        params: check.params,
        query: check.query,
        body: record.body as Record<string, unknown> | undefined,
        rawBody: raw,
        headers: req.headers,
        login: state.loginForToken(auth[1]!),
        url: new URL(req.url ?? '/', base),
      });
    } catch (error) {
      if (!(error instanceof GitHubHttpError)) throw error;
      answer = errorAnswer(error);
    }
    if (!answer.raw) {
      const messages = checkResponse(spec, check.operation, answer.status, answer.body, answer.headers ?? {});
      if (messages.length) violations.push({ kind: 'response', method, path, operationId, messages });
    }
    return finish(answer);
  }

  function sameRepo(params: Record<string, string | number>): boolean {
    const owner = params.owner === undefined ? state.owner : String(params.owner);
    const repo = params.repo === undefined ? state.repo : String(params.repo);
    return (
      owner.toLowerCase() === state.owner.toLowerCase() && repo.toLowerCase() === state.repo.toLowerCase()
    );
  }

  return {
    url: base,
    uploadsUrl: `${base}/uploads`,
    state,
    violations,
    requests,
    rateLimit,
    specLoadMs: spec.loadMs,
    assertNoViolations() {
      if (violations.length === 0) return;
      const lines = violations.map(
        (v) =>
          `${v.kind} ${v.method} ${v.path}${v.operationId ? ` (${v.operationId})` : ''}: ${v.messages.join('; ')}`,
      );
      throw new Error(`GitHub stand-in saw ${violations.length} violation(s):\n${lines.join('\n')}`);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Octokit's fetch keeps connections alive; close them so close() does not wait on them.
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorAnswer(error: GitHubHttpError): HandlerResult {
  return {
    status: error.status,
    body: {
      message: error.message,
      documentation_url: DOCS,
      status: String(error.status),
      ...(error.errors ? { errors: error.errors } : {}),
    },
  };
}

/** GitHub's wording for a body that breaks the schema: "Invalid request.\n\n<details>". */
function invalidRequest(errors: string[]): HandlerResult {
  return {
    status: 422,
    body: { message: `Invalid request.\n\n${errors.join('\n')}`, documentation_url: DOCS, status: '422' },
  };
}

function send(res: ServerResponse, answer: HandlerResult, rateLimit: RateLimiter): void {
  const headers: Record<string, string> = {
    ...rateLimit.headers(),
    'x-github-request-id': `STANDIN:${Date.now().toString(16)}`,
    'x-github-api-version-selected': '2022-11-28',
    ...answer.headers,
  };
  if (answer.raw) {
    res.writeHead(answer.status, { ...headers, 'content-type': answer.raw.contentType });
    res.end(answer.raw.data);
  } else if (answer.status === 204 || answer.body === undefined) {
    res.writeHead(answer.status, headers);
    res.end();
  } else {
    res.writeHead(answer.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(answer.body));
  }
}
