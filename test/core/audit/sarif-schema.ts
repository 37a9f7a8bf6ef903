// The official SARIF 2.1.0 JSON schema (sarif-2.1.0-rtm.5.json as @microsoft/jest-sarif ships it,
// read from node_modules) and two validators on it, for the SARIF tests and the CLI's SARIF file.
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
export const SCHEMA = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;

export type Validate = (log: unknown) => { valid: boolean; errors: unknown[] };

/** ajv 6 as @microsoft/jest-sarif configures it: draft-04 meta-schema, schemaId auto. */
function draft04Validator(): Validate {
  const fromPackage = createRequire(require.resolve('@microsoft/jest-sarif/package.json'));
  const Ajv6 = fromPackage('ajv') as new (options: object) => {
    addMetaSchema(schema: object): void;
    compile(schema: object): ((data: unknown) => boolean) & { errors?: unknown[] | null };
  };
  const ajv = new Ajv6({ schemaId: 'auto', validateSchema: false, allErrors: true });
  ajv.addMetaSchema(fromPackage('ajv/lib/refs/json-schema-draft-04.json') as object);
  const validate = ajv.compile(SCHEMA);
  return (log) => ({ valid: validate(log), errors: validate.errors ?? [] });
}

/**
 * ajv 8 on the same schema: it only uses keywords whose meaning draft-04 and draft-07 share (the
 * test checks that), so the draft-04 `id` becomes `$id` and nothing else changes.
 */
function ajv8Validator(): Validate {
  const { id, $schema: _draft, ...rest } = SCHEMA;
  // The schema's patterns are ECMA-262 regexes without the u flag (one of them is invalid with it).
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats.default(ajv);
  const validate = ajv.compile({ $id: id as string, ...rest } as object);
  return (log) => ({ valid: validate(log), errors: validate.errors ?? [] });
}

export function keywordsOf(schema: unknown, out = new Set<string>(), parent = ''): Set<string> {
  if (Array.isArray(schema)) schema.forEach((s) => keywordsOf(s, out, parent));
  else if (schema && typeof schema === 'object')
    for (const [k, v] of Object.entries(schema)) {
      if (parent !== 'properties' && parent !== 'definitions') out.add(k);
      keywordsOf(v, out, k);
    }
  return out;
}

export const VALIDATORS: [string, Validate][] = [
  ['ajv 6 draft-04 (as @microsoft/jest-sarif)', draft04Validator()],
  ['ajv 8', ajv8Validator()],
];
