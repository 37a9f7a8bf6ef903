import { clone } from '@bufbuild/protobuf';
import { ModelProtoSchema, type GraphProto, type ModelProto, type NodeProto } from 'onnx-buf';

/** A deep copy: passes build on it so the caller's model is never modified. */
export function cloneModel(model: ModelProto): ModelProto {
  return clone(ModelProtoSchema, model);
}

/** The default-domain opset the model imports (1 when none, as ONNX defines). */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry ? Number(entry.version) : 1;
}

/** Every name a graph or its subgraphs mention, so new names never collide with any of them. */
export function takenNames(graph: GraphProto, into = new Set<string>()): Set<string> {
  for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) into.add(v.name);
  for (const t of graph.initializer) into.add(t.name);
  for (const node of graph.node) {
    for (const name of [...node.input, ...node.output, node.name]) into.add(name);
    for (const attr of node.attribute) {
      if (attr.g) takenNames(attr.g, into);
      for (const g of attr.graphs) takenNames(g, into);
    }
  }
  return into;
}

/** Hands out fresh names: `base`, else `base_1`, `base_2` … */
export function nameMaker(graph: GraphProto): (base: string) => string {
  const taken = takenNames(graph);
  return (base) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
}

/**
 * Names a node reads: its inputs plus, for control-flow nodes, the outer names its subgraphs use
 * (a Loop body may read an initializer of the enclosing graph without listing it as an input).
 */
export function nodeReads(node: NodeProto): string[] {
  const reads = node.input.filter((n) => n !== '');
  for (const attr of node.attribute) {
    for (const g of attr.g ? [attr.g, ...attr.graphs] : attr.graphs) reads.push(...outerReads(g));
  }
  return reads;
}

/** Names a subgraph reads that it does not define itself. */
function outerReads(graph: GraphProto): string[] {
  const defined = new Set<string>([
    ...graph.input.map((v) => v.name),
    ...graph.initializer.map((t) => t.name),
  ]);
  const reads: string[] = [];
  for (const node of graph.node) {
    for (const name of nodeReads(node)) if (!defined.has(name)) reads.push(name);
    for (const out of node.output) defined.add(out);
  }
  for (const out of graph.output) if (!defined.has(out.name)) reads.push(out.name);
  return reads;
}

/** Node that produces each value. */
export function producers(graph: GraphProto): Map<string, NodeProto> {
  const map = new Map<string, NodeProto>();
  for (const node of graph.node) for (const out of node.output) if (out !== '') map.set(out, node);
  return map;
}

/** Nodes that read each value (directly or through a subgraph). */
export function consumers(graph: GraphProto): Map<string, NodeProto[]> {
  const map = new Map<string, NodeProto[]>();
  for (const node of graph.node) {
    for (const name of new Set(nodeReads(node))) {
      const list = map.get(name);
      if (list) list.push(node);
      else map.set(name, [node]);
    }
  }
  return map;
}
