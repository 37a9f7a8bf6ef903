import { describe, it, expect } from 'vitest';
import { buildModel, makeNode, makeTensor, makeValueInfo } from '../../../src/core/onnx/builder.js';
import { getMetadata, getMetadataValue, producerInfo, setMetadata } from '../../../src/core/onnx/metadata.js';
import { readModel, writeModel } from '../../../src/core/onnx/model-codec.js';
import { extractSignature, valueSignature } from '../../../src/core/onnx/signature.js';
import { makeLinearClassifierZipMap, makeLogisticRegression, makeMlp } from './models.js';

describe('extractSignature', () => {
  it('reports symbolic dims by name and element types by ONNX name', () => {
    const signature = extractSignature(readModel(writeModel(makeLogisticRegression())));
    expect(signature).toEqual({
      inputs: [{ name: 'x', kind: 'tensor', elementType: 'float', shape: ['batch', 3] }],
      outputs: [{ name: 'p', kind: 'tensor', elementType: 'float', shape: ['batch', 1] }],
      opsets: [{ domain: '', version: 17 }],
    });
  });

  it('leaves out inputs that are initializers (IR 3 lists every weight as an input)', () => {
    const model = makeMlp(3, { irVersion: 3, opsets: { '': 8 } });
    const graph = model.graph!;
    for (const t of graph.initializer) {
      graph.input.push(makeValueInfo({ name: t.name, elementType: 'float', shape: t.dims.map(Number) }));
    }
    expect(graph.input).toHaveLength(5);
    expect(extractSignature(model).inputs.map((i) => i.name)).toEqual(['features']);
  });

  it('reports unknown dims as null and an unknown rank as a null shape', () => {
    const model = buildModel({
      inputs: [
        { name: 'a', elementType: 'int64', shape: [null, 'seq', 2] },
        { name: 'b', elementType: 'string' },
        { name: 'c', elementType: 'float16', shape: [] },
      ],
      outputs: [{ name: 'a2', elementType: 'bfloat16', shape: [null] }],
      nodes: [makeNode('Identity', ['a'], ['a2'])],
    });
    const { inputs, outputs } = extractSignature(model);
    expect(inputs).toEqual([
      { name: 'a', kind: 'tensor', elementType: 'int64', shape: [null, 'seq', 2] },
      { name: 'b', kind: 'tensor', elementType: 'string', shape: null },
      { name: 'c', kind: 'tensor', elementType: 'float16', shape: [] },
    ]);
    expect(outputs[0]).toEqual({ name: 'a2', kind: 'tensor', elementType: 'bfloat16', shape: [null] });
  });

  it('describes ZipMap output as a sequence of maps, and the ml opset', () => {
    const signature = extractSignature(makeLinearClassifierZipMap());
    expect(signature.outputs).toEqual([
      { name: 'label', kind: 'tensor', elementType: 'int64', shape: [null] },
      { name: 'probabilities', kind: 'sequence', elementType: 'seq(map(int64,tensor(float)))', shape: null },
    ]);
    expect(signature.opsets).toEqual([
      { domain: '', version: 17 },
      { domain: 'ai.onnx.ml', version: 3 },
    ]);
  });

  it('describes maps and optionals by kind', () => {
    const map = valueSignature(
      makeValueInfo({ name: 'dict', map: { key: 'string', value: { elementType: 'float' } } }),
    );
    expect(map).toEqual({ name: 'dict', kind: 'map', elementType: 'map(string,tensor(float))', shape: null });
    const optional = valueSignature(
      makeValueInfo({ name: 'o', optional: { elementType: 'int32', shape: [1] } }),
    );
    expect(optional.kind).toBe('optional');
    expect(optional.elementType).toBe('optional(tensor(int32))');
  });
});

describe('metadata and producer', () => {
  it('gets and sets metadata_props, keeping key order and removing on undefined', () => {
    const model = makeLogisticRegression();
    expect(getMetadata(model)).toEqual({ task: 'binary-classification' });
    setMetadata(model, { 'modelops.version': '1.2.0', task: 'scoring' });
    setMetadata(model, { 'modelops.version': undefined, license: 'MIT' });
    const reread = readModel(writeModel(model));
    expect(reread.metadataProps.map((e) => [e.key, e.value])).toEqual([
      ['task', 'scoring'],
      ['license', 'MIT'],
    ]);
    expect(getMetadataValue(reread, 'license')).toBe('MIT');
    expect(getMetadataValue(reread, 'missing')).toBeUndefined();
  });

  it('reports producer info with numbers as numbers', () => {
    const model = buildModel({
      inputs: [{ name: 'x', elementType: 'float', shape: [1] }],
      outputs: [{ name: 'y', elementType: 'float', shape: [1] }],
      initializers: [makeTensor('two', new Float32Array([2]), [1])],
      nodes: [makeNode('Mul', ['x', 'two'], ['y'])],
      producerVersion: '0.1.0',
      graphName: 'double-it',
    });
    expect(producerInfo(model)).toEqual({
      producerName: 'modelops',
      producerVersion: '0.1.0',
      irVersion: 8,
      domain: '',
      modelVersion: 0,
      docString: '',
      graphName: 'double-it',
    });
  });
});
