import { describe, expect, test } from 'vitest';
import { configError, messageOf, yaml } from './helpers.js';

describe('schema errors name line:col, the value and the fix', () => {
  test('unknown key with a suggestion', () => {
    expect(
      messageOf(
        yaml('version: 1', 'datasets:', '  churn:', '    path: data/churn.csv', '    label_column: churned'),
      ),
    ).toBe(
      'modelops.yaml:5:5: datasets.churn.label_column is not a known key ("label_column") — did you mean \'label-column\'?',
    );
    expect(messageOf(yaml('version: 1', 'models:', '  churn:', '    maxDegradation: 1'))).toBe(
      'modelops.yaml:4:5: models.churn.maxDegradation is not a known key ("maxDegradation") — remove it, or use one of: path, card, format, datasets, metrics, gates, params, lfs',
    );
    expect(messageOf(yaml('version: 1', 'enviroments: []'))).toBe(
      'modelops.yaml:2:1: enviroments is not a known key ("enviroments") — did you mean \'environments\'?',
    );
  });

  test('wrong type', () => {
    expect(messageOf(yaml('version: 1', 'gates:', '  - metric: f1', '    min: high'))).toBe(
      'modelops.yaml:4:10: gates[0].min must be a number ("high") — write a number without quotes',
    );
    expect(messageOf(yaml('version: 1', 'models:', '  churn: 5'))).toBe(
      'modelops.yaml:3:10: models.churn must be a mapping (5) — write a mapping of "key: value" lines',
    );
    expect(messageOf(yaml('- version', '- 1'))).toBe(
      'modelops.yaml:1:1: the file must be a mapping (["version",1]) — write a mapping of "key: value" lines',
    );
  });

  test('enum value with a suggestion', () => {
    expect(messageOf(yaml('version: 1', 'datasets:', '  d:', '    path: a.csv', '    task: binay'))).toBe(
      'modelops.yaml:5:11: datasets.d.task must be one of binary, multiclass, multilabel, regression ("binay") — did you mean \'binary\'?',
    );
  });

  test('missing and unsupported version', () => {
    expect(messageOf(yaml('models: {}'))).toBe(
      'modelops.yaml:1:1: the file is missing a required key ("version") — add "version: 1" at the top of the file',
    );
    expect(messageOf(yaml('version: 2'))).toBe(
      'modelops.yaml:1:10: version is not a supported version (2) — set "version: 1"; this release reads version 1 only',
    );
  });

  test('missing required keys point at the entry that lacks them', () => {
    expect(messageOf(yaml('version: 1', 'models:', '  churn:', '    format: pytorch'))).toBe(
      'modelops.yaml:3:3: models.churn is missing a required key ("path") — add path: (models need one when format is not onnx)',
    );
    expect(
      messageOf(
        yaml(
          'version: 1',
          'tuning:',
          '  spaces:',
          '    s:',
          '      metric: m',
          '      direction: maximize',
          '      params:',
          '        b: { type: categorical }',
        ),
      ),
    ).toBe(
      'modelops.yaml:8:9: tuning.spaces.s.params.b is missing a required key ("choices") — add choices: [...]; categorical parameters pick from them',
    );
  });

  test('bad model names follow GTO', () => {
    expect(messageOf(yaml('version: 1', 'models:', '  -churn-: {}'))).toBe(
      "modelops.yaml:3:3: models.-churn- is not a valid model name (\"-churn-\") — use letters, digits, '-', '_' and '/', starting and ending with a letter or digit (GTO's grammar), optionally prefixed by dir=",
    );
    expect(messageOf(yaml('version: 1', 'models:', '  churn v2: {}'))).toMatch(
      /^modelops\.yaml:3:3: models\["churn v2"\] is not a valid model name/,
    );
    expect(messageOf(yaml('version: 1', 'models:', '  cv//resnet: {}'))).toBe(
      'modelops.yaml:3:3: models["cv//resnet"] is not a valid model name ("cv//resnet") — remove the doubled \'/\': git refuses \'//\' in tag names',
    );
  });

  test('digests, durations, modules', () => {
    expect(
      messageOf(yaml('version: 1', 'audit:', '  allowlist:', '    - sha256: abc', '      reason: reviewed')),
    ).toBe(
      'modelops.yaml:4:15: audit.allowlist[0].sha256 is not a SHA-256 digest ("abc") — write the 64 hex digits that `sha256sum FILE` prints',
    );
    expect(
      messageOf(
        yaml(
          'version: 1',
          'environments:',
          '  - name: dev',
          '  - name: prod',
          '    requires: { soak: 24 hours }',
        ),
      ),
    ).toBe(
      'modelops.yaml:5:23: environments[1].requires.soak is not a duration ("24 hours") — write a number and a unit, e.g. 30m, 24h, 1d12h (units ms, s, m, h, d, w)',
    );
    expect(
      messageOf(yaml('version: 1', 'metrics:', '  profit: { module: profit.ts, direction: higher }')),
    ).toBe(
      'modelops.yaml:3:21: metrics.profit.module must be a .js or .mjs file ("profit.ts") — point at a JavaScript module (compile TypeScript first)',
    );
  });
});

