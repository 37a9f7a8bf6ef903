import { describe, expect, it } from 'vitest';
import { checkModel, type ModelProto } from '../../../src/core/onnx/index.js';
import { extractSubModel, mergeEnsemble } from '../../../src/core/optimize/index.js';
import { makeCnn, makeMlp, randoms } from './make-models.js';
import { maxAbsDiff, runModel } from './run-model.js';

const x = { elementType: 'float', dims: [6, 8], data: randoms(48, 17) };

describe('ensemble', () => {
  it('averages probabilities and votes on labels of three MLPs, in one valid graph', async () => {
    const members = [1, 2, 3].map((seed) => makeMlp({ seed: seed * 10 }));
    const { model, info } = mergeEnsemble(members);
    expect(info).toEqual({ averaged: ['probabilities'], voted: ['label'] });
    expect(checkModel(model)).toEqual([]);
    expect(model.graph!.initializer.map((t) => t.name)).toContain('m2_w1');
    const merged = await runModel(model, { x });
    const each = await Promise.all(members.map((m) => runModel(m, { x })));
    const probabilities = each.map((o) => o.probabilities!.data as Float32Array);
    const mean = Float32Array.from(
      probabilities[0]!,
      (_, i) => (probabilities[0]![i]! + probabilities[1]![i]! + probabilities[2]![i]!) / 3,
    );
    expect(maxAbsDiff(merged.probabilities!, { ...merged.probabilities!, data: mean })).toBeLessThan(1e-6);
    const labels = each.map((o) => Array.from(o.label!.data as BigInt64Array));
    expect(labels[0]).not.toEqual(labels[1]); // the members disagree somewhere: the vote matters
    const expected = labels[0]!.map((_, r) => {
      const votes = labels.map((l) => l[r]!);
      // The label most members agree with; on a three-way tie the first member's.
      return votes.find((v) => votes.filter((w) => w === v).length >= 2) ?? votes[0]!;
    });
    expect(Array.from(merged.label!.data as BigInt64Array)).toEqual(expected);
    expect(merged.label!.dims).toEqual([6]);
  });

  it('refuses members with different signatures and single models', () => {
    const other = makeCnn();
    expect(() => mergeEnsemble([makeMlp(), other])).toThrow(
      /ensemble member 1 has another signature than member 0/,
    );
    expect(() => mergeEnsemble([makeMlp()])).toThrow(/at least 2 models/);
  });

  it('leaves the members untouched', () => {
    const members = [makeMlp({ seed: 3 }), makeMlp({ seed: 4 })];
    mergeEnsemble(members);
    expect(members[0]!.graph!.initializer[0]!.name).toBe('w1');
  });
});

describe('split', () => {
  const cnn = makeCnn();
  const image = { elementType: 'float', dims: [2, 1, 8, 8], data: randoms(128, 23) };

  it('cuts a model in two at a named tensor; the parts in turn give the whole model’s output', async () => {
    const head = extractSubModel(cnn, ['image'], ['p']);
    const tail = extractSubModel(cnn, ['p'], ['y']);
    for (const part of [head, tail]) expect(checkModel(part)).toEqual([]);
    expect(head.graph!.node.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'MaxPool']);
    expect(tail.graph!.node.map((n) => n.opType)).toEqual(['Flatten', 'Gemm']);
    expect(tail.graph!.initializer.map((t) => t.name)).toEqual(['fc', 'fcb']);
    const whole = await runModel(cnn, { image });
    const middle = await runModel(head, { image });
    const end = await runModel(tail, { p: middle.p! });
    expect(maxAbsDiff(whole.y!, end.y!)).toBe(0);
  });

  it('names what is missing', () => {
    expect(() => extractSubModel(cnn, ['r'], ['nope'])).toThrow(/tensor 'nope' is not in the model/);
    expect(() => extractSubModel(cnn, ['p'], ['c'])).toThrow(
      /output 'c' needs 'image', which is not among the sub-model inputs/,
    );
  });

  it('types cut tensors by propagation when value_info does not declare them', () => {
    const mlp: ModelProto = makeMlp();
    const part = extractSubModel(mlp, ['h1r'], ['label']);
    const input = part.graph!.input[0]!;
    expect(input.name).toBe('h1r');
    expect(input.type?.value.case === 'tensorType' && input.type.value.value.elemType).toBe(1);
    expect(
      part.graph!.output[0]!.type?.value.case === 'tensorType' &&
        part.graph!.output[0]!.type.value.value.elemType,
    ).toBe(7);
  });
});
