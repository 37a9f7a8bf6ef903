import { describe, expect, it } from 'vitest';
import { convertModel } from '../../../src/core/convert/index.js';
import { UsageError } from '../../../src/core/errors.js';
import { checkModel, writeModel } from '../../../src/core/onnx/index.js';
import { createSession, flatValues } from '../../../src/platform/runtime/index.js';

const bytesOf = (doc: unknown) => new TextEncoder().encode(JSON.stringify(doc));

async function run(doc: unknown, rows: number[][]) {
  const { model } = convertModel('linear', bytesOf(doc), 'coef.json', 'test');
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
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, flatValues(t) as number[]]));
}

describe('linear models from coefficients', () => {
  it('regression: x · w + b', async () => {
    const out = await run({ coefficients: [2, -1, 0.5], intercept: 1, task: 'regression' }, [
      [1, 1, 1],
      [0, 2, 4],
    ]);
    expect(out.variable).toEqual([2.5, 1]);
  });

  it('binary logistic: probabilities [1 − p, p] and label', async () => {
    const out = await run({ coefficients: [[1, 1]], intercept: [-1], task: 'binary' }, [
      [0, 0],
      [2, 1],
    ]);
    const p = [1 / (1 + Math.exp(1)), 1 / (1 + Math.exp(-2))];
    out.probabilities!.forEach((v, i) => expect(v).toBeCloseTo(i % 2 ? p[i >> 1]! : 1 - p[i >> 1]!, 6));
    expect(out.label).toEqual([0, 1]);
  });

  it('multiclass: one row of coefficients per class (scikit-learn coef_), softmax and argmax', async () => {
    const out = await run(
      {
        coefficients: [
          [1, 0],
          [0, 1],
          [-1, -1],
        ],
        intercept: [0, 0.5, 0],
        task: 'multiclass',
      },
      [
        [2, 0],
        [0, 0],
        [-3, -3],
      ],
    );
    expect(out.label).toEqual([0, 1, 2]);
    const m = [0, 0.5, 0].map(Math.exp);
    out
      .probabilities!.slice(3, 6)
      .forEach((v, i) => expect(v).toBeCloseTo(m[i]! / (m[0]! + m[1]! + m[2]!), 6));
  });

  it('refuses ragged coefficients, a wrong intercept length and an unknown task', () => {
    const bad = (doc: unknown) => () => convertModel('linear', bytesOf(doc), 'coef.json', 'test');
    expect(bad({ coefficients: [[1, 2], [3]], task: 'multiclass' })).toThrow(
      /every row of 'coefficients' must hold 2 numbers/,
    );
    expect(bad({ coefficients: [[1], [2]], intercept: [1, 2, 3], task: 'multiclass' })).toThrow(
      /'intercept' must be one number or 2/,
    );
    expect(bad({ coefficients: [1], task: 'ranking' })).toThrow(UsageError);
    expect(bad({ coefficients: [[1], [2]], task: 'binary' })).toThrow(/binary model has one row/);
  });
});