describe('gate thresholds', () => {
  const gate = (line: string) => yaml('version: 1', 'gates:', '  - metric: f1', `    ${line}`);

  test('negative relative threshold', () => {
    expect(messageOf(gate('max-degradation: "-1%"'))).toBe(
      'modelops.yaml:4:22: gates[0].max-degradation must not be a negative percentage ("-1%") — thresholds are amounts, never negative: use max-degradation for "may get worse by", min-improvement for "must get better by"',
    );
  });

  test('negative absolute threshold', () => {
    expect(messageOf(gate('min-improvement: -0.5'))).toBe(
      'modelops.yaml:4:22: gates[0].min-improvement must not be negative (-0.5) — thresholds are amounts, never negative: use max-degradation for "may get worse by", min-improvement for "must get better by"',
    );
  });

  test('quoted number', () => {
    expect(messageOf(gate('min-improvement: "0.02"'))).toBe(
      'modelops.yaml:4:22: gates[0].min-improvement is a quoted number ("0.02") — write 0.02 without quotes for an absolute amount, or add % for a relative one',
    );
  });

  test('a gate without any threshold', () => {
    expect(messageOf(yaml('version: 1', 'gates:', '  - metric: f1', '    direction: higher'))).toBe(
      'modelops.yaml:3:5: gates[0] has no threshold ("f1") — add min, max, max-degradation or min-improvement',
    );
  });

  test('crossed bounds and significance without a baseline comparison', () => {
    expect(
      messageOf(yaml('version: 1', 'models:', '  m:', '    gates: [{ metric: f1, min: 0.5, max: 0.1 }]')),
    ).toBe(
      'modelops.yaml:4:42: models.m.gates[0].max is less than min, which is 0.5 (0.1) — make max at least min, or swap them',
    );
    expect(messageOf(gate('min: 0.5\n    significance: { method: mcnemar }'))).toBe(
      'modelops.yaml:5:19: gates[0].significance needs a comparison with the baseline ({"method":"mcnemar"}) — add max-degradation or min-improvement, or remove significance',
    );
  });

  test('two gates with the same (default) name in one scope', () => {
    expect(
      messageOf(
        yaml(
          'version: 1',
          'gates:',
          '  - { metric: f1, min: 0.5 }',
          '  - { metric: f1, max-degradation: 0 }',
        ),
      ),
    ).toBe(
      'modelops.yaml:4:5: gates[1] repeats a gate name ("f1") — add a distinct name: to one of them (a gate is named after its metric by default; the other is gates[0])',
    );
  });
});

