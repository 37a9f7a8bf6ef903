import { create } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AttrType,
  OperatorSetIdProtoSchema,
  type AttributeProto,
  type GraphProto,
  type ModelProto,
  type NodeProto,
} from 'onnx-buf';
import { UsageError } from '../errors.js';
import { irVersionForOpset } from './builder.js';
import { elementTypeName } from './element-types.js';
import { makeAttribute, makeNode } from './node-builder.js';
import { makeTensor } from './tensor-builder.js';
import { graphAndSubgraphs } from './walk-tensors.js';

/**
 * The newest default-domain opset this upgrader knows the breaking changes up to. Opsets past it
 * may change an operator in a way we would silently get wrong, so they are refused.
 */
export const NEWEST_KNOWN_OPSET = 23;

/** The oldest source opset: before 7, broadcasting was an attribute and most ops differ. */
export const OLDEST_UPGRADABLE_OPSET = 7;

/** What an upgrade did: the default-domain opset before and after, and nodes rewritten per op. */
export interface OpsetUpgrade {
  from: number;
  to: number;
  rewritten: Record<string, number>;
}

/**
 * Moves a model's default-domain (ai.onnx) opset forward to `target`, rewriting the operators
 * whose meaning or signature changed on the way (attributes that became inputs, renamed or
 * deprecated operators, Softmax's axis semantics) so the model computes exactly what it did.
 * Operators whose change cannot be expressed in the new opset (GroupNormalization at 21,
 * BatchNormalization with spatial=0) are refused by name. Other domains (ai.onnx.ml, custom) are
 * left as they are. Rewrites the model in place, including subgraphs of If/Loop/Scan.
 */
export function upgradeOpset(model: ModelProto, target: number): OpsetUpgrade {
  const entry = model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx');
  const from = entry ? Number(entry.version) : 0;
  if (!Number.isInteger(target) || target < 1) {
    throw new UsageError(`opset ${target} is not an opset version`, { fix: 'give a whole number, e.g. 17' });
  }
  if (target > NEWEST_KNOWN_OPSET) {
    throw new UsageError(
      `opset ${target} is newer than the newest this version knows (${NEWEST_KNOWN_OPSET})`,
      {
        fix: `upgrade to ${NEWEST_KNOWN_OPSET} or older`,
      },
    );
  }
  if (!entry) {
    // A model of ai.onnx.ml operators only: importing the default domain changes nothing it runs.
    model.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(target) }));
    return { from, to: target, rewritten: {} };
  }
  if (target < from) {
    throw new UsageError(`the model is at opset ${from}; downgrading to ${target} is not supported`, {
      fix: `give an opset of ${from} or newer, or re-export the model at opset ${target}`,
    });
  }
  if (from < OLDEST_UPGRADABLE_OPSET) {
    throw new UsageError(
      `the model is at opset ${from}; upgrades start at opset ${OLDEST_UPGRADABLE_OPSET}`,
      {
        fix: 're-export the model from its framework at a newer opset',
      },
    );
  }
  const rewritten: Record<string, number> = {};
  if (model.graph) {
    const names = new NameSource(model);
    for (const graph of [...graphAndSubgraphs(model.graph)]) {
      upgradeGraph(graph, from, target, names, rewritten);
    }
  }
  entry.version = BigInt(target);
  entry.domain = '';
  const neededIr = BigInt(irVersionForOpset(target));
  if (model.irVersion < neededIr) model.irVersion = neededIr;
  return { from, to: target, rewritten };
}

/** One version step's rewrite of one operator; returns the nodes that replace it, in order. */
type Adapter = (node: NodeProto, graph: GraphContext) => NodeProto[];

/** Opset 18 made `axes` an input of every Reduce operator ReduceSum had not already moved. */
const REDUCE_AXES_TO_INPUT: Record<string, Adapter> = Object.fromEntries(
  [
    'ReduceMean',
    'ReduceMax',
    'ReduceMin',
    'ReduceProd',
    'ReduceL1',
    'ReduceL2',
    'ReduceLogSum',
    'ReduceLogSumExp',
    'ReduceSumSquare',
  ].map((op) => [op, attributesToInputs([['axes', 'int64']])]),
);

/**
 * The breaking changes of the default domain, by the opset that introduced them. Operators not
 * listed kept their meaning across these versions (new types or optional inputs only).
 */
