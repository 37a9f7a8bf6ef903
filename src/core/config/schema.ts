import { Ajv, type ValidateFunction } from 'ajv';
// The published schema is the single source of truth: editors read this file through
// yaml-language-server, and parseConfig validates against the very same bytes.
import schema from '../../../docs/schema/modelops.schema.json' with { type: 'json' };

/** The JSON Schema of modelops.yaml, as published at docs/schema/modelops.schema.json. */
export const MODELOPS_SCHEMA: Readonly<Record<string, unknown>> = schema;

let validator: ValidateFunction | undefined;

/**
 * Compiled once on first use, not at import, so importing the config module costs nothing for
 * commands that never read it. Strict mode catches schema typos; union types ("1%" or 0.01) are
 * the one relaxation, because thresholds and several fields are legitimately number-or-string.
 */
export function schemaValidator(): ValidateFunction {
  validator ??= new Ajv({ strict: true, allowUnionTypes: true, allErrors: true, verbose: true }).compile(
    schema,
  );
  return validator;
}
