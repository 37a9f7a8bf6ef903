import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../../src/core/config/index.js';
import { configError, messageOf, yaml } from './helpers.js';

/** "Billion laughs": 9 levels of 9 aliases each would expand to 9^9 ≈ 387 million strings. */
function billionLaughs(): string {
  const lines = ['version: 1', 'x-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let level = 1; level < 9; level++) {
    const name = String.fromCharCode(97 + level);
    const previous = String.fromCharCode(96 + level);
    lines.push(`x-${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(', ')}]`);
  }
  return yaml(...lines);
}

describe('alias abuse', () => {
  test('a billion-laughs file fails fast, pointing at the alias that crosses the limit', () => {
    const text = billionLaughs();
    expect(text.length).toBeLessThan(1_000);
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const message = messageOf(text);
    const elapsed = performance.now() - started;
    expect(message).toBe(
      'modelops.yaml:6:10: aliases expand to more than 10000 values (*d) — use fewer, shallower aliases (nested aliases multiply); write the values out',
    );
    expect(elapsed).toBeLessThan(250);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  test('an alias inside its own anchor is rejected instead of building a cycle', () => {
    expect(messageOf(yaml('version: 1', 'x-loop: &loop [1, *loop]'))).toBe(
      'modelops.yaml:2:19: x-loop[1] is an alias inside its own anchor (*loop) — an anchor cannot contain itself; copy the values instead',
    );
  });

  test('an alias of an undefined anchor', () => {
    expect(messageOf(yaml('version: 1', 'gates: *shared'))).toBe(
      'modelops.yaml:2:8: gates is an alias of an undefined anchor (*shared) — define &shared before this alias',
    );
  });

  test('ordinary reuse of an anchor stays allowed', () => {
    const models = Array.from({ length: 40 }, (_, i) => `  m${i}: { gates: *gates }`);
    const text = yaml(
      'version: 1',
      'x-gates: &gates [{ metric: f1, min: 0.5 }, { metric: auc, max-degradation: "1%" }]',
      'models:',
      ...models,
    );
    const config = parseConfig(text);
    expect(Object.keys(config.models)).toHaveLength(40);
    expect(config.models.m39?.gates[1]?.maxDegradation).toEqual({ kind: 'relative', value: 0.01 });
  });

  test('an error inside merged values points at the anchor where it is written', () => {
    expect(
      messageOf(
        yaml('version: 1', 'x-base: &base', '  metric: f1', '  min: high', 'gates:', '  - <<: *base'),
      ),
    ).toBe('modelops.yaml:4:8: gates[0].min must be a number ("high") — write a number without quotes');
  });
});

describe('duplicate keys', () => {
  test('at the top level, naming the line of the first one', () => {
    expect(messageOf(yaml('version: 1', 'gates: []', 'audit: {}', 'gates: []'))).toBe(
      'modelops.yaml:4:1: the file has a duplicate key ("gates") — remove or rename one of the two; the other is at line 2',
    );
  });

  test('nested, in block and flow style', () => {
    expect(
      messageOf(
        yaml('version: 1', 'models:', '  churn:', '    lfs: true', '    path: a.onnx', '    lfs: false'),
      ),
    ).toBe(
      'modelops.yaml:6:5: models.churn has a duplicate key ("lfs") — remove or rename one of the two; the other is at line 4',
    );
    expect(messageOf(yaml('version: 1', 'gates: [{ metric: f1, metric: auc, min: 1 }]'))).toBe(
      'modelops.yaml:2:23: gates[0] has a duplicate key ("metric") — remove or rename one of the two; the other is at line 2',
    );
  });

  test('two models with the same name', () => {
    expect(messageOf(yaml('version: 1', 'models:', '  churn: {}', '  churn: { lfs: false }'))).toBe(
      'modelops.yaml:4:3: models has a duplicate key ("churn") — remove or rename one of the two; the other is at line 3',
    );
  });
});

describe('YAML syntax', () => {
  test('an unclosed bracket names its line and column', () => {
    expect(messageOf(yaml('version: 1', 'models: [', 'gates: []'))).toMatch(
      /^modelops\.yaml:3:\d+: YAML syntax error: /,
    );
  });

  test('tabs used for indentation', () => {
    expect(messageOf(yaml('version: 1', 'audit:', '\tstrict: true'))).toBe(
      'modelops.yaml:3:1: YAML syntax error: Tabs are not allowed as indentation ("strict: true") — indent with spaces, not tabs',
    );
  });

  test('bad indentation', () => {
    expect(messageOf(yaml('version: 1', 'audit:', '    strict: true', '  fail-level: low'))).toMatch(
      /^modelops\.yaml:4:1: YAML syntax error: .* — indent with spaces so that keys of one mapping line up$/,
    );
  });

  test('several documents', () => {
    expect(messageOf(yaml('version: 1', '---', 'version: 1'))).toMatch(
      /^modelops\.yaml:2:1: YAML syntax error: .* — keep a single YAML document: remove the '---' separator$/,
    );
  });

  test('empty files and files with only comments', () => {
    expect(messageOf('')).toBe(
      'modelops.yaml:1:1: the file is empty (no content) — start it with "version: 1"',
    );
    expect(messageOf('# modelops\n')).toBe(
      'modelops.yaml:1:1: the file is empty (no content) — start it with "version: 1"',
    );
  });

  test('tags that build non-plain values', () => {
    expect(messageOf(yaml('version: 1', 'models: !!binary aGVsbG8='))).toBe(
      'modelops.yaml:2:18: models has a YAML tag modelops.yaml does not use (!!binary) — remove the tag and write a plain value',
    );
    expect(
      parseConfig(yaml('version: 1', 'models:', '  churn: { path: !!str models/churn/model.onnx }')).models
        .churn?.path,
    ).toBe('models/churn/model.onnx');
  });

  test('absurd nesting and size are refused without a stack overflow', () => {
    expect(messageOf(`${'['.repeat(5_000)}${']'.repeat(5_000)}`)).toMatch(/^modelops\.yaml:1:\d+: .*nested/);
    expect(messageOf(`version: 1\nx-a: ${'[1,'.repeat(70)}1${']'.repeat(70)}\n`)).toMatch(
      /is nested more than 64 levels deep/,
    );
    expect(messageOf(`version: 1\nx-big: "${'a'.repeat(1_000_001)}"\n`)).toBe(
      'modelops.yaml:1:1: the file is longer than 1000000 characters (1000022 characters) — check that this is modelops.yaml; a config file is a few kilobytes',
    );
  });

  test('ConfigFileError carries the position for annotations', () => {
    const error = configError(yaml('version: 1', 'gates: [{ metric: f1, min: x }]'));
    expect([error.file, error.line, error.column, error.problems.length]).toEqual([
      'modelops.yaml',
      2,
      28,
      1,
    ]);
  });
});
