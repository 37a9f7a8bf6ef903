import { buildDatasets } from './build-datasets.js';
import { buildEnvironments } from './build-environments.js';
import { buildGates } from './build-gates.js';
import { buildModels } from './build-models.js';
import { buildTuningSpaces } from './build-tuning.js';
import { checkReferences } from './check-references.js';
import { issue, type Report } from './issue.js';
import type { RawConfig } from './raw-types.js';
import { checkRepoPath } from './repo-path.js';
import type { AuditConfig, CustomMetricConfig, ModelopsConfig } from './types.js';

/**
 * Turns schema-valid data into the typed config: defaults applied, amounts parsed, then
 * cross-references checked. Problems go to `report`; the result is only trusted if none came.
 */
export function buildConfig(
  raw: RawConfig,
  source: string | null,
  report: Report,
  builtinMetrics?: readonly string[],
): ModelopsConfig {
  const config: ModelopsConfig = {
    version: 1,
    source,
    models: buildModels(raw.models, report),
    datasets: buildDatasets(raw.datasets, report),
    metrics: buildMetrics(raw.metrics, report),
    gates: buildGates(raw.gates, ['gates'], report),
    environments: buildEnvironments(raw.environments, report),
    audit: buildAudit(raw.audit, report),
    tuning: { spaces: buildTuningSpaces(raw.tuning?.spaces, report) },
  };
  checkReferences(config, report, builtinMetrics);
  return config;
}

function buildMetrics(raw: RawConfig['metrics'], report: Report): Record<string, CustomMetricConfig> {
  const metrics: Record<string, CustomMetricConfig> = {};
  for (const [name, metric] of Object.entries(raw ?? {})) {
    checkRepoPath(metric.module, ['metrics', name, 'module'], report);
    metrics[name] = {
      name,
      module: metric.module,
      direction: metric.direction,
      description: metric.description,
    };
  }
  return metrics;
}

function buildAudit(raw: RawConfig['audit'], report: Report): AuditConfig {
  const allowlist = (raw?.allowlist ?? []).map((entry) => ({
    sha256: entry.sha256.toLowerCase(),
    reason: entry.reason,
  }));
  const seen = new Set<string>();
  allowlist.forEach((entry, index) => {
    if (seen.has(entry.sha256))
      report(
        issue(
          ['audit', 'allowlist', index, 'sha256'],
          'is allowlisted twice',
          entry.sha256,
          'remove the duplicate entry',
        ),
      );
    seen.add(entry.sha256);
  });
  return { failLevel: raw?.['fail-level'] ?? 'high', strict: raw?.strict ?? false, allowlist };
}
