import { create } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProto_DataType as DataType,
  type GraphProto,
  type NodeProto,
} from 'onnx-buf';
import { UsageError } from '../errors.js';
import { makeNode, makeTensor, typeString, type ModelProto } from '../onnx/index.js';
import { cloneModel, defaultOpset } from './graph-tools.js';

const FLOATS = new Set<number>([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16]);
const LABELS = new Set<number>([
  DataType.INT64,
  DataType.INT32,
  DataType.INT8,
  DataType.UINT8,
  DataType.BOOL,
]);

/** How each output was combined. */
export interface EnsembleInfo {
  averaged: string[];
  voted: string[];
}

/**
 * Merges models with one signature into one graph that feeds the shared inputs to every member
 * (their names prefixed `m0_`, `m1_` …) and combines each output: floating-point outputs
 * (regression values, probabilities) are averaged with Mean, integer outputs (labels) go to a
 * majority vote — the label most members agree with, the earliest member's on a tie.
 */
export function mergeEnsemble(models: readonly ModelProto[]): { model: ModelProto; info: EnsembleInfo } {
  if (models.length < 2) {
    throw new UsageError(`an ensemble needs at least 2 models, got ${models.length}`, {
      fix: 'give two or more models',
    });
  }
  const first = cloneModel(models[0]!).graph!;
  const signature = (g: GraphProto) =>
    [...g.input.filter((i) => !g.initializer.some((t) => t.name === i.name)), ...g.output]
      .map((v) => `${v.name}:${typeString(v.type)}`)
      .join(',');
  const opset = defaultOpset(models[0]!);
  models.forEach((m, i) => {
    if (signature(m.graph!) !== signature(first)) {
      throw new UsageError(`ensemble member ${i} has another signature than member 0`, {
        fix: `members need the same input and output names and types (${signature(first)})`,
      });
    }
    if (defaultOpset(m) !== opset) {
      throw new UsageError(`ensemble member ${i} uses opset ${defaultOpset(m)}, member 0 opset ${opset}`, {
        fix: 'export the members with one opset',
      });
    }
  });
  const inputs = first.input.filter((i) => !first.initializer.some((t) => t.name === i.name));
  const shared = new Set(inputs.map((i) => i.name));
  const graph = create(GraphProtoSchema, { name: 'ensemble', input: inputs.map((i) => i) });
  models.forEach((m, i) => appendMember(graph, cloneModel(m).graph!, `m${i}_`, shared));

  const info: EnsembleInfo = { averaged: [], voted: [] };
  const axes = (name: string, values: number[]) =>
    makeTensor(name, BigInt64Array.from(values.map(BigInt)), [values.length]);
  for (const output of first.output) {
    const type = output.type?.value.case === 'tensorType' ? output.type.value.value.elemType : undefined;
    const members = models.map((_, i) => `m${i}_${output.name}`);
    if (type !== undefined && FLOATS.has(type)) {
      graph.node.push(makeNode('Mean', members, [output.name], {}, { name: `ensemble_mean_${output.name}` }));
      info.averaged.push(output.name);
    } else if (type !== undefined && LABELS.has(type)) {
      graph.node.push(...voteNodes(output.name, members, opset, graph, axes));
      info.voted.push(output.name);
    } else {
      throw new UsageError(
        `output '${output.name}' is ${typeString(output.type)}, which cannot be averaged or voted`,
        {
          fix: 'ensemble models whose outputs are float tensors (values, probabilities) or integer labels',
        },
      );
    }
    graph.output.push(output);
  }
  const opsets = new Map<string, bigint>();
  for (const m of models)
    for (const o of m.opsetImport) {
      const domain = o.domain === 'ai.onnx' ? '' : o.domain;
      if ((opsets.get(domain) ?? -1n) < o.version) opsets.set(domain, o.version);
    }
  const model = create(ModelProtoSchema, {
    irVersion: models.reduce((v, m) => (m.irVersion > v ? m.irVersion : v), 0n),
    producerName: 'modelops',
    opsetImport: [...opsets].map(([domain, version]) =>
      create(OperatorSetIdProtoSchema, { domain, version }),
    ),
    graph,
    docString: `ensemble of ${models.length} models`,
  });
  return { model, info };
}

