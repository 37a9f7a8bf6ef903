import { TensorProto_DataType as DataType, type GraphProto, type NodeProto } from 'onnx-buf';

const BOOL_OUTPUT = new Set([
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'IsNaN',
  'IsInf',
]);
const INT64_OUTPUT = new Set(['Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero', 'NonMaxSuppression']);
const INT32_OUTPUT = new Set(['MatMulInteger', 'ConvInteger']);
/** Ops whose output takes the type of the input at this index (not the first). */
const TYPE_FROM_INPUT: Record<string, number> = { Where: 1, DequantizeLinear: 1 };

/**
 * Element types (TensorProto.DataType codes) of the graph's values, as far as they can be told
 * without shapes: declared inputs, initializers and value_info, then propagated node by node with
 * the rules of the common operators (most keep their first input's type). Values whose type cannot
 * be told are absent, and callers treat them as unknown rather than guess.
 */
export function inferElementTypes(
  graph: GraphProto,
  outer?: ReadonlyMap<string, number>,
): Map<string, number> {
  const types = new Map<string, number>(outer ?? []);
  const declare = (name: string, type: { value: { case?: string; value?: unknown } } | undefined) => {
    if (type?.value.case === 'tensorType')
      types.set(name, (type.value.value as { elemType: number }).elemType);
  };
  for (const v of [...graph.input, ...graph.valueInfo, ...graph.output]) declare(v.name, v.type);
  for (const t of graph.initializer) types.set(t.name, t.dataType);
  for (const node of graph.node) {
    node.output.forEach((out, index) => {
      if (out === '' || types.has(out)) return;
      const type = outputType(node, index, types);
      if (type !== undefined) types.set(out, type);
    });
  }
  return types;
}

function outputType(node: NodeProto, index: number, types: ReadonlyMap<string, number>): number | undefined {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  const op = node.opType;
  const attr = (name: string) => node.attribute.find((a) => a.name === name);
  if (op === 'Cast') return Number(attr('to')?.i ?? 0) || undefined;
  if (op === 'CastLike') return types.get(node.input[1] ?? '');
  if (op === 'Constant')
    return attr('value')?.t?.dataType ?? (attr('value_float') ? DataType.FLOAT : undefined);
  if (op === 'ConstantOfShape') return attr('value')?.t?.dataType ?? DataType.FLOAT;
  if (BOOL_OUTPUT.has(op)) return DataType.BOOL;
  if (INT64_OUTPUT.has(op)) return DataType.INT64;
  if (INT32_OUTPUT.has(op)) return DataType.INT32;
  if (op === 'TopK' || op === 'MaxPool') return index === 1 ? DataType.INT64 : types.get(node.input[0] ?? '');
  if (op === 'QuantizeLinear') return types.get(node.input[2] ?? '') ?? DataType.UINT8;
  if (op === 'DynamicQuantizeLinear') return index === 1 ? DataType.FLOAT : DataType.UINT8;
  if (op === 'SequenceLength') return DataType.INT64;
  // Sequences and optionals are not tensors; control flow and Unique's extra outputs vary.
  if (op === 'If' || op === 'Loop' || op === 'Scan' || op === 'Unique' || /Sequence|^Optional/.test(op))
    return undefined;
  return types.get(node.input[TYPE_FROM_INPUT[op] ?? 0] ?? '');
}
