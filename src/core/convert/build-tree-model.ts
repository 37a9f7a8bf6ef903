import { buildModel, makeNode, type ModelProto, type NodeProto } from '../onnx/index.js';
import { modelHead } from './model-head.js';
import type { Tree, TreeEnsemble } from './tree-ensemble.js';

/** Names of the graph's input and outputs, shared by every converter so evaluate finds them. */
export const GRAPH_INPUT = 'input';
export const ML_DOMAIN = 'ai.onnx.ml';

/**
 * Builds the ONNX model of a tree ensemble. The trees become one ai.onnx.ml TreeEnsembleRegressor
 * that computes the raw margin (n_targets columns); the link is then
 * plain ONNX operators. Why not TreeEnsembleClassifier: its two-class behaviour is underspecified
 * (onnxruntime picks the label threshold from the sign of the leaf weights), whereas Sigmoid,
 * Softmax and ArgMax are exact and the same in every runtime.
 *
 * Outputs: see {@link modelHead}.
 */
export function buildTreeEnsembleModel(ensemble: TreeEnsemble, metadata: Record<string, string>): ModelProto {
  const head = modelHead('margin', { task: ensemble.task, link: ensemble.link, width: ensemble.numTargets });
  return buildModel({
    inputs: [{ name: GRAPH_INPUT, elementType: 'float', shape: ['N', ensemble.numFeatures] }],
    outputs: head.outputs,
    nodes: [treeNode(ensemble, 'margin'), ...head.nodes],
    initializers: head.initializers,
    opsets: { '': 17, [ML_DOMAIN]: 3 },
    graphName: 'tree_ensemble',
    metadata,
  });
}

/** The attribute arrays of one TreeEnsembleRegressor, filled tree by tree. */
class RegressorArrays {
  treeIds: number[] = [];
  nodeIds: number[] = [];
  featureIds: number[] = [];
  modes: string[] = [];
  values: number[] = [];
  trueIds: number[] = [];
  falseIds: number[] = [];
  missingTrue: number[] = [];
  targetTree: number[] = [];
  targetNode: number[] = [];
  targetIds: number[] = [];
  targetWeights: number[] = [];
}

function treeNode(ensemble: TreeEnsemble, output: string): NodeProto {
  const arrays = new RegressorArrays();
  const branch = ensemble.comparison === 'lt' ? 'BRANCH_LT' : 'BRANCH_LEQ';
  // The base margin is a one-leaf tree per target, ahead of the real trees, rather than
  // base_values: XGBoost starts each row's float32 sum at the base score and adds the trees in
  // order, and onnxruntime sums trees in order too, so the rounding matches tree for tree.
  const bases: Tree[] = ensemble.baseMargin.map((margin, target) => constantTree(margin, target));
  [...bases, ...ensemble.trees].forEach((tree, treeId) => addTree(arrays, tree, treeId, branch));
  return makeNode(
    'TreeEnsembleRegressor',
    [GRAPH_INPUT],
    [output],
    {
      n_targets: { int: ensemble.numTargets },
      aggregate_function: 'SUM',
      post_transform: 'NONE',
      nodes_treeids: { ints: arrays.treeIds },
      nodes_nodeids: { ints: arrays.nodeIds },
      nodes_featureids: { ints: arrays.featureIds },
      nodes_modes: { strings: arrays.modes },
      nodes_values: { floats: arrays.values },
      nodes_truenodeids: { ints: arrays.trueIds },
      nodes_falsenodeids: { ints: arrays.falseIds },
      nodes_missing_value_tracks_true: { ints: arrays.missingTrue },
      target_treeids: { ints: arrays.targetTree },
      target_nodeids: { ints: arrays.targetNode },
      target_ids: { ints: arrays.targetIds },
      target_weights: { floats: arrays.targetWeights },
    },
    { domain: ML_DOMAIN, name: 'trees' },
  );
}

function constantTree(value: number, target: number): Tree {
  return { feature: [0], threshold: [0], left: [-1], right: [-1], defaultLeft: [0], value: [value], target };
}

/**
 * Adds the nodes reachable from the root, renumbered 0.. in visiting order: sources keep deleted
 * (pruned) nodes in their arrays, and onnxruntime wants every listed node to be part of the tree.
 */
function addTree(arrays: RegressorArrays, tree: Tree, treeId: number, branch: string): void {
  const order: number[] = [0];
  const local = new Map<number, number>([[0, 0]]);
  const visit = (source: number): number => {
    let id = local.get(source);
    if (id === undefined) {
      id = order.length;
      local.set(source, id);
      order.push(source);
    }
    return id;
  };
  const weight = tree.weight ?? 1;
  for (let k = 0; k < order.length; k++) {
    const source = order[k]!;
    arrays.treeIds.push(treeId);
    arrays.nodeIds.push(k);
    if (tree.left[source]! < 0) {
      arrays.featureIds.push(0);
      arrays.modes.push('LEAF');
      arrays.values.push(0);
      arrays.trueIds.push(0);
      arrays.falseIds.push(0);
      arrays.missingTrue.push(0);
      arrays.targetTree.push(treeId);
      arrays.targetNode.push(k);
      arrays.targetIds.push(tree.target);
      arrays.targetWeights.push(tree.value[source]! * weight);
    } else {
      arrays.featureIds.push(tree.feature[source]!);
      arrays.modes.push(branch);
      arrays.values.push(tree.threshold[source]!);
      arrays.trueIds.push(visit(tree.left[source]!));
      arrays.falseIds.push(visit(tree.right[source]!));
      arrays.missingTrue.push(tree.defaultLeft[source] ? 1 : 0);
    }
  }
}
