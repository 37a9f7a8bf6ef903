import { describe, expect, it } from 'vitest';
import { convertModel } from '../../../src/core/convert/index.js';
import { ModelFormatError, UsageError } from '../../../src/core/errors.js';
import { checkModel, writeModel } from '../../../src/core/onnx/index.js';
import { createSession, flatValues } from '../../../src/platform/runtime/index.js';
import { makeXgboostDocument, stump } from './xgboost-factory.js';

const bytesOf = (doc: unknown) => new TextEncoder().encode(JSON.stringify(doc));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

async function run(doc: unknown, rows: number[][]) {
  const { model, info } = convertModel('xgboost', bytesOf(doc), 'model.json', 'test');
  expect(checkModel(model)).toEqual([]);
  const session = await createSession(writeModel(model));
  const width = rows[0]!.length;
  const out = await session.run({
    input: { elementType: 'float', dims: [rows.length, width], data: Float32Array.from(rows.flat()) },
  });
  await session.release();
  const values = Object.fromEntries(Object.entries(out).map(([k, t]) => [k, flatValues(t) as number[]]));
  return { values, info };
}

describe('XGBoost JSON → ONNX', () => {
  it('binary:logistic: probabilities [1 − p, p] and label, base_score turned into a margin by logit', async () => {
    const doc = makeXgboostDocument({
      baseScore: '2E-1',
      trees: [stump(0, 0.5, -1, 1), stump(1, 2, 0.25, -0.5, false)],
    });
    const { values, info } = await run(doc, [
      [0, 0], // left, left
      [1, 3], // right, right
      [NaN, NaN], // tree 0 sends NaN left, tree 1 right
    ]);
    const base = Math.log(0.2 / 0.8);
    const p = [sigmoid(base - 1 + 0.25), sigmoid(base + 1 - 0.5), sigmoid(base - 1 - 0.5)];
    values.probabilities!.forEach((v, i) => expect(v).toBeCloseTo(i % 2 ? p[i >> 1]! : 1 - p[i >> 1]!, 6));
    expect(values.label).toEqual(p.map((q) => (q > 0.5 ? 1 : 0)));
    expect(info).toMatchObject({ task: 'binary', objective: 'binary:logistic', trees: 2, features: 2 });
  });

  it('splits are strict: x equal to the threshold goes right', async () => {
    const doc = makeXgboostDocument({
      objective: 'reg:squarederror',
      baseScore: '0',
      trees: [stump(0, 0.5, -1, 1)],
    });
    const { values } = await run(doc, [
      [0.5, 0],
      [0.49999997, 0],
    ]);
    expect(values.variable).toEqual([1, -1]);
  });

  it('multi:softprob: trees add to the class in tree_info; softmax probabilities and argmax label', async () => {
    const doc = makeXgboostDocument({
      objective: 'multi:softprob',
      numClass: 3,
      trees: [stump(0, 0, 1, 2), stump(0, 0, 0, 3), stump(1, 0, 2, 0)],
      treeInfo: [0, 1, 2],
    });
    const { values } = await run(doc, [
      [-1, -1],
      [1, 1],
    ]);
    const softmax = (m: number[]) => m.map((v) => Math.exp(v) / m.reduce((s, w) => s + Math.exp(w), 0));
    const expected = [...softmax([1.5, 0.5, 2.5]), ...softmax([2.5, 3.5, 0.5])];
    values.probabilities!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    expect(values.label).toEqual([2, 1]);
  });

  it('reg:squarederror adds base_score as is; count:poisson exponentiates and logs the base', async () => {
    const reg = makeXgboostDocument({ objective: 'reg:squarederror', baseScore: '1.5E0' });
    expect(
      (
        await run(reg, [
          [0, 0],
          [1, 0],
        ])
      ).values.variable,
    ).toEqual([0.5, 2.5]);
    const poisson = makeXgboostDocument({ objective: 'count:poisson', baseScore: '2E0' });
    const { values } = await run(poisson, [[0, 0]]);
    expect(values.variable![0]).toBeCloseTo(2 * Math.exp(-1), 5);
  });

  it('reads base_score written as a list (XGBoost ≥ 2.1)', async () => {
    const doc = makeXgboostDocument({ objective: 'reg:squarederror', baseScore: '[2.5E-1]' });
    expect((await run(doc, [[1, 0]])).values.variable).toEqual([1.25]);
  });

  it('refuses an unsupported objective, naming the supported ones (exit 2)', () => {
    const doc = makeXgboostDocument({ objective: 'survival:cox' });
    expect(() => convertModel('xgboost', bytesOf(doc), 'm.json', 'test')).toThrow(UsageError);
    expect(() => convertModel('xgboost', bytesOf(doc), 'm.json', 'test')).toThrow(
      /survival:cox' is not supported — supported objectives: .*binary:logistic.*multi:softprob/,
    );
  });

  it('refuses gblinear and names the boosters it converts', () => {
    const doc = makeXgboostDocument({ booster: 'gblinear' });
    expect(() => convertModel('xgboost', bytesOf(doc), 'm.json', 'test')).toThrow(/gblinear.*gbtree, dart/);
  });

  it('a truncated or foreign file is a ModelFormatError', () => {
    const text = JSON.stringify(makeXgboostDocument());
    expect(() =>
      convertModel('xgboost', new TextEncoder().encode(text.slice(0, 80)), 'm.json', 'test'),
    ).toThrow(ModelFormatError);
    expect(() => convertModel('xgboost', bytesOf({ hello: 1 }), 'm.json', 'test')).toThrow(
      /not an XGBoost JSON model: 'learner' is missing/,
    );
  });

  it('stamps source format, source sha256 and converter in metadata_props', () => {
    const { model, info } = convertModel('xgboost', bytesOf(makeXgboostDocument()), 'm.json', '1.2.3');
    const props = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(props).toMatchObject({
      'modelops.source_format': 'xgboost',
      'modelops.source_sha256': info.sourceSha256,
      'modelops.converter': 'modelops 1.2.3',
      'modelops.objective': 'binary:logistic',
    });
    expect(info.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
