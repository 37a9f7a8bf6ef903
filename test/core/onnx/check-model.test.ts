import { describe, it, expect } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { buildModel, makeNode } from '../../../src/core/onnx/builder.js';
import { checkModel } from '../../../src/core/onnx/check-model.js';
import { makeLinearClassifierZipMap, makeLogisticRegression, makeMlp } from './models.js';

const io = {
  inputs: [{ name: 'x', elementType: 'float', shape: [1] }],
  outputs: [{ name: 'y', elementType: 'float', shape: [1] }],
};

describe('checkModel', () => {
  it('finds nothing wrong with well-formed models', () => {
    expect(checkModel(makeLogisticRegression())).toEqual([]);
    expect(checkModel(makeMlp())).toEqual([]);
    expect(checkModel(makeLinearClassifierZipMap())).toEqual([]);
  });

  it('reports nodes out of topological order', () => {
    const model = buildModel({
      ...io,
      nodes: [makeNode('Neg', ['h'], ['y']), makeNode('Relu', ['x'], ['h'])],
    });
    expect(checkModel(model)).toEqual([
      "graph: node 0 (Neg) reads 'h', which no graph input, initializer or earlier node defines",
    ]);
  });

  it('reports undefined inputs, missing outputs and double definitions', () => {
    const model = buildModel({
      ...io,
      outputs: [...io.outputs, { name: 'z', elementType: 'float', shape: [1] }],
      nodes: [makeNode('Add', ['x', 'bias'], ['y'], {}, { name: 'add' }), makeNode('Relu', ['x'], ['y'])],
    });
    expect(checkModel(model)).toEqual([
      "graph: node 0 (Add 'add') reads 'bias', which no graph input, initializer or earlier node defines",
      "graph: 'y' is defined twice (output of Relu)",
      "graph: output 'z' is not produced by any node, input or initializer",
    ]);
  });

  it('accepts omitted optional inputs', () => {
    const model = buildModel({ ...io, nodes: [makeNode('Clip', ['x', '', ''], ['y'])] });
    expect(checkModel(model)).toEqual([]);
  });

  it('reports domains used without an opset import', () => {
    const model = makeLinearClassifierZipMap();
    model.opsetImport = model.opsetImport.filter((o) => o.domain === '');
    expect(checkModel(model)).toEqual([
      "operators of domain 'ai.onnx.ml' are used but no opset is imported for it",
    ]);
    const noDefault = buildModel({
      ...io,
      nodes: [makeNode('Relu', ['x'], ['y'])],
      opsets: { 'ai.onnx.ml': 3 },
    });
    expect(checkModel(noDefault)).toEqual([
      "operators of domain 'ai.onnx' are used but no opset is imported for it",
    ]);
  });

  it('lets subgraphs read values of the enclosing graph', () => {
    const branch = (op: string) =>
      buildModel({
        inputs: [],
        outputs: [{ name: `${op}_out`, elementType: 'float', shape: [1] }],
        nodes: [makeNode(op, ['x'], [`${op}_out`])],
      }).graph!;
    const model = buildModel({
      inputs: [...io.inputs, { name: 'cond', elementType: 'bool', shape: [] }],
      outputs: io.outputs,
      nodes: [
        makeNode('If', ['cond'], ['y'], {
          then_branch: { graph: branch('Relu') },
          else_branch: { graph: branch('Neg') },
        }),
      ],
    });
    expect(checkModel(model)).toEqual([]);
    model.graph!.node[0]!.attribute[1]!.g!.node[0]!.input[0] = 'nope';
    expect(checkModel(model)).toEqual([
      "graph: node 0 (If).else_branch: node 0 (Neg) reads 'nope', which no graph input, initializer or earlier node defines",
    ]);
  });

  it('reports a missing graph and IR version', () => {
    expect(checkModel(create(ModelProtoSchema))).toEqual(['ir_version is not set', 'model has no graph']);
  });
});
