import type { InputSource } from '../verbs/parse-inputs.js';

/**
 * Inputs as the Actions runner passes them: `INPUT_<NAME>` with spaces turned into underscores and
 * the name upper-cased (hyphens stay). The runner fills declared defaults and warns about undeclared
 * inputs itself, so nothing is unknown here.
 */
export function envInputSource(env: Readonly<Record<string, string | undefined>>): InputSource {
  return {
    kind: 'action',
    get: (name) => env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`],
    unknown: () => [],
  };
}
