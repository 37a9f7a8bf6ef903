import { issue, type PathSegment, type Report } from './issue.js';
import { suggestFix } from './suggest.js';
import type { GateConfig, ModelopsConfig } from './types.js';

/**
 * Names that point at other sections must exist: a typo in a dataset, slice, environment or gate
 * name would otherwise surface as a baffling failure in some later verb, far from the file.
 * `builtinMetrics`, when the caller knows them, extends the check to metric names.
 */
export function checkReferences(
  config: ModelopsConfig,
  report: Report,
  builtinMetrics?: readonly string[],
): void {
  const datasetNames = Object.keys(config.datasets);
  const environmentNames = config.environments.map((environment) => environment.name);
  const metricNames = builtinMetrics && [...builtinMetrics, ...Object.keys(config.metrics)];
  const ref = (path: PathSegment[], value: string, known: readonly string[], kind: string): void => {
    if (known.includes(value)) return;
    const fix = suggestFix(
      value,
      known,
      'use one of',
      `no ${kind} is defined; define it, or remove this reference`,
    );
    report(issue(path, `names an unknown ${kind}`, value, fix));
  };
  const checkGates = (
    gates: readonly GateConfig[],
    path: PathSegment[],
    scopeDatasets: readonly string[],
  ): void => {
    gates.forEach((gate, index) => {
      const at = [...path, index];
      if (metricNames) ref([...at, 'metric'], gate.metric, metricNames, 'metric');
      if (gate.dataset !== undefined) ref([...at, 'dataset'], gate.dataset, scopeDatasets, 'dataset');
      gate.environments?.forEach((name, i) =>
        ref([...at, 'environments', i], name, environmentNames, 'environment'),
      );
      if (gate.slice !== undefined) {
        const where = gate.dataset !== undefined ? [gate.dataset] : scopeDatasets;
        const slices = [
          ...new Set(where.flatMap((name) => Object.keys(config.datasets[name]?.slices ?? {}))),
        ];
        const fix = suggestFix(gate.slice, slices, 'use one of', "define it under the dataset's slices:");
        // '*' applies the gate to every slice of the dataset ("no slice worse than X").
        if (gate.slice !== '*' && !slices.includes(gate.slice))
          report(issue([...at, 'slice'], 'names an unknown slice', gate.slice, fix));
      }
    });
  };

  checkGates(config.gates, ['gates'], datasetNames);
  for (const model of Object.values(config.models)) {
    const path = ['models', model.id];
    model.datasets.forEach((name, i) => ref([...path, 'datasets', i], name, datasetNames, 'dataset'));
    if (metricNames)
      model.metrics.forEach((name, i) => ref([...path, 'metrics', i], name, metricNames, 'metric'));
    checkGates(model.gates, [...path, 'gates'], model.datasets.length > 0 ? model.datasets : datasetNames);
  }

  const gateNames = [
    ...new Set(
      [...config.gates, ...Object.values(config.models).flatMap((model) => model.gates)].map(
        (gate) => gate.name,
      ),
    ),
  ];
  config.environments.forEach((environment, index) => {
    const required = environment.requires.gates;
    if (required === 'all') return;
    required.forEach((name, i) =>
      ref(['environments', index, 'requires', 'gates', i], name, gateNames, 'gate'),
    );
  });

  const modelIds = Object.keys(config.models);
  for (const space of Object.values(config.tuning.spaces)) {
    if (space.model !== undefined)
      ref(['tuning', 'spaces', space.name, 'model'], space.model, modelIds, 'model');
  }
}
