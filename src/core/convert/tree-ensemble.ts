/**
 * A boosted tree ensemble in a source-neutral shape: what the XGBoost and LightGBM readers produce
 * and what {@link buildTreeEnsembleModel} turns into ONNX.
 */

/** How the summed margin becomes the model's output. */
export type Link = 'identity' | 'logistic' | 'exp' | 'softmax';

/** What the model predicts; decides the ONNX outputs. */
export type EnsembleTask = 'regression' | 'binary' | 'multiclass';

/**
 * One tree as parallel arrays indexed by node. A node is a leaf when `left[i] < 0`. Splits go left
 * when `x[feature] < threshold` (XGBoost) or `x[feature] <= threshold` (LightGBM, `comparison`);
 * a missing value (NaN) goes left when `defaultLeft[i]`.
 */
export interface Tree {
  feature: ArrayLike<number>;
  threshold: ArrayLike<number>;
  left: ArrayLike<number>;
  right: ArrayLike<number>;
  defaultLeft: ArrayLike<boolean | number>;
  /** Leaf values (read only where the node is a leaf). */
  value: ArrayLike<number>;
  /** Output column (class of a multiclass model) this tree adds to. */
  target: number;
  /** Multiplies every leaf value (DART's weight_drop); default 1. */
  weight?: number;
}

export interface TreeEnsemble {
  numFeatures: number;
  /** Columns of the margin: classes of a multiclass model, else 1 (or the number of targets). */
  numTargets: number;
  trees: Tree[];
  /** Added to each margin column before the link (base_score in margin space). */
  baseMargin: number[];
  link: Link;
  task: EnsembleTask;
  /** `<` (XGBoost) or `<=` (LightGBM). */
  comparison: 'lt' | 'leq';
  /** The source's own name for the objective, for the model's metadata and messages. */
  objective: string;
}
