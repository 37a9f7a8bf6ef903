import type { GraphProto, ModelProto } from 'onnx-buf';

/**
 * Structural problems that make a model unloadable or wrong, found without running it: no graph,
 * no IR version, nodes out of topological order or reading undefined values, values produced
 * twice, graph outputs nobody produces, and operator domains without an opset import. Returns one
 * line per problem; an empty list means the structure is sound (operator semantics are not checked).
 */
export function checkModel(model: ModelProto): string[] {
  const problems: string[] = [];
  if (model.irVersion === 0n) problems.push('ir_version is not set');
  if (!model.graph) return [...problems, 'model has no graph'];

  const imported = new Map<string, number>();
  for (const opset of model.opsetImport) {
    const domain = normalizeDomain(opset.domain);
    if (imported.has(domain)) problems.push(`opset for domain '${domain}' is imported twice`);
    imported.set(domain, Number(opset.version));
  }
  // Nodes may call model-local functions; their domains need an import like any operator's.
  const usedDomains = new Set<string>();
  checkGraph(model.graph, new Set(), problems, usedDomains, 'graph');
  for (const domain of usedDomains) {
    if (!imported.has(domain))
      problems.push(`operators of domain '${domain || 'ai.onnx'}' are used but no opset is imported for it`);
  }
  return problems;
}

function checkGraph(
  graph: GraphProto,
  outer: Set<string>,
  problems: string[],
  domains: Set<string>,
  where: string,
): void {
  const defined = new Set(outer);
  const local = new Set<string>();
  const define = (name: string, what: string): void => {
    if (name === '') return;
    if (local.has(name)) problems.push(`${where}: '${name}' is defined twice (${what})`);
    local.add(name);
    defined.add(name);
  };
  const initializers = new Set(graph.initializer.map((t) => t.name));
  for (const input of graph.input) {
    // IR < 4 lists every initializer among the inputs too; that is not a second definition.
    if (!initializers.has(input.name)) define(input.name, 'graph input');
  }
  for (const name of initializers) define(name, 'initializer');
  for (const sparse of graph.sparseInitializer)
    if (sparse.values) define(sparse.values.name, 'sparse initializer');

  graph.node.forEach((node, index) => {
    const label = `${where}: node ${index} (${node.opType}${node.name ? ` '${node.name}'` : ''})`;
    domains.add(normalizeDomain(node.domain));
    for (const input of node.input) {
      if (input !== '' && !defined.has(input)) {
        problems.push(`${label} reads '${input}', which no graph input, initializer or earlier node defines`);
      }
    }
    for (const attr of node.attribute) {
      // Subgraphs see every name defined so far in the enclosing graphs.
      if (attr.g) checkGraph(attr.g, defined, problems, domains, `${label}.${attr.name}`);
      attr.graphs.forEach((g, i) => checkGraph(g, defined, problems, domains, `${label}.${attr.name}[${i}]`));
    }
    for (const output of node.output) define(output, `output of ${node.opType}`);
  });

  for (const output of graph.output) {
    if (!defined.has(output.name))
      problems.push(`${where}: output '${output.name}' is not produced by any node, input or initializer`);
  }
}

/** 'ai.onnx' and '' name the same default domain. */
function normalizeDomain(domain: string): string {
  return domain === 'ai.onnx' ? '' : domain;
}
