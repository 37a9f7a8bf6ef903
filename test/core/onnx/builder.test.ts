import { describe, it, expect } from 'vitest';
import { AttributeProto_AttributeType as AttrType } from 'onnx-buf';
import { UsageError } from '../../../src/core/errors.js';
import {
  buildModel,
  irVersionForOpset,
  makeAttribute,
  makeNode,
  makeTensor,
} from '../../../src/core/onnx/builder.js';
import { tensorValues } from '../../../src/core/onnx/tensor-data.js';
import { makeLinearClassifierZipMap, makeLogisticRegression } from './models.js';

describe('graph builder', () => {
  it('stamps producer, IR version and opsets', () => {
    const model = makeLinearClassifierZipMap();
    expect(model.producerName).toBe('modelops');
    expect(model.irVersion).toBe(8n);
    expect(model.opsetImport.map((o) => [o.domain, o.version])).toEqual([
      ['', 17n],
      ['ai.onnx.ml', 3n],
    ]);
    expect(model.graph?.node.map((n) => `${n.domain}:${n.opType}`)).toEqual([
      'ai.onnx.ml:LinearClassifier',
      'ai.onnx.ml:ZipMap',
    ]);
  });

  it('picks the IR version released with the opset', () => {
    expect([7, 9, 11, 13, 17, 19, 21, 23].map(irVersionForOpset)).toEqual([3, 4, 6, 7, 8, 9, 10, 11]);
    expect(makeLogisticRegression({ opsets: { '': 21 } }).irVersion).toBe(10n);
  });

  it('stores initializers as little-endian raw_data that decodes to the same values', () => {
    const w = makeTensor('W', new Float32Array([0.5, -1, 2]), [3, 1]);
    expect(w.rawData).toHaveLength(12);
    expect(w.dims).toEqual([3n, 1n]);
    expect(Array.from(tensorValues(w) as Float32Array)).toEqual([0.5, -1, 2]);
    const ids = makeTensor('ids', new BigInt64Array([1n, -2n]));
    expect(ids.dataType).toBe(7);
    expect(Array.from(tensorValues(ids) as BigInt64Array)).toEqual([1n, -2n]);
    expect(Array.from(tensorValues(makeTensor('n', [1, 2, 3], [3], 'int64')) as BigInt64Array)).toEqual([
      1n,
      2n,
      3n,
    ]);
    expect(tensorValues(makeTensor('s', ['a', 'bé'], [2]))).toEqual(['a', 'bé']);
    expect(makeTensor('mask', new Uint8Array([1, 0]), [2], 'bool').dataType).toBe(9);
  });

  it('refuses values that do not fill the dims', () => {
    expect(() => makeTensor('W', new Float32Array(5), [2, 3])).toThrow(UsageError);
    expect(() => makeTensor('W', new Float32Array(5), [2, 3])).toThrow(
      /tensor 'W' has 5 values but dims \[2, 3\] need 6/,
    );
  });

  it('tags attribute types explicitly', () => {
    expect(makeAttribute('alpha', { float: 1 })).toMatchObject({ type: AttrType.FLOAT, f: 1 });
    expect(makeAttribute('axis', { int: -1 })).toMatchObject({ type: AttrType.INT, i: -1n });
    expect(makeAttribute('mode', 'constant')).toMatchObject({
      type: AttrType.STRING,
      s: new TextEncoder().encode('constant'),
    });
    expect(makeAttribute('perm', { ints: [0, 2, 1] })).toMatchObject({
      type: AttrType.INTS,
      ints: [0n, 2n, 1n],
    });
    expect(makeAttribute('scales', { floats: [0.5, 2] })).toMatchObject({
      type: AttrType.FLOATS,
      floats: [0.5, 2],
    });
    expect(makeAttribute('names', ['a', 'b']).type).toBe(AttrType.STRINGS);
    const value = makeTensor('c', new Float32Array([3]), []);
    expect(makeAttribute('value', value)).toMatchObject({ type: AttrType.TENSOR, t: value });
    expect(makeAttribute('value', { tensor: value }).type).toBe(AttrType.TENSOR);
  });

  it('builds nodes with domain and name only when given', () => {
    const node = makeNode('ZipMap', ['s'], ['p'], {}, { domain: 'ai.onnx.ml', name: 'zip' });
    expect(node).toMatchObject({
      opType: 'ZipMap',
      domain: 'ai.onnx.ml',
      name: 'zip',
      input: ['s'],
      output: ['p'],
    });
    expect(Object.prototype.hasOwnProperty.call(makeNode('Relu', ['x'], ['y']), 'domain')).toBe(false);
  });

  it('adds doc string, value_info and metadata', () => {
    const model = buildModel({
      inputs: [{ name: 'x', elementType: 'float', shape: ['n'] }],
      outputs: [{ name: 'y', elementType: 'float', shape: ['n'] }],
      valueInfo: [{ name: 'h', elementType: 'float', shape: ['n'] }],
      nodes: [makeNode('Relu', ['x'], ['h']), makeNode('Neg', ['h'], ['y'])],
      docString: 'negative relu',
      metadata: { owner: 'ml-team' },
    });
    expect(model.docString).toBe('negative relu');
    expect(model.graph?.valueInfo.map((v) => v.name)).toEqual(['h']);
    expect(model.metadataProps.map((e) => e.key)).toEqual(['owner']);
  });
});
