import { ModelFormatError, UsageError } from '../errors.js';
import type { Link, Tree, TreeEnsemble } from './tree-ensemble.js';

/** Objectives we convert, and how each turns the margin into the prediction. */
const OBJECTIVES: Record<
  string,
  { task: TreeEnsemble['task']; link: Link; base: 'identity' | 'logit' | 'log' }
> = {
  'reg:squarederror': { task: 'regression', link: 'identity', base: 'identity' },
  'reg:linear': { task: 'regression', link: 'identity', base: 'identity' },
  'reg:squaredlogerror': { task: 'regression', link: 'identity', base: 'identity' },
  'reg:pseudohubererror': { task: 'regression', link: 'identity', base: 'identity' },
  'reg:absoluteerror': { task: 'regression', link: 'identity', base: 'identity' },
  'reg:quantileerror': { task: 'regression', link: 'identity', base: 'identity' },
  'reg:logistic': { task: 'regression', link: 'logistic', base: 'logit' },
  'binary:logitraw': { task: 'regression', link: 'identity', base: 'logit' },
  'binary:logistic': { task: 'binary', link: 'logistic', base: 'logit' },
  'multi:softprob': { task: 'multiclass', link: 'softmax', base: 'identity' },
  'multi:softmax': { task: 'multiclass', link: 'softmax', base: 'identity' },
  'count:poisson': { task: 'regression', link: 'exp', base: 'log' },
  'reg:gamma': { task: 'regression', link: 'exp', base: 'log' },
  'reg:tweedie': { task: 'regression', link: 'exp', base: 'log' },
  'rank:pairwise': { task: 'regression', link: 'identity', base: 'identity' },
  'rank:ndcg': { task: 'regression', link: 'identity', base: 'identity' },
  'rank:map': { task: 'regression', link: 'identity', base: 'identity' },
};

/** The objectives {@link readXgboostJson} converts, for messages and docs. */
export const XGBOOST_OBJECTIVES = Object.keys(OBJECTIVES);

type Json = Record<string, unknown>;

/**
 * Reads an XGBoost model saved as JSON (`booster.save_model('model.json')`, or the same document
 * decoded from UBJSON) into a {@link TreeEnsemble}. Throws ModelFormatError for a document that is
 * not an XGBoost model and UsageError for a booster or objective we do not convert.
 */
export function readXgboostModel(document: unknown, source: string): TreeEnsemble {
  const learner = field<Json>(document, 'learner', source);
  const objective = String(field<Json>(learner, 'objective', source).name);
  const spec = OBJECTIVES[objective];
  if (!spec) {
    throw new UsageError(`${source}: XGBoost objective '${objective}' is not supported`, {
      fix: `supported objectives: ${XGBOOST_OBJECTIVES.join(', ')}`,
    });
  }
  const booster = field<Json>(learner, 'gradient_booster', source);
  const { model, weights } = treeModel(booster, source);
  const params = field<Json>(learner, 'learner_model_param', source);
  const numFeatures = Number(params.num_feature);
  const numClass = Number(params.num_class ?? 0);
  const numTargets = spec.task === 'multiclass' ? numClass : Math.max(1, Number(params.num_target ?? 1));
  if (spec.task === 'multiclass' && !(numClass >= 2)) {
    throw new ModelFormatError(
      `${source}: objective ${objective} but num_class is ${String(params.num_class)}`,
    );
  }
  const rawTrees = field<unknown[]>(model, 'trees', source);
  const treeInfo = (model.tree_info as number[] | undefined) ?? rawTrees.map(() => 0);
  const trees = rawTrees.map((raw, i) =>
    readTree(raw as Json, treeInfo[i] ?? 0, weights?.[i], `${source} tree ${i}`),
  );
  const baseScores = parseBaseScore(params.base_score, source);
  const baseMargin = Array.from({ length: numTargets }, (_, t) =>
    toMargin(baseScores[t] ?? baseScores[0]!, spec.base),
  );
  return {
    numFeatures,
    numTargets,
    trees,
    baseMargin,
    link: spec.link,
    task: spec.task,
    comparison: 'lt',
    objective,
  };
}

function treeModel(booster: Json, source: string): { model: Json; weights?: number[] } {
  const name = String(booster.name);
  if (name === 'gbtree') return { model: field<Json>(booster, 'model', source) };
  if (name === 'dart') {
    // DART scales each tree's output by its weight_drop at prediction time.
    const gbtree = field<Json>(booster, 'gbtree', source);
    return { model: field<Json>(gbtree, 'model', source), weights: booster.weight_drop as number[] };
  }
  throw new UsageError(`${source}: XGBoost booster '${name}' is not supported`, {
    fix: 'supported boosters: gbtree, dart (train a tree booster, or export gblinear coefficients for --from linear)',
  });
}

function readTree(raw: Json, target: number, weight: number | undefined, where: string): Tree {
  const left = numbers(raw, 'left_children', where);
  const right = numbers(raw, 'right_children', where);
  const feature = numbers(raw, 'split_indices', where);
  // For leaves, split_conditions holds the leaf value with the learning rate already applied.
  const threshold = numbers(raw, 'split_conditions', where);
  const defaultLeft = raw.default_left as ArrayLike<number | boolean>;
  const splitType = raw.split_type as ArrayLike<number> | undefined;
  const n = left.length;
  if (
    !n ||
    right.length !== n ||
    feature.length !== n ||
    threshold.length !== n ||
    defaultLeft?.length !== n
  ) {
    throw new ModelFormatError(`${where}: node arrays are missing or of different lengths`, {
      fix: 'save the model again with booster.save_model("model.json")',
    });
  }
  for (let i = 0; i < n; i++) {
    if (left[i]! >= 0 && splitType?.[i]) {
      throw new UsageError(`${where}: node ${i} is a categorical split, which we do not convert yet`, {
        fix: 'train with numeric (one-hot) features instead of enable_categorical',
      });
    }
    if (left[i]! >= n || right[i]! >= n || (left[i]! >= 0 && right[i]! < 0)) {
      throw new ModelFormatError(`${where}: node ${i} points at a child that does not exist`);
    }
  }
  return { feature, threshold, left, right, defaultLeft, value: threshold, target, weight };
}

/** base_score is a number string ("5E-1"), or since XGBoost 2.1 a bracketed list ("[5E-1]"). */
function parseBaseScore(raw: unknown, source: string): number[] {
  const values = String(raw ?? '0.5')
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
    throw new ModelFormatError(`${source}: base_score '${String(raw)}' is not a number`);
  }
  return values;
}

/** XGBoost ≥ 1.0 stores base_score as a prediction (a probability for logistic); trees add to its margin. */
function toMargin(score: number, kind: 'identity' | 'logit' | 'log'): number {
  if (kind === 'logit') return Math.log(score / (1 - score));
  if (kind === 'log') return Math.log(score);
  return score;
}

function field<T>(value: unknown, key: string, source: string): T {
  const found = value && typeof value === 'object' ? (value as Json)[key] : undefined;
  if (found === undefined || found === null) {
    throw new ModelFormatError(`${source} is not an XGBoost JSON model: '${key}' is missing`, {
      fix: 'save it with booster.save_model("model.json") (XGBoost ≥ 1.0), or pass the right --from',
    });
  }
  return found as T;
}

function numbers(raw: Json, key: string, where: string): ArrayLike<number> {
  const value = raw[key];
  if (!value || typeof (value as ArrayLike<number>).length !== 'number') {
    throw new ModelFormatError(`${where}: '${key}' is missing`, {
      fix: 'save the model again with booster.save_model("model.json")',
    });
  }
  return value as ArrayLike<number>;
}
