import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readModel } from '../../../../src/core/onnx/model-codec.js';
import { extractSignature } from '../../../../src/core/onnx/signature.js';
import {
  renderServingTargets,
  type RenderInput,
} from '../../../../src/core/deploy/targets/render-targets.js';
import { checkRenderedUnits } from '../../../../src/core/deploy/targets/check-rendered.js';
import { linearModelBytes } from '../../../support/models.js';

/** Just enough of protobuf text format for config.pbtxt: scalars, lists of messages, [ a, b ] lists. */
function parsePbtxt(text: string): Record<string, unknown> {
  const tokens = text.match(/"(?:[^"\\]|\\.)*"|[{}[\],:]|[^\s{}[\],:]+/g) ?? [];
  let i = 0;
  const value = (): unknown => {
    const t = tokens[i++]!;
    if (t === '{') return message('}');
    if (t === '[') {
      const list: unknown[] = [];
      while (tokens[i] !== ']') {
        list.push(value());
        if (tokens[i] === ',') i++;
      }
      i++;
      return list;
    }
    if (t.startsWith('"')) return JSON.parse(t) as string;
    return /^-?\d+$/.test(t) ? Number(t) : t;
  };
  const message = (end: string | undefined): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    while (i < tokens.length && tokens[i] !== end) {
      const key = tokens[i++]!;
      if (tokens[i] === ':') i++;
      out[key] = value();
    }
    i++;
    return out;
  };
  return message(undefined);
}

const bytes = linearModelBytes({ extraOutput: true });
const input = (overrides: Partial<RenderInput> = {}): RenderInput => ({
  model: 'churn',
  version: '1.2.0',
  environment: 'production',
  tag: 'churn#production#7',
  counter: 7,
  sha256: 'ab'.repeat(32),
  signature: extractSignature(readModel(bytes)),
  modelBytes: bytes,
  card: undefined,
  storageUri: 's3://bucket/{environment}/{name}/{version}',
  triton: { platform: 'onnxruntime_onnx', maxBatchSize: 8 },
  ...overrides,
});

