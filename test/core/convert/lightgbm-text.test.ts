import { describe, expect, it } from 'vitest';
import { convertModel, float32AtMost } from '../../../src/core/convert/index.js';
import { ModelFormatError, UsageError } from '../../../src/core/errors.js';
import { checkModel, writeModel } from '../../../src/core/onnx/index.js';
import { createSession, flatValues } from '../../../src/platform/runtime/index.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** A LightGBM text model as booster.save_model writes it (header, Tree= blocks, end of trees). */
function lightgbmText(header: Record<string, string>, trees: Record<string, string>[]): string {
  const kv = (o: Record<string, string>) =>
    Object.entries(o)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n');
  const base = {
    version: 'v4',
    num_class: '1',
    num_tree_per_iteration: '1',
    label_index: '0',
    max_feature_idx: '1',
  };
  const blocks = trees.map((t, i) => `Tree=${i}\n${kv({ num_cat: '0', ...t, shrinkage: '1' })}\n\n`);
  return `tree\n${kv({ ...base, ...header })}\n\n${blocks.join('\n')}end of trees\n\nfeature_importances:\n`;
}

const leaf = (value: number) => ({ num_leaves: '1', leaf_value: String(value) });

// Node 0: x0 <= 0.30000000000000004 (a double) → node 1, else leaf 1; NaN type, default left.
// Node 1: x1 <= 1 → leaf 0, else leaf 2; missing type None (NaN counts as 0).
const splitTree = {
  num_leaves: '3',
  split_feature: '0 1',
  threshold: '0.30000000000000004 1',
  decision_type: '10 2',
  left_child: '1 -1',
  right_child: '-2 -3',
  leaf_value: '0.25 -0.5 1',
};

async function run(text: string, rows: number[][]) {
  const { model, info } = convertModel('lightgbm', new TextEncoder().encode(text), 'model.txt', 'test');
  expect(checkModel(model)).toEqual([]);
  const session = await createSession(writeModel(model));
  const out = await session.run({
    input: {
      elementType: 'float',
      dims: [rows.length, rows[0]!.length],
      data: Float32Array.from(rows.flat()),
    },
  });
  await session.release();
  return {
    info,
    values: Object.fromEntries(Object.entries(out).map(([k, t]) => [k, flatValues(t) as number[]])),
  };
}

describe('LightGBM text → ONNX', () => {
  it('binary: x <= threshold goes left, NaN follows the missing type, double thresholds stay exact', async () => {
    const text = lightgbmText({ objective: 'binary sigmoid:1' }, [splitTree, leaf(0.125)]);
    const { values, info } = await run(text, [
      [0, 5],
      [Math.fround(0.3), 0], // above the double 0.30000000000000004 although fround equals fround(threshold)
      [NaN, NaN],
      [1, 0],
    ]);
    const margins = [1 + 0.125, -0.5 + 0.125, 0.25 + 0.125, -0.5 + 0.125];
    values.probabilities!.forEach((v, i) =>
      expect(v).toBeCloseTo(i % 2 ? sigmoid(margins[i >> 1]!) : 1 - sigmoid(margins[i >> 1]!), 6),
    );
    expect(values.label).toEqual([1, 0, 1, 0]);
    expect(info).toMatchObject({ from: 'lightgbm', task: 'binary', trees: 2, features: 2 });
  });

  it('binary sigmoid:2 scales the margin', async () => {
    const { values } = await run(lightgbmText({ objective: 'binary sigmoid:2' }, [leaf(0.5)]), [[0, 0]]);
    expect(values.probabilities![1]).toBeCloseTo(sigmoid(1), 6);
  });

  it('multiclass: tree i adds to class i % num_tree_per_iteration; regression is the raw sum', async () => {
    const multi = lightgbmText(
      { objective: 'multiclass num_class:3', num_class: '3', num_tree_per_iteration: '3' },
      [leaf(1), leaf(2), leaf(0), leaf(0.5), leaf(0), leaf(0)],
    );
    const { values } = await run(multi, [[0, 0]]);
    const e = [1.5, 2, 0].map(Math.exp);
    values.probabilities!.forEach((v, i) => expect(v).toBeCloseTo(e[i]! / (e[0]! + e[1]! + e[2]!), 6));
    expect(values.label).toEqual([1]);
    const reg = await run(lightgbmText({ objective: 'regression' }, [splitTree, leaf(2)]), [[1, 0]]);
    expect(reg.values.variable).toEqual([1.5]);
  });

  it('refuses unsupported objectives, categorical splits and files that are not LightGBM', () => {
    const convert = (text: string) => () =>
      convertModel('lightgbm', new TextEncoder().encode(text), 'm.txt', 'test');
    expect(convert(lightgbmText({ objective: 'multiclassova num_class:3' }, [leaf(1)]))).toThrow(
      /objective 'multiclassova num_class:3' is not supported — supported objectives: regression, .*binary, multiclass/,
    );
    expect(
      convert(lightgbmText({ objective: 'binary sigmoid:1' }, [{ ...splitTree, decision_type: '1 2' }])),
    ).toThrow(UsageError);
    expect(convert('{"learner": {}}')).toThrow(ModelFormatError);
  });

  it('float32AtMost gives the largest float32 not above a double', () => {
    expect(float32AtMost(0.30000000000000004)).toBeLessThan(Math.fround(0.3));
    expect(float32AtMost(1)).toBe(1);
    expect(float32AtMost(-0.1)).toBeLessThanOrEqual(-0.1);
    expect(Math.fround(float32AtMost(-0.1))).toBe(float32AtMost(-0.1));
  });
});
