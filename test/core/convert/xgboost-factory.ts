/** A minimal XGBoost JSON document (the shape booster.save_model writes), for tests. */
export interface TreeSpec {
  split_indices: number[];
  split_conditions: number[];
  left_children: number[];
  right_children: number[];
  default_left: number[];
}

/** One split on `feature` at `threshold`, leaves `low` (x < threshold) and `high`; NaN goes left when `missingLeft`. */
export function stump(
  feature: number,
  threshold: number,
  low: number,
  high: number,
  missingLeft = true,
): TreeSpec {
  return {
    split_indices: [feature, 0, 0],
    split_conditions: [threshold, low, high],
    left_children: [1, -1, -1],
    right_children: [2, -1, -1],
    default_left: [missingLeft ? 1 : 0, 0, 0],
  };
}

export function makeXgboostDocument(
  options: {
    objective?: string;
    baseScore?: string;
    numClass?: number;
    numFeature?: number;
    trees?: TreeSpec[];
    treeInfo?: number[];
    booster?: string;
  } = {},
): Record<string, unknown> {
  const trees = options.trees ?? [stump(0, 0.5, -1, 1)];
  return {
    version: [1, 7, 4],
    learner: {
      objective: { name: options.objective ?? 'binary:logistic' },
      learner_model_param: {
        base_score: options.baseScore ?? '5E-1',
        num_class: String(options.numClass ?? 0),
        num_feature: String(options.numFeature ?? 2),
        num_target: '1',
      },
      gradient_booster: {
        name: options.booster ?? 'gbtree',
        model: {
          trees: trees.map((t, id) => ({ id, ...t, base_weights: t.split_conditions })),
          tree_info: options.treeInfo ?? trees.map(() => 0),
        },
      },
    },
  };
}
