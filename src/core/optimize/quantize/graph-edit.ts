import { clone } from '@bufbuild/protobuf';
import {
  ModelProtoSchema,
  TensorProto_DataType,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from 'onnx-buf';
import { isExternal } from '../../onnx/index.js';

/** A deep copy, so a pass never modifies the caller's model. */
export function cloneModel(model: ModelProto): ModelProto {
  return clone(ModelProtoSchema, model);
}

/** The default-domain opset the model imports (1 when it imports none, as ONNX defines). */
export function defaultOpset(model: ModelProto): number {
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  return entry ? Number(entry.version) : 1;
}

/** Hands out names no value, initializer or node of the graph (or its subgraphs) uses yet. */
export class NameScope {
  private readonly taken = new Set<string>();

  constructor(graph: GraphProto) {
    const visit = (g: GraphProto): void => {
      for (const v of [...g.input, ...g.output, ...g.valueInfo]) this.taken.add(v.name);
      for (const t of g.initializer) this.taken.add(t.name);
      for (const node of g.node) {
        for (const name of [...node.input, ...node.output, node.name]) this.taken.add(name);
        for (const attr of node.attribute) {
          if (attr.g) visit(attr.g);
          attr.graphs.forEach(visit);
        }
      }
    };
    visit(graph);
  }

  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name); i++) name = `${base}_${i}`;
    this.taken.add(name);
    return name;
  }
}

/** How many times each name is read: node inputs here and in subgraphs, plus graph outputs. */
export function useCounts(graph: GraphProto): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (name: string): void => {
    if (name !== '') counts.set(name, (counts.get(name) ?? 0) + 1);
  };
  const visit = (g: GraphProto): void => {
    for (const node of g.node) {
      node.input.forEach(add);
      for (const attr of node.attribute) {
        if (attr.g) visit(attr.g);
        attr.graphs.forEach(visit);
      }
    }
  };
  visit(graph);
  graph.output.forEach((o) => add(o.name));
  return counts;
}

/** Removes the named initializers (and their IR<4 graph-input entries) when nothing reads them any more. */
export function dropUnused(graph: GraphProto, names: Iterable<string>): void {
  const counts = useCounts(graph);
  const initialized = new Set(graph.initializer.map((t) => t.name));
  const drop = new Set([...names].filter((n) => initialized.has(n) && !counts.get(n)));
  graph.initializer = graph.initializer.filter((t) => !drop.has(t.name));
  graph.input = graph.input.filter((v) => !drop.has(v.name));
}

export function attrInt(node: NodeProto, name: string, fallback: number): number {
  const attr = node.attribute.find((a) => a.name === name);
  return attr ? Number(attr.i) : fallback;
}

export function attrFloat(node: NodeProto, name: string, fallback: number): number {
  const attr = node.attribute.find((a) => a.name === name);
  return attr ? attr.f : fallback;
}

/** Kinds of node whose weight input the int8 passes quantize. */
export type WeightOp = 'MatMul' | 'Gemm' | 'Conv';

/** A node reading a constant float weight as its second input. */
export interface WeightUse {
  node: NodeProto;
  op: WeightOp;
  weight: TensorProto;
  /**
   * The output-channel axis of the weight: per-channel quantization keeps one scale along it.
   * Undefined where only one scale works: batched (3-D+) MatMul weights, whose per-column zero
   * points onnxruntime's fused integer MatMul rejects.
   */
  axis: number | undefined;
}

/**
 * Nodes of the main graph whose second input is a float initializer that callers cannot override
 * (not also a graph input) and whose data is loaded: the weights the int8 passes can store as int8.
 */
export function findWeightUses(graph: GraphProto, ops: readonly WeightOp[]): WeightUse[] {
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const inputs = new Set(graph.input.map((v) => v.name));
  const uses: WeightUse[] = [];
  for (const node of graph.node) {
    const op = node.opType as WeightOp;
    if ((node.domain !== '' && node.domain !== 'ai.onnx') || !ops.includes(op)) continue;
    const weight = initializers.get(node.input[1] ?? '');
    if (!weight || inputs.has(weight.name) || isExternal(weight)) continue;
    if (weight.dataType !== TensorProto_DataType.FLOAT) continue;
    const rank = weight.dims.length;
    if (op === 'MatMul' && rank >= 2) uses.push({ node, op, weight, axis: rank === 2 ? 1 : undefined });
    if (op === 'Gemm' && rank === 2)
      uses.push({ node, op, weight, axis: attrInt(node, 'transB', 0) ? 0 : 1 });
    if (op === 'Conv' && rank >= 3) uses.push({ node, op, weight, axis: 0 });
  }
  return uses;
}

/** Bytes the tensors' data takes (what the int8 passes shrink). */
export function tensorBytes(tensors: Iterable<TensorProto>): number {
  let total = 0;
  for (const t of tensors) total += t.rawData.length || t.floatData.length * 4;
  return total;
}
