import { buildConfig } from './build-config.js';
import type { ModelopsConfig } from './types.js';

/**
 * The config of a repository without modelops.yaml: no models declared (verbs take model paths
 * as inputs), the default environments dev → staging → production, and the default audit policy.
 */
export function defaultConfig(): ModelopsConfig {
  return buildConfig({ version: 1 }, null, (problem) => {
    // The defaults are constants; a problem here is a bug, not a user error.
    throw new Error(`default config is invalid: ${problem.what}`);
  });
}
