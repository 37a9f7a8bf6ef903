import { describe, it, expect } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import { parseManifest, serializeManifest, type ModelManifest } from '../../../src/core/registry/manifest.js';

function makeManifest(overrides: Partial<ModelManifest> = {}): ModelManifest {
  return {
    schema: 1,
    name: 'churn',
    version: '1.2.0',
    sha256: 'e'.repeat(64),
    size: 1234,
    format: 'onnx',
    ir_version: 8,
    opsets: [{ domain: '', version: 17 }],
    signature: {
      inputs: [{ name: 'features', kind: 'tensor', elementType: 'float', shape: ['batch', 4] }],
      outputs: [{ name: 'label', kind: 'tensor', elementType: 'int64', shape: ['batch'] }],
      opsets: [{ domain: '', version: 17 }],
    },
    producer: { name: 'pytorch', version: '2.1.0' },
    parent: '1.1.0',
    lineage: {
      commit: 'f'.repeat(40),
      training_params: { lr: 0.01, depth: 6, nested: { b: 1, a: 2 } },
      datasets: [{ path: 'data/train.csv', sha256: 'd'.repeat(64) }],
    },
    created_at: '2026-01-31T12:00:00Z',
    ...overrides,
  };
}

describe('manifest', () => {
  it('serializes with a stable key order, 2 spaces and a trailing newline', () => {
    const m = makeManifest();
    // Same content, keys inserted in another order.
    const shuffled = JSON.parse(JSON.stringify(m), function (this: unknown, _k, v) {
      return v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).reverse())
        : v;
    }) as ModelManifest;
    const text = serializeManifest(m);
    expect(serializeManifest(shuffled)).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual([
      'schema',
      'name',
      'version',
      'sha256',
      'size',
      'format',
      'ir_version',
      'opsets',
      'signature',
      'producer',
      'parent',
      'lineage',
      'created_at',
    ]);
    expect(text).toContain('\n  "schema": 1,\n');
    expect(text).toContain(
      '"training_params": {\n      "depth": 6,\n      "lr": 0.01,\n      "nested": {\n        "a": 2,',
    );
  });

  it('round-trips through parseManifest and drops absent optional fields', () => {
    const m = makeManifest();
    expect(parseManifest(serializeManifest(m))).toEqual(JSON.parse(serializeManifest(m)));
    const minimal = makeManifest({
      version: undefined,
      ir_version: undefined,
      producer: undefined,
      parent: undefined,
      lineage: { commit: 'a'.repeat(40) },
    });
    const text = serializeManifest(minimal);
    expect(text).not.toContain('\n  "version"');
    expect(text).not.toContain('producer');
    expect(Object.keys(parseManifest(text))).not.toContain('version');
    expect(parseManifest(text).lineage).toEqual({ commit: 'a'.repeat(40) });
  });

  it('throws one-line UsageErrors naming the file, field and value', () => {
    const text = serializeManifest(makeManifest());
    const bad = (mutate: (raw: Record<string, unknown>) => void) => {
      const raw = JSON.parse(text) as Record<string, unknown>;
      mutate(raw);
      return () => parseManifest(JSON.stringify(raw), 'models/churn/model.json');
    };
    expect(() => parseManifest('{"schema": 1,', 'models/churn/model.json')).toThrow(
      /^models\/churn\/model\.json is not valid JSON \(.*\) — fix the file/,
    );
    expect(() => parseManifest('{', 'x.json')).toThrow(UsageError);
    expect(bad((r) => (r.schema = 2))).toThrow(
      'models/churn/model.json: "schema" is invalid (got 2) — this modelops reads schema 1',
    );
    expect(bad((r) => (r.sha256 = 'XYZ'))).toThrow(
      '"sha256" is invalid (got "XYZ") — expected 64 lower-case hex digits',
    );
    expect(bad((r) => delete r.size)).toThrow('"size" is invalid (missing)');
    expect(bad((r) => (r.name = 'bad name'))).toThrow(
      '"name" is invalid (got "bad name") — model names match',
    );
    expect(bad((r) => (r.version = 'v1.0.0'))).toThrow('"version" is invalid (got "v1.0.0")');
    expect(bad((r) => (r.created_at = 'yesterday'))).toThrow('"created_at" is invalid');
    expect(bad((r) => ((r.signature as { inputs: { shape: unknown }[] }).inputs[0]!.shape = [-1]))).toThrow(
      '"signature.inputs[0].shape[0]" is invalid (got -1)',
    );
    expect(bad((r) => ((r.lineage as Record<string, unknown>).datasets = [{ path: 'a' }]))).toThrow(
      '"lineage.datasets[0].sha256" is invalid (missing)',
    );
    try {
      bad((r) => (r.opsets = 'x'))();
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).not.toContain('\n');
    }
  });
});