describe('references and environments', () => {
  test('unknown environment in a gate, with a suggestion', () => {
    expect(
      messageOf(yaml('version: 1', 'gates:', '  - metric: f1', '    min: 0', '    environments: [prod]')),
    ).toBe(
      'modelops.yaml:5:20: gates[0].environments[0] names an unknown environment ("prod") — use one of: dev, staging, production',
    );
    expect(
      messageOf(yaml('version: 1', 'gates:', '  - { metric: f1, min: 0, environments: [staeging] }')),
    ).toBe(
      'modelops.yaml:3:42: gates[0].environments[0] names an unknown environment ("staeging") — did you mean \'staging\'?',
    );
  });

  test('unknown environment as previous, and previous pointing forward', () => {
    const envs = (...lines: string[]) => yaml('version: 1', 'environments:', '  - name: dev', ...lines);
    expect(messageOf(envs('  - name: prod', '    requires: { previous: qa }'))).toBe(
      'modelops.yaml:5:27: environments[1].requires.previous names an unknown environment ("qa") — use one of: dev',
    );
    expect(messageOf(envs('  - name: qa', '    requires: { previous: prod }', '  - name: prod'))).toBe(
      'modelops.yaml:5:27: environments[1].requires.previous must name an earlier environment ("prod") — name one that comes before it: dev',
    );
    expect(
      messageOf(yaml('version: 1', 'environments:', '  - name: dev', '    requires: { soak: 1h }')),
    ).toBe(
      'modelops.yaml:4:23: environments[0].requires.soak needs a previous environment to soak in ("1h") — set previous: true (or an earlier environment), or remove soak',
    );
  });

  test('duplicate environment names', () => {
    expect(
      messageOf(yaml('version: 1', 'environments:', '  - name: dev', '  - name: staging', '  - name: dev')),
    ).toBe(
      'modelops.yaml:5:11: environments[2].name repeats an environment name ("dev") — give each environment a distinct name',
    );
  });

  test('unknown gate, dataset, slice and model references', () => {
    expect(
      messageOf(
        yaml(
          'version: 1',
          'gates: [{ metric: auc, min: 0.7 }]',
          'environments:',
          '  - name: dev',
          '  - name: prod',
          '    requires: { gates: [acu] }',
        ),
      ),
    ).toBe(
      'modelops.yaml:6:25: environments[1].requires.gates[0] names an unknown gate ("acu") — did you mean \'auc\'?',
    );
    expect(messageOf(yaml('version: 1', 'models:', '  churn:', '    datasets: [churn-eval]'))).toBe(
      'modelops.yaml:4:16: models.churn.datasets[0] names an unknown dataset ("churn-eval") — no dataset is defined; define it, or remove this reference',
    );
    expect(
      messageOf(
        yaml(
          'version: 1',
          'datasets:',
          '  d: { path: d.csv, slices: { eu: { region: eu } } }',
          'gates: [{ metric: f1, min: 0, slice: us }]',
        ),
      ),
    ).toBe('modelops.yaml:4:38: gates[0].slice names an unknown slice ("us") — use one of: eu');
    expect(
      messageOf(
        yaml(
          'version: 1',
          'tuning:',
          '  spaces:',
          '    s: { model: churn, metric: m, direction: minimize, params: { x: { type: int, low: 1, high: 2 } } }',
        ),
      ),
    ).toBe(
      'modelops.yaml:4:17: tuning.spaces.s.model names an unknown model ("churn") — no model is defined; define it, or remove this reference',
    );
  });

  test('paths must stay inside the repository', () => {
    expect(messageOf(yaml('version: 1', 'models:', '  churn:', '    path: /srv/models/churn.onnx'))).toBe(
      'modelops.yaml:4:11: models.churn.path must be relative to the repository root ("/srv/models/churn.onnx") — drop the leading part, e.g. srv/models/churn.onnx',
    );
    expect(messageOf(yaml('version: 1', 'datasets:', '  d: { path: ../shared/eval.csv }'))).toBe(
      'modelops.yaml:3:14: datasets.d.path must stay inside the repository ("../shared/eval.csv") — remove \'..\'; paths are relative to the repository root',
    );
  });

  test('datasets: unknown extension, label used as a feature', () => {
    expect(messageOf(yaml('version: 1', 'datasets:', '  d: { path: data/eval.bin }'))).toBe(
      'modelops.yaml:3:14: datasets.d.path has no known data extension ("data/eval.bin") — add format: csv, jsonl, parquet, npy or npz',
    );
    expect(
      messageOf(yaml('version: 1', 'datasets:', '  d: { path: d.csv, label-column: y, features: [a, y] }')),
    ).toBe(
      'modelops.yaml:3:52: datasets.d.features[1] lists the label column as a feature ("y") — remove it from features; the label is the expected output',
    );
  });
});