/** Copies a member's nodes, initializers and value_info in, every name but the shared inputs prefixed. */
function appendMember(
  target: GraphProto,
  member: GraphProto,
  prefix: string,
  shared: ReadonlySet<string>,
): void {
  const rename = (name: string) => (name === '' || shared.has(name) ? name : prefix + name);
  const renameGraph = (g: GraphProto, outer: ReadonlySet<string>): void => {
    // Inside a subgraph, its own names are local; only names from the enclosing graphs are renamed.
    const local = new Set<string>([...g.input.map((v) => v.name), ...g.initializer.map((t) => t.name)]);
    for (const n of g.node) for (const o of n.output) local.add(o);
    const map = (name: string) => (local.has(name) || !outer.has(name) ? name : rename(name));
    for (const n of g.node) {
      n.input = n.input.map(map);
      for (const a of n.attribute)
        for (const sub of a.g ? [a.g, ...a.graphs] : a.graphs) renameGraph(sub, outer);
    }
    for (const o of g.output) o.name = map(o.name);
  };
  const memberNames = new Set<string>([
    ...member.initializer.map((t) => t.name),
    ...member.node.flatMap((n) => n.output),
  ]);
  for (const node of member.node) {
    node.input = node.input.map(rename);
    node.output = node.output.map(rename);
    if (node.name) node.name = prefix + node.name;
    for (const a of node.attribute)
      for (const sub of a.g ? [a.g, ...a.graphs] : a.graphs) renameGraph(sub, memberNames);
    target.node.push(node);
  }
  for (const t of member.initializer) {
    t.name = rename(t.name);
    target.initializer.push(t);
  }
  for (const v of member.valueInfo) {
    v.name = rename(v.name);
    target.valueInfo.push(v);
  }
  // A member output that is a shared input itself still needs its prefixed name.
  for (const out of member.output) {
    if (shared.has(out.name))
      target.node.push(
        makeNode('Identity', [out.name], [prefix + out.name], {}, { name: `${prefix}identity_${out.name}` }),
      );
  }
}

/**
 * Majority vote over label tensors of equal shape S: each member's agreement count
 * (Σ_j [l_i = l_j]) is stacked on a new last axis, ArgMax picks the first member with the most
 * agreement, GatherElements takes its label.
 */
function voteNodes(
  output: string,
  members: string[],
  opset: number,
  graph: GraphProto,
  axes: (name: string, values: number[]) => ReturnType<typeof makeTensor>,
): NodeProto[] {
  const p = `ensemble_vote_${output}`;
  const nodes: NodeProto[] = [];
  const unsqueeze = (input: string, out: string): NodeProto => {
    if (opset >= 13) return makeNode('Unsqueeze', [input, `${p}_axes`], [out], {}, { name: `${out}_node` });
    return makeNode('Unsqueeze', [input], [out], { axes: { ints: [-1] } }, { name: `${out}_node` });
  };
  if (opset >= 13) graph.initializer.push(axes(`${p}_axes`, [-1]));
  const counts: string[] = [];
  members.forEach((li, i) => {
    const terms: string[] = [];
    members.forEach((lj, j) => {
      const eq = `${p}_eq_${i}_${j}`;
      nodes.push(makeNode('Equal', [li, lj], [eq], {}, { name: `${eq}_node` }));
      nodes.push(
        makeNode('Cast', [eq], [`${eq}_f`], { to: { int: DataType.FLOAT } }, { name: `${eq}_cast` }),
      );
      terms.push(`${eq}_f`);
    });
    nodes.push(makeNode('Sum', terms, [`${p}_count_${i}`], {}, { name: `${p}_count_${i}_node` }));
    nodes.push(unsqueeze(`${p}_count_${i}`, `${p}_count_${i}_u`));
    nodes.push(unsqueeze(li, `${p}_label_${i}_u`));
    counts.push(`${p}_count_${i}_u`);
  });
  nodes.push(
    makeNode('Concat', counts, [`${p}_counts`], { axis: { int: -1 } }, { name: `${p}_counts_node` }),
  );
  nodes.push(
    makeNode(
      'Concat',
      members.map((_, i) => `${p}_label_${i}_u`),
      [`${p}_labels`],
      { axis: { int: -1 } },
      { name: `${p}_labels_node` },
    ),
  );
  nodes.push(
    makeNode(
      'ArgMax',
      [`${p}_counts`],
      [`${p}_winner`],
      { axis: { int: -1 }, keepdims: { int: 1 } },
      { name: `${p}_argmax` },
    ),
  );
  nodes.push(
    makeNode(
      'GatherElements',
      [`${p}_labels`, `${p}_winner`],
      [`${p}_picked`],
      { axis: { int: -1 } },
      { name: `${p}_gather` },
    ),
  );
  if (opset >= 13)
    nodes.push(makeNode('Squeeze', [`${p}_picked`, `${p}_axes`], [output], {}, { name: `${p}_squeeze` }));
  else
    nodes.push(
      makeNode('Squeeze', [`${p}_picked`], [output], { axes: { ints: [-1] } }, { name: `${p}_squeeze` }),
    );
  return nodes;
}