const ADAPTERS: Record<number, Record<string, Adapter>> = {
  9: {
    BatchNormalization: dropSpatial,
    Upsample: scalesAttributeToInput,
    Scan: refuse('Scan-8 iterated over a batch axis and took sequence lengths; Scan-9 has neither'),
  },
  10: {
    Slice: attributesToInputs([
      ['starts', 'int64'],
      ['ends', 'int64'],
      ['axes', 'int64'],
    ]),
    TopK: topKToInput,
    Upsample: renameTo('Resize'),
  },
  11: {
    Pad: padToInputs,
    Clip: clipToInputs,
    Resize: resizeTo11,
    Scatter: renameTo('ScatterElements'),
  },
  12: { Dropout: dropoutToInputs },
  13: {
    Squeeze: attributesToInputs([['axes', 'int64']]),
    Unsqueeze: attributesToInputs([['axes', 'int64']]),
    ReduceSum: attributesToInputs([['axes', 'int64']]),
    Split: attributesToInputs([['split', 'int64']]),
    Softmax: coercedAxisToSingleAxis,
    LogSoftmax: coercedAxisToSingleAxis,
    Hardmax: coercedAxisToSingleAxis,
  },
  18: {
    ...REDUCE_AXES_TO_INPUT,
    Split: splitCountToAttribute,
  },
  20: {
    GridSample: renameModes({ bilinear: 'linear', bicubic: 'cubic' }),
    DFT: dftAxisToInput,
  },
  21: { GroupNormalization: refuse('its scale and bias became per-channel instead of per-group') },
};

function upgradeGraph(
  graph: GraphProto,
  from: number,
  target: number,
  names: NameSource,
  rewritten: Record<string, number>,
): void {
  const context = new GraphContext(graph, names);
  let nodes = graph.node;
  for (let version = from + 1; version <= target; version++) {
    const adapters = ADAPTERS[version];
    if (!adapters) continue;
    nodes = nodes.flatMap((node) => {
      const adapter = isDefaultDomain(node) ? adapters[node.opType] : undefined;
      if (!adapter) return [node];
      rewritten[node.opType] = (rewritten[node.opType] ?? 0) + 1;
      return adapter(node, context);
    });
  }
  graph.node = nodes;
}

function isDefaultDomain(node: NodeProto): boolean {
  return node.domain === '' || node.domain === 'ai.onnx';
}

/** Fresh value names that collide with nothing in the model. */
class NameSource {
  private readonly used = new Set<string>();
  private next = 0;

