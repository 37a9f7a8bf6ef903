import { formatErrors, type Operation, type Spec } from './spec.js';

/** A request or response that GitHub's OpenAPI description does not allow. */
export interface Violation {
  kind: 'unknown-operation' | 'request' | 'response' | 'unimplemented' | 'stand-in-error';
  method: string;
  path: string;
  operationId?: string;
  messages: string[];
}

/** The parts of an HTTP request the validator looks at. */
export interface RequestParts {
  method: string;
  /** Path without query, percent-encoded as sent. */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  /** Raw JSON text, or undefined for no body / a binary upload. */
  jsonBody: string | undefined;
}

/** Validation of a request: the matched operation and the coerced path and query parameters. */
export interface RequestCheck {
  operation: Operation | undefined;
  errors: string[];
  params: Record<string, string | number>;
  query: Record<string, unknown>;
}

/**
 * Matches a request to a spec operation and validates path, query, headers and JSON body with
 * openapi-backend (Ajv over the operation's schemas). Unknown query parameters are errors, as the
 * generated query schema does not allow additional properties.
 */
export function checkRequest(spec: Spec, req: RequestParts): RequestCheck {
  const request = {
    method: req.method,
    path: req.path,
    query: req.query,
    headers: req.headers as never,
    body: req.jsonBody,
  };
  const operation = spec.api.matchOperation(request);
  if (!operation)
    return {
      operation,
      errors: ['no operation in the spec matches this method and path'],
      params: {},
      query: {},
    };
  const result = spec.api.validateRequest(request, operation);
  const parsed = spec.api.router.parseRequest(request, operation);
  const coerced = (result.coerced ?? {}) as {
    params?: Record<string, unknown>;
    query?: Record<string, unknown>;
  };
  const params = Object.fromEntries(
    Object.entries({ ...parsed.params, ...(coerced.params ?? {}) }).map(([k, v]) => [
      k,
      typeof v === 'string' ? safeDecode(v) : (v as number),
    ]),
  );
  return {
    operation,
    errors: result.valid ? [] : formatErrors(result.errors ?? []),
    params,
    query: coerced.query ?? parsed.query,
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Whether the operation lists `status` (exactly, as `4XX`, or as `default`). */
function declaresStatus(operation: Operation, status: number): boolean {
  const responses = (operation.responses ?? {}) as Record<string, unknown>;
  return String(status) in responses || `${String(status)[0]}XX` in responses || 'default' in responses;
}

/**
 * Validates a response the stand-in is about to send against the operation's response schema
 * and header schemas. GitHub answers errors (422, 409 …) on more operations than the spec lists
 * them for; such undeclared error answers must still match GitHub's error schemas.
 */
export function checkResponse(
  spec: Spec,
  operation: Operation,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): string[] {
  if (!declaresStatus(operation, status)) {
    if (status < 400) return [`status ${status} is not declared for ${operation.operationId}`];
    const errors = body && typeof body === 'object' && 'errors' in body ? 'validation-error' : 'basic-error';
    return spec.validateSchema(errors, body).map((m) => `${status} body: ${m}`);
  }
  const bodyResult = spec.api.validateResponse(status === 204 ? null : body, operation, status);
  const headerResult = spec.api.validateResponseHeaders(headers, operation, {
    statusCode: status,
    setMatchType: 'any' as never,
  });
  return [
    ...formatErrors(bodyResult.errors ?? []).map((m) => `${status} body: ${m}`),
    ...formatErrors(headerResult.errors ?? []).map((m) => `${status} headers: ${m}`),
  ];
}
