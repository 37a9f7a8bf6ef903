/**
 * A small gradient-boosted tree classifier trained in TypeScript and saved in XGBoost's JSON model
 * format, so the demo can convert a tree model without Python: logistic loss, Newton leaf values,
 * splits chosen by XGBoost's gain on quantile candidates. Enough to show `convert --from xgboost`
 * on a model the demo made itself; not a replacement for XGBoost.
 */
export interface BoostedTrees {
  trees: Node[];
  /** Margin added before the sigmoid (base_score 0.5 ↔ margin 0). */
  baseMargin: number;
}

type Node = { leaf: number } | { feature: number; threshold: number; left: Node; right: Node };

export interface TreeOptions {
  trees?: number;
  depth?: number;
  learningRate?: number;
  lambda?: number;
  candidates?: number;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export function trainBoostedTrees(
  rows: number[][],
  labels: number[],
  options: TreeOptions = {},
): BoostedTrees {
  const { trees = 30, depth = 3, learningRate = 0.3, lambda = 1, candidates = 16 } = options;
  const thresholds = candidateThresholds(rows, candidates);
  const margins = new Float64Array(rows.length);
  const model: BoostedTrees = { trees: [], baseMargin: 0 };
  const all = rows.map((_, i) => i);
  for (let t = 0; t < trees; t++) {
    const grad = new Float64Array(rows.length);
    const hess = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const p = sigmoid(margins[i]!);
      grad[i] = p - labels[i]!;
      hess[i] = Math.max(p * (1 - p), 1e-12);
    }
    const grow = (index: number[], level: number): Node => {
      const [g, h] = sums(index, grad, hess);
      const leaf = { leaf: Math.fround((-g / (h + lambda)) * learningRate) };
      if (level === depth || index.length < 4) return leaf;
      let best: { gain: number; feature: number; threshold: number } | undefined;
      for (let f = 0; f < thresholds.length; f++) {
        for (const threshold of thresholds[f]!) {
          const left = index.filter((i) => rows[i]![f]! < threshold);
          if (left.length === 0 || left.length === index.length) continue;
          const [gl, hl] = sums(left, grad, hess);
          const gain =
            (gl * gl) / (hl + lambda) + ((g - gl) * (g - gl)) / (h - hl + lambda) - (g * g) / (h + lambda);
          if (!best || gain > best.gain) best = { gain, feature: f, threshold };
        }
      }
      if (!best || best.gain <= 1e-9) return leaf;
      const { feature, threshold } = best;
      return {
        feature,
        threshold,
        left: grow(
          index.filter((i) => rows[i]![feature]! < threshold),
          level + 1,
        ),
        right: grow(
          index.filter((i) => !(rows[i]![feature]! < threshold)),
          level + 1,
        ),
      };
    };
    const tree = grow(all, 0);
    model.trees.push(tree);
    for (let i = 0; i < rows.length; i++) margins[i] = margins[i]! + leafOf(tree, rows[i]!);
  }
  return model;
}

/** P(class 1) for one row, computed the way XGBoost does: float32 leaves summed, then the sigmoid. */
export function predictProbability(model: BoostedTrees, row: number[]): number {
  let margin = model.baseMargin;
  for (const tree of model.trees) margin += leafOf(tree, row);
  return sigmoid(margin);
}

function leafOf(node: Node, row: number[]): number {
  while (!('leaf' in node)) node = row[node.feature]! < node.threshold ? node.left : node.right;
  return node.leaf;
}

function sums(index: number[], grad: Float64Array, hess: Float64Array): [number, number] {
  let g = 0;
  let h = 0;
  for (const i of index) {
    g += grad[i]!;
    h += hess[i]!;
  }
  return [g, h];
}

/** Per feature, up to `count` distinct float32 thresholds at the data's quantiles. */
function candidateThresholds(rows: number[][], count: number): number[][] {
  const features = rows[0]?.length ?? 0;
  return Array.from({ length: features }, (_, f) => {
    const values = rows.map((r) => r[f]!).sort((a, b) => a - b);
    const picks = new Set<number>();
    for (let q = 1; q < count; q++) picks.add(Math.fround(values[Math.floor((q / count) * values.length)]!));
    return [...picks];
  });
}

/** The model as XGBoost's JSON (the document `booster.save_model('model.json')` writes). */
export function toXgboostJson(model: BoostedTrees, features: number): Record<string, unknown> {
  return {
    version: [2, 0, 3],
    learner: {
      objective: { name: 'binary:logistic', reg_loss_param: { scale_pos_weight: '1' } },
      learner_model_param: {
        base_score: '5E-1',
        num_class: '0',
        num_feature: String(features),
        num_target: '1',
      },
      gradient_booster: {
        name: 'gbtree',
        model: {
          gbtree_model_param: { num_trees: String(model.trees.length), num_parallel_tree: '1' },
          trees: model.trees.map((tree, id) => ({ id, ...flatten(tree) })),
          tree_info: model.trees.map(() => 0),
        },
      },
    },
  };
}

/** Breadth-first node arrays, as XGBoost stores a tree; a leaf's value sits in split_conditions. */
function flatten(root: Node) {
  const arrays = {
    left_children: [] as number[],
    right_children: [] as number[],
    split_indices: [] as number[],
    split_conditions: [] as number[],
    default_left: [] as number[],
    base_weights: [] as number[],
  };
  const queue: Node[] = [root];
  for (let id = 0; id < queue.length; id++) {
    const node = queue[id]!;
    if ('leaf' in node) {
      arrays.left_children.push(-1);
      arrays.right_children.push(-1);
      arrays.split_indices.push(0);
      arrays.split_conditions.push(node.leaf);
      arrays.base_weights.push(node.leaf);
    } else {
      arrays.left_children.push(queue.length);
      queue.push(node.left);
      arrays.right_children.push(queue.length);
      queue.push(node.right);
      arrays.split_indices.push(node.feature);
      arrays.split_conditions.push(node.threshold);
      arrays.base_weights.push(0);
    }
    arrays.default_left.push(1);
  }
  return arrays;
}
