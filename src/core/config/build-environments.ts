import { buildRender, checkLocalTarget } from './build-serving.js';
import { parseDuration } from './duration.js';
import { issue, type Report } from './issue.js';
import type { RawEnvironment } from './raw-types.js';
import { suggestFix } from './suggest.js';
import type { EnvironmentConfig } from './types.js';

/**
 * Used when there is no modelops.yaml or it has no environments section (one rule for both):
 * dev → staging → production, each requiring only the one before it. Stage order is enforced,
 * unlike GTO; evidence (gates, audit) is required only where an environments section asks for it.
 */
export const DEFAULT_ENVIRONMENTS: readonly RawEnvironment[] = [
  { name: 'dev' },
  { name: 'staging' },
  { name: 'production' },
];

/** Builds environments in promotion order, resolving `previous` to an environment name. */
export function buildEnvironments(
  raw: readonly RawEnvironment[] | undefined,
  report: Report,
): EnvironmentConfig[] {
  const list = raw ?? DEFAULT_ENVIRONMENTS;
  const names = list.map((environment) => environment.name);
  const seen = new Set<string>();
  return list.map((environment, index) => {
    const path = ['environments', index];
    if (seen.has(environment.name)) {
      report(
        issue(
          [...path, 'name'],
          'repeats an environment name',
          environment.name,
          'give each environment a distinct name',
        ),
      );
    }
    seen.add(environment.name);
    const requires = environment.requires ?? {};
    const previous = resolvePrevious(
      requires.previous,
      index,
      names,
      [...path, 'requires', 'previous'],
      report,
    );
    if (requires.soak !== undefined && previous === null) {
      report(
        issue(
          [...path, 'requires', 'soak'],
          'needs a previous environment to soak in',
          requires.soak,
          'set previous: true (or an earlier environment), or remove soak',
        ),
      );
    }
    checkLocalTarget(environment, path, report);
    return {
      name: environment.name,
      githubEnvironment: environment['github-environment'] ?? environment.name,
      target: environment.target ?? 'none',
      port: environment.port ?? 0,
      render: buildRender(environment.render, [...path, 'render'], report),
      requires: {
        gates: requires.gates === 'all' ? 'all' : Array.isArray(requires.gates) ? requires.gates : [],
        audit: requires.audit ?? 'none',
        branches: requires.branches ?? [],
        soakMs: requires.soak === undefined ? undefined : parseDuration(requires.soak),
        previous,
      },
    };
  });
}

function resolvePrevious(
  value: boolean | string | undefined,
  index: number,
  names: readonly string[],
  path: (string | number)[],
  report: Report,
): string | null {
  if (value === false) return null;
  const earlier = names.slice(0, index);
  const firstFix = 'remove previous from the first environment';
  if (value === undefined || value === true) {
    if (index > 0) return names[index - 1] ?? null;
    if (value === true) report(issue(path, 'has no environment before the first one', value, firstFix));
    return null;
  }
  const position = names.indexOf(value);
  if (position === -1) {
    report(
      issue(path, 'names an unknown environment', value, suggestFix(value, earlier, 'use one of', firstFix)),
    );
  } else if (position >= index) {
    const fix = earlier.length > 0 ? `name one that comes before it: ${earlier.join(', ')}` : firstFix;
    report(issue(path, 'must name an earlier environment', value, fix));
  }
  return value;
}
