import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { DEFAULT_ENVIRONMENTS, gatesFor, parseConfig } from '../../../src/core/config/index.js';
import { yaml } from './helpers.js';

const EXAMPLE = readFileSync(new URL('../../../docs/examples/modelops.yaml', import.meta.url), 'utf8');

describe('the documented example', () => {
  const config = parseConfig(EXAMPLE, 'docs/examples/modelops.yaml');

  test('models get GTO names, default paths and parsed gates', () => {
    expect(config.source).toBe('docs/examples/modelops.yaml');
    const churn = config.models.churn;
    expect(churn).toMatchObject({
      id: 'churn',
      name: 'churn',
      dir: undefined,
      path: 'models/churn/model.onnx',
      card: 'models/churn/card.md',
      format: 'onnx',
      datasets: ['churn-eval'],
      params: 'training/churn-params.yaml',
      lfs: true,
    });
    expect(churn?.gates[0]).toEqual({
      name: 'roc_auc',
      metric: 'roc_auc',
      min: 0.8,
      max: undefined,
      maxDegradation: { kind: 'relative', value: 0.01 },
      minImprovement: undefined,
      direction: undefined,
      significance: { method: 'bootstrap', confidence: 0.95, resamples: 1000 },
      slice: undefined,
      dataset: undefined,
      environments: undefined,
      onMissingBaseline: 'warn',
    });
    expect(churn?.gates[1]).toMatchObject({
      metric: 'f1',
      slice: 'new-customers',
      maxDegradation: { kind: 'absolute', value: 0.02 },
      onMissingBaseline: 'fail',
    });
    expect(config.models['vision=resnet']).toMatchObject({
      name: 'resnet',
      dir: 'vision',
      card: 'vision/models/resnet/card.md',
    });
  });

  test('datasets get formats, features, inputs and slices', () => {
    expect(config.datasets['churn-eval']).toMatchObject({
      format: 'csv',
      labelColumn: 'churned',
      features: 'all-but-label',
      task: 'binary',
      slices: {
        'new-customers': { name: 'new-customers', where: { 'tenure-months': [0, 1, 2] } },
        eu: { where: { region: ['eu'] } },
      },
    });
    expect(config.datasets['imagenet-val']).toMatchObject({
      format: 'npz',
      inputs: { pixel_values: ['images'] },
      task: 'multiclass',
    });
  });

  test('custom metrics, audit and environments', () => {
    expect(config.metrics['expected_profit']).toEqual({
      name: 'expected_profit',
      module: 'metrics/expected_profit.mjs',
      direction: 'higher',
      description: 'Revenue kept minus retention offers, per 1,000 customers.',
    });
    expect(config.audit.failLevel).toBe('high');
    expect(config.audit.allowlist[0]?.sha256).toBe(
      '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    );
    expect(config.environments.map((environment) => environment.name)).toEqual([
      'dev',
      'staging',
      'production',
    ]);
    expect(config.environments[1]?.requires).toEqual({
      gates: ['roc_auc', 'latency_p95'],
      audit: 'none',
      branches: [],
      soakMs: undefined,
      previous: 'dev',
    });
    expect(config.environments[2]).toEqual({
      name: 'production',
      githubEnvironment: 'Production',
      target: 'none',
      port: 0,
      render: undefined,
      requires: {
        gates: 'all',
        audit: 'clean',
        branches: ['main', 'release/*'],
        soakMs: 86_400_000,
        previous: 'staging',
      },
    });
  });

  test('tuning spaces', () => {
    const space = config.tuning.spaces['churn-xgb'];
    expect(space).toMatchObject({
      model: 'churn',
      command: ['python3', 'train.py', '--params', 'training/churn-params.yaml'],
      metric: 'roc_auc',
      direction: 'maximize',
      sampler: 'tpe',
      budget: { trials: 50, wallTimeMs: 7_200_000 },
      seed: 7,
    });
    expect(space?.params['learning-rate']).toEqual({
      type: 'float',
      low: 0.001,
      high: 0.3,
      log: true,
      step: undefined,
      when: {},
    });
    expect(space?.params['max-depth']).toEqual({
      type: 'int',
      low: 2,
      high: 10,
      log: false,
      step: 1,
      when: {},
    });
    expect(space?.params['rate-drop']?.when).toEqual({ booster: ['dart'] });
  });

  test('gatesFor merges global and model gates and filters by environment', () => {
    const names = (list: { name: string }[]) => list.map((gate) => gate.name);
    expect(names(gatesFor(config, 'churn'))).toEqual(['latency_p95', 'accuracy-floor', 'roc_auc', 'f1']);
    expect(names(gatesFor(config, 'churn', 'staging'))).toEqual(['latency_p95', 'roc_auc', 'f1']);
    expect(names(gatesFor(config, 'vision=resnet', 'production'))).toEqual(['latency_p95', 'accuracy-floor']);
  });
});

describe('defaults', () => {
  test('a file with only a version gets the default environments and audit policy', () => {
    const config = parseConfig('version: 1\n');
    expect(config).toMatchObject({
      version: 1,
      models: {},
      datasets: {},
      metrics: {},
      gates: [],
      tuning: { spaces: {} },
    });
    expect(config.audit).toEqual({ failLevel: 'high', strict: false, allowlist: [] });
    expect(config.environments).toEqual([
      {
        name: 'dev',
        githubEnvironment: 'dev',
        target: 'none',
        port: 0,
        render: undefined,
        requires: { gates: [], audit: 'none', branches: [], soakMs: undefined, previous: null },
      },
      {
        name: 'staging',
        githubEnvironment: 'staging',
        target: 'none',
        port: 0,
        render: undefined,
        requires: { gates: [], audit: 'none', branches: [], soakMs: undefined, previous: 'dev' },
      },
      {
        name: 'production',
        githubEnvironment: 'production',
        target: 'none',
        port: 0,
        render: undefined,
        requires: { gates: [], audit: 'none', branches: [], soakMs: undefined, previous: 'staging' },
      },
    ]);
    expect(DEFAULT_ENVIRONMENTS.map((environment) => environment.name)).toEqual([
      'dev',
      'staging',
      'production',
    ]);
  });

  test('a model with no settings gets the registry layout', () => {
    const config = parseConfig(yaml('version: 1', 'models:', '  churn: {}', '  nlp=intent/classifier:'));
    expect(config.models.churn).toEqual({
      id: 'churn',
      name: 'churn',
      dir: undefined,
      path: 'models/churn/model.onnx',
      card: 'models/churn/card.md',
      format: 'onnx',
      datasets: [],
      metrics: [],
      gates: [],
      params: undefined,
      lfs: true,
    });
    expect(config.models['nlp=intent/classifier']).toMatchObject({
      name: 'intent/classifier',
      dir: 'nlp',
      path: 'nlp/models/intent/classifier/model.onnx',
    });
  });

  test('dataset formats come from the extension, features default to all but the label', () => {
    const config = parseConfig(
      yaml(
        'version: 1',
        'datasets:',
        '  a: { path: data/a.jsonl }',
        '  b: { path: data/b.PARQUET }',
        '  c: { path: data/c.bin, format: npy }',
      ),
    );
    expect(Object.values(config.datasets).map((dataset) => dataset.format)).toEqual([
      'jsonl',
      'parquet',
      'npy',
    ]);
    expect(config.datasets.a?.features).toBe('all-but-label');
  });

  test('zero thresholds are kept, not dropped as falsy', () => {
    const config = parseConfig(
      yaml(
        'version: 1',
        'gates:',
        '  - { metric: f1, max-degradation: 0 }',
        '  - { metric: loss, max: 0, min: 0 }',
      ),
    );
    expect(config.gates[0]?.maxDegradation).toEqual({ kind: 'absolute', value: 0 });
    expect(config.gates[1]).toMatchObject({ min: 0, max: 0 });
  });

  test('tuning budgets: 20 trials unless grid or a wall time', () => {
    const config = parseConfig(
      yaml(
        'version: 1',
        'tuning:',
        '  spaces:',
        '    a: { metric: m, direction: minimize, params: { x: { type: int, low: 1, high: 3 } } }',
        '    b: { metric: m, direction: minimize, sampler: grid, params: { x: { type: float, low: 0, high: 1, step: 0.5 } } }',
        '    c: { metric: m, direction: minimize, budget: { wall-time: 30m }, params: { x: { type: categorical, choices: [a, b] } } }',
      ),
    );
    const budgets = Object.values(config.tuning.spaces).map((space) => [
      space.sampler,
      space.budget.trials,
      space.budget.wallTimeMs,
    ]);
    expect(budgets).toEqual([
      ['tpe', 20, undefined],
      ['grid', undefined, undefined],
      ['tpe', undefined, 1_800_000],
    ]);
  });

  test('environments: previous may name an earlier stage; false opts out', () => {
    const config = parseConfig(
      yaml(
        'version: 1',
        'environments:',
        '  - name: dev',
        '  - name: canary',
        '    requires: { previous: false }',
        '  - name: prod',
        '    requires: { previous: dev, soak: 1d12h }',
      ),
    );
    expect(
      config.environments.map((environment) => [
        environment.name,
        environment.requires.previous,
        environment.requires.soakMs,
      ]),
    ).toEqual([
      ['dev', null, undefined],
      ['canary', null, undefined],
      ['prod', 'dev', 129_600_000],
    ]);
  });

  test('x- keys hold anchors that merges reuse', () => {
    const config = parseConfig(
      yaml(
        'version: 1',
        'x-gate: &quality { max-degradation: "2%", on-missing-baseline: fail }',
        'gates:',
        '  - { <<: *quality, metric: f1 }',
        '  - { <<: *quality, metric: auc }',
      ),
    );
    expect(
      config.gates.map((gate) => [gate.metric, gate.maxDegradation?.value, gate.onMissingBaseline]),
    ).toEqual([
      ['f1', 0.02, 'fail'],
      ['auc', 0.02, 'fail'],
    ]);
  });

  test('metric names are checked only when the caller knows the built-ins', () => {
    const text = yaml('version: 1', 'models:', '  churn: { metrics: [f1, my-metric] }');
    expect(parseConfig(text).models.churn?.metrics).toEqual(['f1', 'my-metric']);
    expect(() => parseConfig(text, 'modelops.yaml', { builtinMetrics: ['f1', 'accuracy'] })).toThrow(
      'modelops.yaml:3:26: models.churn.metrics[1] names an unknown metric ("my-metric") — use one of: f1, accuracy',
    );
  });
});