  constructor(model: ModelProto) {
    if (!model.graph) return;
    for (const graph of graphAndSubgraphs(model.graph)) {
      for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) this.used.add(v.name);
      for (const t of graph.initializer) this.used.add(t.name);
      for (const n of graph.node) for (const name of [...n.input, ...n.output]) this.used.add(name);
    }
  }

  fresh(hint: string): string {
    let name: string;
    do name = `${hint}__opset_upgrade_${this.next++}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }
}

/** What adapters need of the graph: fresh names, constants, and known element types and ranks. */
class GraphContext {
  private readonly types = new Map<string, { elementType: string; rank: number | undefined }>();

  constructor(
    graph: GraphProto,
    private readonly names: NameSource,
  ) {
    for (const v of [...graph.input, ...graph.output, ...graph.valueInfo]) {
      const type = v.type?.value;
      if (type?.case !== 'tensorType') continue;
      this.types.set(v.name, {
        elementType: elementTypeName(type.value.elemType),
        rank: type.value.shape ? type.value.shape.dim.length : undefined,
      });
    }
    for (const t of graph.initializer) {
      this.types.set(t.name, { elementType: elementTypeName(t.dataType), rank: t.dims.length });
    }
  }

  fresh(hint: string): string {
    return this.names.fresh(hint);
  }

  elementType(value: string): string | undefined {
    return this.types.get(value)?.elementType;
  }

  rank(value: string): number | undefined {
    return this.types.get(value)?.rank;
  }

  /** A Constant node holding `values`; returns the node and its output name. */
  constant(hint: string, values: number[], elementType: string, dims?: number[]): [NodeProto, string] {
    const name = this.fresh(hint);
    const tensor = makeTensor(name, typedValues(values, elementType), dims, elementType);
    return [makeNode('Constant', [], [name], { value: tensor }), name];
  }
}

function typedValues(values: number[], elementType: string) {
  switch (elementType) {
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(v));
    case 'double':
      return Float64Array.from(values);
    case 'float16': {
      // Half precision bits of each value; only the constants 0 and the bounds of Clip reach here.
      const half = new Uint16Array(values.length);
      values.forEach((v, i) => (half[i] = toHalfBits(v)));
      return half;
    }
    default:
      return Float32Array.from(values);
  }
}

function attribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

function withoutAttributes(node: NodeProto, names: string[]): void {
  node.attribute = node.attribute.filter((a) => !names.includes(a.name));
}

function numbers(attr: AttributeProto): number[] {
  if (attr.type === AttrType.INTS) return attr.ints.map(Number);
  if (attr.type === AttrType.FLOATS) return [...attr.floats];
  if (attr.type === AttrType.INT) return [Number(attr.i)];
  return [attr.f];
}

/** Attributes that became inputs (in this order, after the existing inputs); absent ones stay omitted. */
function attributesToInputs(spec: Array<[string, string]>): Adapter {
  return (node, graph) => {
    const constants: NodeProto[] = [];
    const inputs = [...node.input];
    let lastGiven = inputs.length - 1;
    spec.forEach(([name, elementType], i) => {
      const attr = attribute(node, name);
      const slot = node.input.length + i;
      if (!attr) {
        inputs[slot] = '';
        return;
      }
      const [constant, value] = graph.constant(`${node.opType}_${name}`, numbers(attr), elementType);
      constants.push(constant);
      inputs[slot] = value;
      lastGiven = slot;
    });
    node.input = inputs.slice(0, lastGiven + 1);
    withoutAttributes(
      node,
      spec.map(([name]) => name),
    );
    return [...constants, node];
  };
}

function dropSpatial(node: NodeProto): NodeProto[] {
  const spatial = attribute(node, 'spatial');
  if (spatial && Number(spatial.i) === 0) {
    refuse('spatial=0 (per-activation statistics) was removed')(node, undefined as never);
  }
  withoutAttributes(node, ['spatial']);
  return [node];
}

/** Upsample-7's `scales` attribute became Upsample-9's second input. */
function scalesAttributeToInput(node: NodeProto, graph: GraphContext): NodeProto[] {
  const scales = attribute(node, 'scales');
  if (!scales) return [node];
  const [constant, value] = graph.constant('Upsample_scales', numbers(scales), 'float');
  node.input = [node.input[0]!, value];
  withoutAttributes(node, ['scales']);
  return [constant, node];
}

function renameTo(opType: string): Adapter {
  return (node) => {
    node.opType = opType;
    return [node];
  };
}

function topKToInput(node: NodeProto, graph: GraphContext): NodeProto[] {
  const k = attribute(node, 'k');
  if (!k) return [node];
  const [constant, value] = graph.constant('TopK_k', [Number(k.i)], 'int64', [1]);
  node.input = [node.input[0]!, value];
  withoutAttributes(node, ['k']);
  return [constant, node];
}

/** Pad-2 → Pad-11: pads and the constant value became inputs; the value has X's element type. */
function padToInputs(node: NodeProto, graph: GraphContext): NodeProto[] {
  const pads = attribute(node, 'pads');
  const value = attribute(node, 'value');
  const out: NodeProto[] = [];
  const [padsNode, padsName] = graph.constant('Pad_pads', pads ? numbers(pads) : [], 'int64');
  out.push(padsNode);
  node.input = [node.input[0]!, padsName];
  if (value && value.f !== 0) {
    const type = scalarTypeOf(node, graph);
    const [valueNode, valueName] = graph.constant('Pad_value', [value.f], type, []);
    out.push(valueNode);
    node.input.push(valueName);
  }
  withoutAttributes(node, ['pads', 'value']);
  return [...out, node];
}

/** Clip-6 → Clip-11: min and max became optional scalar inputs of X's element type. */
function clipToInputs(node: NodeProto, graph: GraphContext): NodeProto[] {
  const min = attribute(node, 'min');
  const max = attribute(node, 'max');
  const out: NodeProto[] = [];
  const inputs = [node.input[0]!];
  if (min || max) {
    const type = scalarTypeOf(node, graph);
    for (const [bound, label] of [
      [min, 'min'],
      [max, 'max'],
    ] as const) {
      if (!bound) {
        inputs.push('');
        continue;
      }
      const [constant, name] = graph.constant(`Clip_${label}`, [bound.f], type, []);
      out.push(constant);
      inputs.push(name);
    }
    while (inputs[inputs.length - 1] === '') inputs.pop();
  }
  node.input = inputs;
  withoutAttributes(node, ['min', 'max']);
  return [...out, node];
}

/** Clip-6 and Pad-2 took float bounds for any float type; the new inputs must match X's type. */
function scalarTypeOf(node: NodeProto, graph: GraphContext): string {
  const type = graph.elementType(node.input[0]!);
  if (type === 'float' || type === 'double' || type === 'float16') return type;
  if (type === undefined) return 'float';
  throw new UsageError(
    `${describe(node)}: cannot upgrade a ${node.opType} over ${type} values with a non-zero bound`,
    { fix: 're-export the model from its framework at the target opset' },
  );
}

/**
 * Resize-10 → Resize-11: the inputs became (X, roi, scales[, sizes]); Resize-10 sampled with
 * asymmetric coordinates and, for nearest, rounded down — both set explicitly so the output is
 * the same.
 */
function resizeTo11(node: NodeProto): NodeProto[] {
  node.input = [node.input[0]!, '', node.input[1]!];
  withoutAttributes(node, ['coordinate_transformation_mode', 'nearest_mode']);
  node.attribute.push(makeAttribute('coordinate_transformation_mode', 'asymmetric'));
  const mode = attribute(node, 'mode');
  const nearest = !mode || new TextDecoder().decode(mode.s) === 'nearest';
  if (nearest) node.attribute.push(makeAttribute('nearest_mode', 'floor'));
  return [node];
}

/** Dropout-10 → Dropout-12: ratio became an input; inference output is unchanged. */
function dropoutToInputs(node: NodeProto, graph: GraphContext): NodeProto[] {
  const ratio = attribute(node, 'ratio');
  withoutAttributes(node, ['ratio', 'is_test']);
  if (!ratio) return [node];
  const [constant, value] = graph.constant('Dropout_ratio', [ratio.f], 'float', []);
  node.input = [node.input[0]!, value];
  return [constant, node];
}

/**
 * Before opset 13, Softmax, LogSoftmax and Hardmax flattened the input to 2-D at `axis` (default
 * 1) and normalized over everything after it; from 13 they normalize over that one axis. When
 * `axis` is already the last axis the two agree; otherwise the old meaning is spelled out as
 * Flatten → op over the last axis → Reshape back to the input's shape.
 */
function coercedAxisToSingleAxis(node: NodeProto, graph: GraphContext): NodeProto[] {
  const axisAttr = attribute(node, 'axis');
  const axis = axisAttr ? Number(axisAttr.i) : 1;
  const input = node.input[0]!;
  const rank = graph.rank(input);
  const isLast = axis === -1 || (rank !== undefined && axis === rank - 1);
  withoutAttributes(node, ['axis']);
  if (isLast) {
    node.attribute.push(makeAttribute('axis', { int: -1 }));
    return [node];
  }
  const shape = graph.fresh(`${node.opType}_shape`);
  const flat = graph.fresh(`${node.opType}_flat`);
  const normalized = graph.fresh(`${node.opType}_2d`);
  const output = node.output[0]!;
  node.input = [flat];
  node.output = [normalized];
  node.attribute.push(makeAttribute('axis', { int: -1 }));
  return [
    makeNode('Shape', [input], [shape]),
    makeNode('Flatten', [input], [flat], { axis: { int: axis } }),
    node,
    makeNode('Reshape', [normalized, shape], [output]),
  ];
}

/** Split-18 needs the number of outputs when no split sizes are given (equal parts). */
function splitCountToAttribute(node: NodeProto): NodeProto[] {
  if (!node.input[1]) {
    node.input = [node.input[0]!];
    node.attribute.push(makeAttribute('num_outputs', { int: node.output.length }));
  }
  return [node];
}

/** DFT-17 → DFT-20: `axis` became the third input, and its default moved from 1 to -2. */
function dftAxisToInput(node: NodeProto, graph: GraphContext): NodeProto[] {
  const axis = attribute(node, 'axis');
  const [constant, value] = graph.constant('DFT_axis', [axis ? Number(axis.i) : 1], 'int64', []);
  node.input = [node.input[0]!, node.input[1] ?? '', value];
  withoutAttributes(node, ['axis']);
  return [constant, node];
}

function renameModes(renames: Record<string, string>): Adapter {
  return (node) => {
    const mode = attribute(node, 'mode');
    if (mode) {
      const old = new TextDecoder().decode(mode.s);
      if (renames[old]) mode.s = new TextEncoder().encode(renames[old]);
    }
    return [node];
  };
}

function refuse(why: string): Adapter {
  return (node) => {
    throw new UsageError(`${describe(node)}: ${node.opType} cannot be upgraded across this opset: ${why}`, {
      fix: 'keep the current opset, or re-export the model from its framework at the target opset',
    });
  };
}

function describe(node: NodeProto): string {
  return node.name ? `node '${node.name}'` : `node ${node.opType}(${node.input.join(', ')})`;
}

/** IEEE 754 half-precision bits of a number (round to nearest even). */
function toHalfBits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent >= 0x1f) return sign | 0x7c00 | (Number.isNaN(value) ? 0x200 : 0);
  if (exponent <= 0) {
    if (exponent < -10) return sign;
    const m = (mantissa | 0x800000) >> (1 - exponent);
    return sign | ((m + 0x1000 + ((m >> 13) & 1) - 1) >> 13);
  }
  const rounded = mantissa + 0xfff + ((mantissa >> 13) & 1);
  if (rounded & 0x800000) return sign | (((exponent + 1) << 10) & 0x7fff);
  return sign | (exponent << 10) | (rounded >> 13);
}
