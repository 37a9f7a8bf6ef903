import { ModelFormatError, UsageError } from '../errors.js';
import type { Link, Tree, TreeEnsemble } from './tree-ensemble.js';

const LINKS: Record<string, { task: TreeEnsemble['task']; link: Link }> = {
  regression: { task: 'regression', link: 'identity' },
  regression_l1: { task: 'regression', link: 'identity' },
  huber: { task: 'regression', link: 'identity' },
  fair: { task: 'regression', link: 'identity' },
  quantile: { task: 'regression', link: 'identity' },
  mape: { task: 'regression', link: 'identity' },
  poisson: { task: 'regression', link: 'exp' },
  gamma: { task: 'regression', link: 'exp' },
  tweedie: { task: 'regression', link: 'exp' },
  cross_entropy: { task: 'regression', link: 'logistic' },
  binary: { task: 'binary', link: 'logistic' },
  multiclass: { task: 'multiclass', link: 'softmax' },
  lambdarank: { task: 'regression', link: 'identity' },
  rank_xendcg: { task: 'regression', link: 'identity' },
};

/** The LightGBM objectives {@link readLightgbmText} converts. */
export const LIGHTGBM_OBJECTIVES = Object.keys(LINKS);

// decision_type bits (LightGBM's tree.h): 1 categorical, 2 default left, 4|8 missing type.
const CATEGORICAL = 1;
const DEFAULT_LEFT = 2;
const MISSING_ZERO = 1;
const MISSING_NAN = 2;

/**
 * Reads a LightGBM text model (`booster.save_model('model.txt')`) into a {@link TreeEnsemble}.
 * Splits go left when `x <= threshold`. Missing values follow the split's missing type: NaN →
 * the default direction; None → NaN is treated as 0; Zero → 0 and NaN go the default direction
 * (converted only where that is also where 0 would go, which ONNX can express).
 */
export function readLightgbmText(text: string, source: string): TreeEnsemble {
  if (!text.startsWith('tree\n') && !text.startsWith('tree\r\n')) {
    throw new ModelFormatError(`${source} is not a LightGBM text model (it does not start with 'tree')`, {
      fix: "save it with booster.save_model('model.txt'), or pass the right --from",
    });
  }
  const blocks = text.split(/\r?\n\r?\n/);
  const header = keyValues(blocks[0]!);
  const objectiveLine = (header.objective ?? '').split(' ');
  const objective = objectiveLine[0] ?? '';
  const spec = LINKS[objective];
  if (!spec || objectiveLine.includes('multiclassova')) {
    throw new UsageError(`${source}: LightGBM objective '${header.objective ?? ''}' is not supported`, {
      fix: `supported objectives: ${LIGHTGBM_OBJECTIVES.join(', ')}`,
    });
  }
  const sigmoid = Number(objectiveLine.find((p) => p.startsWith('sigmoid:'))?.slice(8) ?? 1);
  const perIteration = Number(header.num_tree_per_iteration ?? 1);
  const numFeatures = Number(header.max_feature_idx) + 1;
  if (!Number.isInteger(numFeatures) || numFeatures < 1) {
    throw new ModelFormatError(`${source}: max_feature_idx is missing or not a number`);
  }
  const trees: Tree[] = [];
  for (const block of blocks) {
    if (!/^Tree=\d+/.test(block.trimStart())) continue;
    const tree = readTree(keyValues(block), trees.length % perIteration, `${source} tree ${trees.length}`);
    // binary's sigmoid:σ scales the margin; scaling the leaves keeps the link a plain Sigmoid.
    if (spec.task === 'binary' && sigmoid !== 1) tree.weight = sigmoid;
    trees.push(tree);
  }
  if (trees.length === 0) throw new ModelFormatError(`${source}: no trees found`);
  const numTargets = spec.task === 'multiclass' ? Number(header.num_class) : 1;
  return {
    numFeatures,
    numTargets,
    trees,
    baseMargin: new Array<number>(numTargets).fill(0),
    link: spec.link,
    task: spec.task,
    comparison: 'leq',
    objective: header.objective ?? objective,
  };
}