describe('tuning spaces', () => {
  const space = (...params: string[]) =>
    yaml(
      'version: 1',
      'tuning:',
      '  spaces:',
      '    s:',
      '      metric: loss',
      '      direction: minimize',
      '      params:',
      ...params.map((p) => `        ${p}`),
    );

  test('log scale needs a positive low; ranges must not cross', () => {
    expect(messageOf(space('lr: { type: float, low: 0, high: 1, log: true }'))).toBe(
      'modelops.yaml:8:33: tuning.spaces.s.params.lr.low must be above 0 on a log scale (0) — raise low above 0, or remove log: true',
    );
    expect(messageOf(space('depth: { type: int, low: 8, high: 2 }'))).toBe(
      'modelops.yaml:8:43: tuning.spaces.s.params.depth.high is less than low, which is 8 (2) — make high at least low, or swap them',
    );
  });

  test('conditions name other parameters and values they take', () => {
    expect(
      messageOf(
        space(
          'booster: { type: categorical, choices: [gbtree, dart] }',
          'drop: { type: float, low: 0, high: 1, when: { boster: dart } }',
        ),
      ),
    ).toBe(
      'modelops.yaml:9:55: tuning.spaces.s.params.drop.when.boster names an unknown parameter ("boster") — did you mean \'booster\'?',
    );
    expect(
      messageOf(
        space(
          'booster: { type: categorical, choices: [gbtree, dart] }',
          'drop: { type: float, low: 0, high: 1, when: { booster: gblinear } }',
        ),
      ),
    ).toBe(
      'modelops.yaml:9:64: tuning.spaces.s.params.drop.when.booster is a value booster never takes ("gblinear") — use one of its choices: gbtree, dart',
    );
  });

  test('keys that do not fit the parameter type', () => {
    expect(messageOf(space('depth: { type: int, low: 1.5, high: 8 }'))).toBe(
      'modelops.yaml:8:34: tuning.spaces.s.params.depth.low must be a whole number for an int parameter (1.5) — round it, or use type: float',
    );
    expect(messageOf(space('kind: { type: categorical, choices: [a, b], low: 1 }'))).toBe(
      'modelops.yaml:8:58: tuning.spaces.s.params.kind.low does not apply to a categorical parameter (1) — remove it, or use type: float or int',
    );
    expect(messageOf(space('lr: { type: float, low: 0.1, high: 1, log: true, step: 0.1 }'))).toBe(
      'modelops.yaml:8:64: tuning.spaces.s.params.lr.step cannot be combined with log: true (0.1) — remove step or log',
    );
  });

  test('grid search needs finite parameters', () => {
    const text = yaml(
      'version: 1',
      'tuning:',
      '  spaces:',
      '    s:',
      '      { metric: m, direction: minimize, sampler: grid, params: { lr: { type: float, low: 0.1, high: 1 } } }',
    );
    expect(messageOf(text)).toBe(
      'modelops.yaml:5:70: tuning.spaces.s.params.lr is continuous, which a grid cannot enumerate ("lr") — add step:, or use sampler: random or tpe',
    );
  });
});

describe('all problems are kept, in file order', () => {
  test('the message names the first; problems lists every one with its position', () => {
    const error = configError(
      yaml(
        'version: 1',
        'gates:',
        '  - metric: f1',
        '    min: high',
        'audit:',
        '  fail-level: severe',
        'extra: 1',
      ),
    );
    expect(error.message).toBe(
      'modelops.yaml:4:10: gates[0].min must be a number ("high") — write a number without quotes',
    );
    expect(error.problems.map((problem) => `${problem.line}:${problem.column} ${problem.what}`)).toEqual([
      '4:10 gates[0].min must be a number',
      '6:15 audit.fail-level must be one of low, medium, high, critical',
      '7:1 extra is not a known key',
    ]);
    expect({ file: error.file, line: error.line, column: error.column, exitCode: error.exitCode }).toEqual({
      file: 'modelops.yaml',
      line: 4,
      column: 10,
      exitCode: 2,
    });
  });
});