describe('serving targets', () => {
  it('triton: config.pbtxt with the required fields, batch dim folded into max_batch_size, model in <N>/', () => {
    const [unit] = renderServingTargets(input(), ['triton']);
    expect(unit!.path).toBe('production/triton/churn');
    expect(Object.keys(unit!.files).sort()).toEqual(['7/model.onnx', 'config.pbtxt']);
    expect(unit!.files['7/model.onnx']).toBe(bytes);
    const config = parsePbtxt(unit!.files['config.pbtxt'] as string);
    expect(config).toEqual({
      name: 'churn',
      platform: 'onnxruntime_onnx',
      max_batch_size: 8,
      input: [{ name: 'features', data_type: 'TYPE_FP32', dims: [4] }],
      output: [
        { name: 'probability', data_type: 'TYPE_FP32', dims: [1] },
        { name: 'logit', data_type: 'TYPE_FP32', dims: [1] },
      ],
      dynamic_batching: {},
    });
  });

  it('triton: a model with a fixed first dim gets max_batch_size 0 and full dims; int64 is TYPE_INT64', () => {
    const signature = {
      inputs: [{ name: 'ids', kind: 'tensor' as const, elementType: 'int64', shape: [1, 'seq'] }],
      outputs: [{ name: 'y', kind: 'tensor' as const, elementType: 'double', shape: [1] }],
      opsets: [],
    };
    const config = parsePbtxt(
      renderServingTargets(input({ signature }), ['triton'])[0]!.files['config.pbtxt'] as string,
    );
    expect(config).toMatchObject({
      max_batch_size: 0,
      input: [{ name: 'ids', data_type: 'TYPE_INT64', dims: [1, -1] }],
      output: [{ name: 'y', data_type: 'TYPE_FP64', dims: [1] }],
    });
    expect(config.dynamic_batching).toBeUndefined();
  });

  it('kserve: an InferenceService with modelFormat onnx, the storageUri filled in, registry facts as metadata', () => {
    const [unit] = renderServingTargets(input({ model: 'vision=ResNet_50' }), ['kserve']);
    expect(unit!.path).toBe('production/kserve/vision-resnet-50.yaml');
    const manifest = parse(unit!.files[''] as string) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(manifest.apiVersion).toBe('serving.kserve.io/v1beta1');
    expect(manifest.kind).toBe('InferenceService');
    expect(manifest.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(manifest.metadata.annotations).toMatchObject({
      'modelops.dev/model': 'vision=ResNet_50',
      'modelops.dev/version': 'v1.2.0',
      'modelops.dev/tag': 'churn#production#7',
    });
    expect(manifest.spec.predictor.model).toEqual({
      modelFormat: { name: 'onnx' },
      protocolVersion: 'v2',
      storageUri: 's3://bucket/production/vision=ResNet_50/v1.2.0',
    });
  });

  it('edge: model, signature JSON and a card (generated when the repository has none)', () => {
    const [unit] = renderServingTargets(input(), ['edge']);
    expect(unit!.path).toBe('production/edge/churn');
    expect(unit!.files['model.onnx']).toBe(bytes);
    const signature = JSON.parse(unit!.files['signature.json'] as string) as Record<string, unknown>;
    expect(signature).toMatchObject({
      model: 'churn',
      version: 'v1.2.0',
      sha256: 'ab'.repeat(32),
      inputs: [{ name: 'features', elementType: 'float', shape: ['batch', 4] }],
    });
    expect(unit!.files['card.md']).toMatch(
      /^# churn v1\.2\.0\n[\s\S]*\| features \| float \| \[batch, 4\] \|/,
    );
    expect(renderServingTargets(input({ card: '# mine\n' }), ['edge'])[0]!.files['card.md']).toBe('# mine\n');
  });
});

describe('rendered files are checked before anything is written', () => {
  it('triton settings: backend onnxruntime, instance_group, max_batch_size from the environment', () => {
    const [unit] = renderServingTargets(
      input({ triton: { platform: 'onnxruntime', maxBatchSize: 32, instanceCount: 3 } }),
      ['triton'],
    );
    const text = unit!.files['config.pbtxt'] as string;
    expect(text).toContain('backend: "onnxruntime"');
    expect(text).not.toContain('platform:');
    expect(text).toContain('max_batch_size: 32');
    expect(text).toContain('instance_group [ { count: 3 kind: KIND_AUTO } ]');
    expect(() => checkRenderedUnits([unit!])).not.toThrow();
  });

  it('a tensor type Triton has no data_type for is refused, naming the tensor and the way out', () => {
    const signature = {
      inputs: [{ name: 'z', kind: 'tensor' as const, elementType: 'complex64', shape: ['batch', 2] }],
      outputs: [{ name: 'y', kind: 'tensor' as const, elementType: 'float', shape: ['batch', 1] }],
      opsets: [],
    };
    expect(() => checkRenderedUnits(renderServingTargets(input({ signature }), ['triton']))).toThrow(
      'rendered triton file production/triton/churn/config.pbtxt gives tensor "z" a type Triton has no data_type for — change the tensor to a numeric, bool or string type, or drop triton from render.targets',
    );
  });

  it('kserve: a storageUri without a scheme or with an unknown placeholder is refused', () => {
    for (const storageUri of ['bucket/{name}', 's3://b/{model}/{version}'])
      expect(() => checkRenderedUnits(renderServingTargets(input({ storageUri }), ['kserve']))).toThrow(
        /rendered kserve file production\/kserve\/churn\.yaml has storageUri ".*", not a URI KServe can load/,
      );
    expect(() => checkRenderedUnits(renderServingTargets(input(), ['kserve', 'edge']))).not.toThrow();
  });

  it('edge: an empty model (an LFS pointer never fetched would be caught earlier) is refused', () => {
    expect(() =>
      checkRenderedUnits(renderServingTargets(input({ modelBytes: new Uint8Array() }), ['edge'])),
    ).toThrow('rendered edge file production/edge/churn/model.onnx is missing or empty');
  });
});
