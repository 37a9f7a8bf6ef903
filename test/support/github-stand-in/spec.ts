import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import * as ajvFormatsModule from 'ajv-formats';
import { OpenAPIBackend, ValidationContext, type Operation } from 'openapi-backend';

/**
 * GitHub's published OpenAPI description (package @octokit/openapi), loaded once per process and
 * shared by every stand-in. openapi-backend runs in "quick" mode: it dereferences the document
 * synchronously and compiles the Ajv validators of an operation the first time it is used, so
 * startup costs the JSON parse plus one pass over the document, not a compile of ~1,000 operations.
 */

type FormatsPlugin = (ajv: Ajv) => Ajv;
// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module.
const addFormats = ((ajvFormatsModule as unknown as { default: FormatsPlugin }).default ??
  ajvFormatsModule) as FormatsPlugin;

const require = createRequire(import.meta.url);
/** Path of the spec inside @octokit/openapi. */
export const SPEC_PATH = require.resolve('@octokit/openapi/generated/api.github.com.json');

/** One spec, its router and its validators. */
export interface Spec {
  api: OpenAPIBackend;
  /** The dereferenced document (what the validators see). */
  document: { components: { schemas: Record<string, object> } };
  /** Validates a value against one of `components.schemas`, compiled once on first use. */
  validateSchema(name: string, value: unknown): string[];
  /** Milliseconds it took to load, dereference and index the spec. */
  loadMs: number;
}

/**
 * GitHub sends `""` for URLs that are unset (deployment_status.target_url, environment_url …)
 * where the spec says `format: uri`; accepting only that one value keeps every other URI strict.
 */
function addGitHubFormats(ajv: Ajv): Ajv {
  addFormats(ajv);
  const uri = ajv.formats.uri;
  const strict =
    typeof uri === 'function'
      ? uri
      : uri && typeof uri === 'object' && 'validate' in uri
        ? uri.validate
        : undefined;
  if (typeof strict !== 'function') throw new Error('ajv-formats did not define the uri format');
  ajv.addFormat('uri', (s: string) => s === '' || (strict as (s: string) => boolean)(s));
  return ajv;
}

/**
 * OpenAPI 3.0 leaves open whether `nullable: true` lets null past an `enum` that does not list
 * it; Ajv says no, GitHub's spec means yes (an in-progress check run has `conclusion: null`
 * under `enum: [success, …]`). Listing null in such enums keeps every other value strict.
 */
function nullableEnumsAllowNull<T>(node: T): T {
  if (Array.isArray(node)) {
    node.forEach(nullableEnumsAllowNull);
  } else if (node && typeof node === 'object') {
    const schema = node as { nullable?: unknown; enum?: unknown[] };
    if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null))
      schema.enum.push(null);
    Object.values(node).forEach(nullableEnumsAllowNull);
  }
  return node;
}

let specPromise: Promise<Spec> | undefined;

/** Loads the spec the first time it is asked for; later calls share the same instance. */
export function loadSpec(): Promise<Spec> {
  specPromise ??= buildSpec();
  return specPromise;
}

async function buildSpec(): Promise<Spec> {
  const started = performance.now();
  const definition = nullableEnumsAllowNull(JSON.parse(readFileSync(SPEC_PATH, 'utf8')) as object);
  const api = new OpenAPIBackend({
    definition: definition as never,
    quick: true,
    strict: false,
    coerceTypes: true,
    customizeAjv: (ajv) => addGitHubFormats(ajv as unknown as Ajv) as never,
  });
  await api.init();
  const document = api.definition as unknown as Spec['document'];
  const schemaAjv = api.validator.getAjv(ValidationContext.Response) as unknown as Ajv;
  const compiled = new Map<string, ValidateFunction>();
  return {
    api,
    document,
    loadMs: performance.now() - started,
    validateSchema(name, value) {
      let validate = compiled.get(name);
      if (!validate) {
        const schema = document.components.schemas[name];
        if (!schema) throw new Error(`no schema ${name} in the spec`);
        validate = schemaAjv.compile(decycle(schema));
        compiled.set(name, validate);
      }
      return validate(value) ? [] : formatErrors(validate.errors ?? []);
    },
  };
}

/**
 * The dereferenced document may contain cycles (a schema that contains itself); Ajv needs a tree,
 * so a repeated ancestor becomes a JSON-pointer `$ref` to where it first appeared.
 */
function decycle(schema: object): object {
  const ancestors = new Map<object, string>();
  const walk = (value: unknown, path: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const seen = ancestors.get(value);
    if (seen !== undefined) return { $ref: `#${seen}` };
    ancestors.set(value, path);
    const copy = Array.isArray(value)
      ? value.map((v, i) => walk(v, `${path}/${i}`))
      : Object.fromEntries(
          Object.entries(value).map(([k, v]) => [
            k,
            walk(v, `${path}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`),
          ]),
        );
    ancestors.delete(value);
    return copy;
  };
  return walk(schema, '') as object;
}

/** Ajv errors as one line each: `/requestBody/body must be string`. */
export function formatErrors(errors: readonly Partial<ErrorObject>[]): string[] {
  return errors.map((e) => {
    const where = e.instancePath || '/';
    const extra = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
    return `${where} ${e.message ?? e.keyword}${extra}`;
  });
}

export type { Operation };
