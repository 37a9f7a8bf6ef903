import type { GraphProto, ModelProto } from 'onnx-buf';
import { cloneModel, nodeReads } from './graph-tools.js';
import type { OptimizationPass, PassResult } from './pass.js';

/** What {@link removeDeadCode} took out. */
export interface DeadCodeRemoved {
  nodes: number;
  initializers: number;
  valueInfo: number;
}

/**
 * Removes, in place, nodes whose outputs no graph output needs (transitively), initializers
 * nobody reads, and value_info of values that no longer exist. Subgraphs' reads of outer names
 * count as reads, so a Loop body keeps what it uses. Exact: the outputs do not change.
 */
export function removeDeadCode(graph: GraphProto): DeadCodeRemoved {
  const needed = new Set(graph.output.map((o) => o.name));
  const keep = new Array<boolean>(graph.node.length).fill(false);
  for (let i = graph.node.length - 1; i >= 0; i--) {
    const node = graph.node[i]!;
    if (!node.output.some((o) => o !== '' && needed.has(o))) continue;
    keep[i] = true;
    for (const name of nodeReads(node)) needed.add(name);
  }
  const nodesBefore = graph.node.length;
  graph.node = graph.node.filter((_, i) => keep[i]);
  const initializersBefore = graph.initializer.length;
  const wasInitialized = new Set(graph.initializer.map((t) => t.name));
  graph.initializer = graph.initializer.filter((t) => needed.has(t.name));
  const initialized = new Set(graph.initializer.map((t) => t.name));
  // Real inputs are the signature and stay; IR < 4 also lists initializers as inputs: those go with them.
  graph.input = graph.input.filter((i) => !wasInitialized.has(i.name) || initialized.has(i.name));
  const defined = new Set<string>([
    ...graph.input.map((i) => i.name),
    ...initialized,
    ...graph.node.flatMap((n) => n.output),
  ]);
  const valueInfoBefore = graph.valueInfo.length;
  graph.valueInfo = graph.valueInfo.filter((v) => defined.has(v.name));
  return {
    nodes: nodesBefore - graph.node.length,
    initializers: initializersBefore - graph.initializer.length,
    valueInfo: valueInfoBefore - graph.valueInfo.length,
  };
}

/** `dead-code`: nodes no output needs and unused initializers, removed. */
export const deadCodePass: OptimizationPass = {
  name: 'dead-code',
  summary: 'remove nodes no output needs, unused initializers and stale value_info (exact)',
  exactTolerance: 0,
  apply(model: ModelProto): PassResult {
    const copy = cloneModel(model);
    const removed = removeDeadCode(copy.graph!);
    if (removed.nodes + removed.initializers + removed.valueInfo === 0) {
      return { kind: 'skipped', reason: 'no dead nodes or unused initializers' };
    }
    return {
      kind: 'changed',
      model: copy,
      notes: [
        `removed ${removed.nodes} node(s), ${removed.initializers} initializer(s), ${removed.valueInfo} value_info`,
      ],
    };
  },
};
