import type { EnvironmentConfig, ModelopsConfig } from '../config/index.js';
import { closestName } from '../config/suggest.js';
import { UsageError } from '../errors.js';

/**
 * The environments `deploy` promotes through, in order: modelops.yaml's `environments`, or, with
 * no file or no such section, dev → staging → production where each requires only the one before
 * it (one rule for both cases; see DEFAULT_ENVIRONMENTS). Stage order is enforced either way.
 */
export function deployEnvironments(config: ModelopsConfig): EnvironmentConfig[] {
  return config.environments;
}

/** The environment named `name`, or a UsageError listing the known ones (with a "did you mean"). */
export function findEnvironment(environments: readonly EnvironmentConfig[], name: string): EnvironmentConfig {
  const found = environments.find((e) => e.name === name);
  if (found) return found;
  const names = environments.map((e) => e.name);
  // `prod` for production is the commonest slip, and too far for an edit distance.
  const near = closestName(name, names) ?? names.find((n) => n.startsWith(name) || name.startsWith(n));
  throw new UsageError(`unknown environment '${name}'`, {
    fix: `${near ? `did you mean '${near}'? ` : ''}environments, in promotion order: ${names.join(' → ')} (environments in modelops.yaml)`,
  });
}