function keyValues(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/**
 * LightGBM stores internal nodes 0..n-2 and leaves separately; a child < 0 is leaf ~child. We lay
 * them out as one array: internal nodes first, then leaf k at index (n-1) + k.
 */
function readTree(kv: Record<string, string>, target: number, where: string): Tree {
  const leaves = Number(kv.num_leaves);
  const leafValues = list(kv.leaf_value, where, 'leaf_value');
  if (leaves === 1) {
    return {
      feature: [0],
      threshold: [0],
      left: [-1],
      right: [-1],
      defaultLeft: [0],
      value: leafValues,
      target,
    };
  }
  const internal = leaves - 1;
  const feature = list(kv.split_feature, where, 'split_feature');
  const threshold = list(kv.threshold, where, 'threshold');
  const decision = list(kv.decision_type, where, 'decision_type');
  const leftRaw = list(kv.left_child, where, 'left_child');
  const rightRaw = list(kv.right_child, where, 'right_child');
  if (
    [feature, threshold, decision, leftRaw, rightRaw].some((a) => a.length !== internal) ||
    leafValues.length !== leaves
  ) {
    throw new ModelFormatError(`${where}: node arrays do not match num_leaves=${leaves}`);
  }
  const size = internal + leaves;
  const at = (child: number) => (child < 0 ? internal + ~child : child);
  const tree = {
    feature: new Array<number>(size).fill(0),
    threshold: new Array<number>(size).fill(0),
    left: new Array<number>(size).fill(-1),
    right: new Array<number>(size).fill(-1),
    defaultLeft: new Array<number>(size).fill(0),
    value: new Array<number>(size).fill(0),
    target,
  };
  for (let i = 0; i < internal; i++) {
    const type = decision[i]!;
    if (type & CATEGORICAL) {
      throw new UsageError(`${where}: node ${i} is a categorical split, which we do not convert yet`, {
        fix: 'train with numeric (one-hot) features instead of categorical_feature',
      });
    }
    const missing = (type >> 2) & 3;
    const zeroGoesLeft = 0 <= threshold[i]!;
    let nanLeft = zeroGoesLeft; // missing type None: NaN is treated as 0
    if (missing === MISSING_NAN) nanLeft = (type & DEFAULT_LEFT) !== 0;
    if (missing === MISSING_ZERO) {
      nanLeft = (type & DEFAULT_LEFT) !== 0;
      if (nanLeft !== zeroGoesLeft) {
        throw new UsageError(`${where}: node ${i} sends 0 to its default side, which ONNX cannot express`, {
          fix: 'train with use_missing=true and zero_as_missing=false',
        });
      }
    }
    tree.feature[i] = feature[i]!;
    tree.threshold[i] = float32AtMost(threshold[i]!);
    tree.left[i] = at(leftRaw[i]!);
    tree.right[i] = at(rightRaw[i]!);
    tree.defaultLeft[i] = nanLeft ? 1 : 0;
  }
  for (let k = 0; k < leaves; k++) tree.value[internal + k] = leafValues[k]!;
  return tree;
}

/**
 * The largest float32 ≤ t. LightGBM compares a float32 feature with a double threshold; ONNX holds
 * float32 thresholds, and x ≤ t ⇔ x ≤ float32AtMost(t) for every float32 x, so splits stay exact.
 */
export function float32AtMost(t: number): number {
  const f = Math.fround(t);
  if (f <= t || !Number.isFinite(t)) return f;
  const bits = new Int32Array(new Float32Array([f]).buffer);
  if (f === 0)
    bits[0] = -2147483647; // −(smallest subnormal)
  else bits[0]! += f > 0 ? -1 : 1;
  return new Float32Array(bits.buffer)[0]!;
}

function list(raw: string | undefined, where: string, key: string): number[] {
  if (raw === undefined) throw new ModelFormatError(`${where}: '${key}' is missing`);
  const values = raw.trim().split(/\s+/).map(Number);
  if (values.some((v) => Number.isNaN(v)))
    throw new ModelFormatError(`${where}: '${key}' holds a non-number`);
  return values;
}
