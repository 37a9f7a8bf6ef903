import { create, isMessage } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AttrType,
  AttributeProtoSchema,
  NodeProtoSchema,
  TensorProtoSchema,
  type AttributeProto,
  type GraphProto,
  type NodeProto,
  type TensorProto,
} from 'onnx-buf';

/**
 * An attribute value. Numbers are tagged ({ int: 1 } / { float: 1 }) because 1 and 1.0 are the same
 * JS number and onnxruntime rejects an INT where the operator wants a FLOAT (Gemm's alpha).
 * Strings, string lists and TensorProtos need no tag.
 */
export type AttributeValue =
  | { int: number | bigint }
  | { float: number }
  | { string: string }
  | { ints: (number | bigint)[] }
  | { floats: number[] }
  | { strings: string[] }
  | { tensor: TensorProto }
  | { graph: GraphProto }
  | string
  | string[]
  | TensorProto;

/** Builds an AttributeProto with the right type tag. */
export function makeAttribute(name: string, value: AttributeValue): AttributeProto {
  const encoder = new TextEncoder();
  const attr = create(AttributeProtoSchema, { name });
  if (typeof value === 'string') value = { string: value };
  else if (Array.isArray(value)) value = { strings: value };
  else if (isMessage(value, TensorProtoSchema)) value = { tensor: value };

  if ('int' in value) Object.assign(attr, { type: AttrType.INT, i: BigInt(value.int) });
  else if ('float' in value) Object.assign(attr, { type: AttrType.FLOAT, f: value.float });
  else if ('string' in value) Object.assign(attr, { type: AttrType.STRING, s: encoder.encode(value.string) });
  else if ('ints' in value)
    Object.assign(attr, { type: AttrType.INTS, ints: value.ints.map((v) => BigInt(v)) });
  else if ('floats' in value) Object.assign(attr, { type: AttrType.FLOATS, floats: [...value.floats] });
  else if ('strings' in value)
    Object.assign(attr, { type: AttrType.STRINGS, strings: value.strings.map((s) => encoder.encode(s)) });
  else if ('tensor' in value) Object.assign(attr, { type: AttrType.TENSOR, t: value.tensor });
  else Object.assign(attr, { type: AttrType.GRAPH, g: value.graph });
  return attr;
}

/** Options for {@link makeNode}. */
export interface NodeOptions {
  /** Operator domain: '' for ONNX, 'ai.onnx.ml' for the classical ML operators. */
  domain?: string;
  name?: string;
}

/**
 * Builds a NodeProto. Use '' in `inputs` for an omitted optional input.
 *
 * @example makeNode('Gemm', ['x', 'W', 'b'], ['y'], { transB: { int: 1 } })
 */
export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, AttributeValue> = {},
  options: NodeOptions = {},
): NodeProto {
  const node = create(NodeProtoSchema, {
    opType,
    input: inputs,
    output: outputs,
    attribute: Object.entries(attributes).map(([name, value]) => makeAttribute(name, value)),
  });
  if (options.name) node.name = options.name;
  if (options.domain) node.domain = options.domain;
  return node;
}
