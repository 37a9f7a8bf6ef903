// The opset upgrader on operators whose signature or meaning changed: each model is built at an old
// opset, run by onnxruntime (which still runs old opsets), upgraded, run again on the same input,
// and the outputs must be identical. Refusals name the operator and the fix.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/core/errors.js';
import {
  buildModel,
  checkModel,
  makeNode,
  makeTensor,
  readModel,
  writeModel,
  type AttributeValue,
  type ModelProto,
} from '../../../src/core/onnx/index.js';
import { upgradeOpset } from '../../../src/core/onnx/upgrade-opset.js';
import { createSession } from '../../../src/platform/runtime/session.js';

const INPUT = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i * 1.7) * 3);
const DIMS = [2, 3, 4];

function oneNode(
  opset: number,
  opType: string,
  attributes: Record<string, AttributeValue>,
  options: { extraOutputs?: string[] } = {},
): ModelProto {
  const outputs = ['y', ...(options.extraOutputs ?? [])];
  return buildModel({
    opsets: { '': opset },
    inputs: [{ name: 'x', elementType: 'float', shape: DIMS }],
    outputs: outputs.map((name) => ({ name, elementType: name === 'i' ? 'int64' : 'float' })),
    nodes: [makeNode(opType, ['x'], outputs, attributes)],
  });
}

async function outputs(model: ModelProto): Promise<Record<string, number[]>> {
  const session = await createSession(writeModel(model));
  try {
    const result = await session.run({ x: { elementType: 'float', dims: DIMS, data: INPUT } });
    return Object.fromEntries(
      Object.entries(result).map(([name, t]) => [
        name,
        [...t.dims, ...Array.from(t.data as ArrayLike<number | bigint>, Number)],
      ]),
    );
  } finally {
    await session.release();
  }
}

/** Runs the model as built, upgrades a copy to `target`, and returns both outputs and the rewrite. */
async function beforeAndAfter(model: ModelProto, target: number) {
  const before = await outputs(model);
  const upgraded = readModel(writeModel(model));
  const info = upgradeOpset(upgraded, target);
  expect(checkModel(upgraded)).toEqual([]);
  expect(Number(upgraded.opsetImport[0]!.version)).toBe(target);
  return { before, after: await outputs(upgraded), info, upgraded };
}

describe('upgradeOpset', () => {
  const cases: Array<[string, ModelProto, string[]]> = [
    [
      'Softmax over a coerced 2-D view (axis 1 of a 3-D input)',
      oneNode(11, 'Softmax', { axis: { int: 1 } }),
      ['Softmax'],
    ],
    ['LogSoftmax with the default axis', oneNode(12, 'LogSoftmax', {}), ['LogSoftmax']],
    ['Hardmax on the last axis stays one node', oneNode(11, 'Hardmax', { axis: { int: 2 } }), ['Hardmax']],
    [
      'Slice-1 attributes become inputs',
      oneNode(9, 'Slice', { starts: { ints: [0, 1] }, ends: { ints: [1, 3] }, axes: { ints: [0, 2] } }),
      ['Slice'],
    ],
    [
      'Pad-2 pads and a non-zero value become inputs',
      oneNode(10, 'Pad', { pads: { ints: [0, 1, 0, 0, 2, 1] }, value: { float: 1.5 } }),
      ['Pad'],
    ],
    ['Clip-6 bounds become inputs', oneNode(10, 'Clip', { min: { float: -1 }, max: { float: 2 } }), ['Clip']],
    ['TopK-1 k becomes an input', oneNode(9, 'TopK', { k: { int: 2 } }, { extraOutputs: ['i'] }), ['TopK']],
    ['Dropout-10 ratio becomes an input', oneNode(10, 'Dropout', { ratio: { float: 0.3 } }), ['Dropout']],
    [
      'ReduceMean-13 axes become an input at 18',
      oneNode(13, 'ReduceMean', { axes: { ints: [1] } }),
      ['ReduceMean'],
    ],
    [
      'Split-11 equal parts get num_outputs at 18',
      oneNode(11, 'Split', { axis: { int: 2 } }, { extraOutputs: ['z'] }),
      ['Split'],
    ],
    [
      'Upsample-7 becomes Resize',
      oneNode(7, 'Upsample', { scales: { floats: [1, 2, 2] } }),
      ['Upsample', 'Resize'],
    ],
  ];

  for (const [name, model, rewritten] of cases) {
    it(`${name}: same outputs at opset 21`, async () => {
      const { before, after, info } = await beforeAndAfter(model, 21);
      expect(Object.keys(info.rewritten).sort()).toEqual([...rewritten].sort());
      expect(after).toEqual(before);
    });
  }

  it('Squeeze-1 axes become an input at 13', async () => {
    const model = buildModel({
      opsets: { '': 11 },
      inputs: [{ name: 'x', elementType: 'float', shape: DIMS }],
      outputs: [{ name: 'y', elementType: 'float' }],
      nodes: [
        makeNode('Unsqueeze', ['x'], ['u'], { axes: { ints: [1] } }),
        makeNode('Squeeze', ['u'], ['y'], { axes: { ints: [1] } }),
      ],
    });
    const { before, after, info, upgraded } = await beforeAndAfter(model, 13);
    expect(info).toEqual({ from: 11, to: 13, rewritten: { Unsqueeze: 1, Squeeze: 1 } });
    expect(upgraded.graph!.node.map((n) => n.opType)).toEqual([
      'Constant',
      'Unsqueeze',
      'Constant',
      'Squeeze',
    ]);
    expect(after).toEqual(before);
  });

  it('leaves other domains and unchanged operators alone, and raises the IR version', () => {
    const model = buildModel({
      opsets: { '': 9, 'ai.onnx.ml': 1 },
      irVersion: 4,
      inputs: [{ name: 'x', elementType: 'float', shape: [1, 2] }],
      outputs: [{ name: 'y', elementType: 'float' }],
      initializers: [makeTensor('w', new Float32Array([1, 2]), [2, 1])],
      nodes: [makeNode('MatMul', ['x', 'w'], ['y'])],
    });
    const info = upgradeOpset(model, 17);
    expect(info).toEqual({ from: 9, to: 17, rewritten: {} });
    expect(model.irVersion).toBe(8n);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([
      ['', 17],
      ['ai.onnx.ml', 1],
    ]);
  });

  it('refuses downgrades, unknown future opsets, pre-7 models and changes it cannot carry over', () => {
    const at = (opset: number) => oneNode(opset, 'Relu', {});
    expect(() => upgradeOpset(at(17), 13)).toThrow(/opset 17; downgrading to 13 is not supported/);
    expect(() => upgradeOpset(at(17), 30)).toThrow(/newer than the newest this version knows \(23\)/);
    expect(() => upgradeOpset(at(6), 13)).toThrow(/upgrades start at opset 7/);
    const spatial = oneNode(7, 'BatchNormalization', { spatial: { int: 0 } });
    expect(() => upgradeOpset(spatial, 13)).toThrow(UsageError);
    expect(() => upgradeOpset(spatial, 13)).toThrow(/BatchNormalization cannot be upgraded.*spatial=0/);
    const groupNorm = oneNode(18, 'GroupNormalization', { num_groups: { int: 3 } });
    expect(() => upgradeOpset(groupNorm, 21)).toThrow(/GroupNormalization.*per-channel/);
    expect(upgradeOpset(oneNode(18, 'GroupNormalization', { num_groups: { int: 3 } }), 20).rewritten).toEqual(
      {},
    );
  });
});
