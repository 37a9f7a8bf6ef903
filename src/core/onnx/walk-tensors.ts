import type { GraphProto, ModelProto, TensorProto } from 'onnx-buf';

/**
 * Every graph of a model: the main graph, then subgraphs of control-flow nodes (If, Loop, Scan),
 * depth first, then training and local function bodies' subgraphs. Passes that rewrite tensors or
 * names must visit subgraphs too, or a Loop body keeps the old data.
 */
export function* allGraphs(model: ModelProto): Generator<GraphProto> {
  if (model.graph) yield* graphAndSubgraphs(model.graph);
  for (const info of model.trainingInfo) {
    if (info.initialization) yield* graphAndSubgraphs(info.initialization);
    if (info.algorithm) yield* graphAndSubgraphs(info.algorithm);
  }
  for (const fn of model.functions) {
    for (const node of fn.node) {
      for (const attr of node.attribute) {
        if (attr.g) yield* graphAndSubgraphs(attr.g);
        for (const g of attr.graphs) yield* graphAndSubgraphs(g);
      }
    }
  }
}

/** A graph and the subgraphs held in its nodes' attributes, depth first. */
export function* graphAndSubgraphs(graph: GraphProto): Generator<GraphProto> {
  yield graph;
  for (const node of graph.node) {
    for (const attr of node.attribute) {
      if (attr.g) yield* graphAndSubgraphs(attr.g);
      for (const g of attr.graphs) yield* graphAndSubgraphs(g);
    }
  }
}

/**
 * Every TensorProto that carries weights: initializers (dense and the values of sparse ones) and,
 * with `attributes`, tensors inside node attributes (Constant's `value`).
 */
export function* allTensors(
  model: ModelProto,
  options: { attributes?: boolean } = {},
): Generator<TensorProto> {
  for (const graph of allGraphs(model)) {
    yield* graph.initializer;
    for (const sparse of graph.sparseInitializer) if (sparse.values) yield sparse.values;
    if (!options.attributes) continue;
    for (const node of graph.node) {
      for (const attr of node.attribute) {
        if (attr.t) yield attr.t;
        yield* attr.tensors;
      }
    }
  }
}
