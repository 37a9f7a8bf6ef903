import type { GraphProto, NodeProto, TensorProto } from 'onnx-buf';
import { makeNode, makeTensor, tensorValues, type AttributeValue } from '../../onnx/index.js';
import type { NameScope } from './graph-edit.js';
import { quantizeTensor, type QuantType, type Quantized } from './quant-math.js';

/** A weight stored quantized: the names of its int8 data, scale and zero-point initializers. */
export interface StoredWeight {
  data: string;
  scale: string;
  zeroPoint: string;
  quantized: Quantized;
  dims: number[];
}

/**
 * Adds quantized copies of float weights to a graph, once per (weight, layout): the int8 (or uint8)
 * data, a scale and a zero point per tensor or per channel. Callers wire them into the ops they
 * rewrite; `dequantized` also emits the DequantizeLinear that turns them back into the float weight.
 */
export class WeightStore {
  /** DequantizeLinear nodes to put at the front of the graph (they read only initializers). */
  readonly nodes: NodeProto[] = [];
  /** Original weights that were replaced; dropped at the end if nothing else reads them. */
  readonly replaced = new Set<string>();
  private readonly stored = new Map<string, StoredWeight>();
  private readonly dequantizedNames = new Map<string, string>();

  constructor(
    private readonly graph: GraphProto,
    private readonly names: NameScope,
    private readonly type: QuantType,
  ) {}

  /**
   * Stores `values` (default: the weight's own values) quantized along `axis` (undefined: one
   * scale). `variant` tells apart transformed copies of the same weight (transposed, scaled).
   */
  store(
    weight: TensorProto,
    axis: number | undefined,
    options: { values?: Float32Array; dims?: number[]; variant?: string } = {},
  ): StoredWeight {
    const key = `${weight.name}\u0000${axis ?? '-'}\u0000${options.variant ?? ''}`;
    const existing = this.stored.get(key);
    if (existing) return existing;
    const dims = options.dims ?? weight.dims.map(Number);
    const values = options.values ?? (tensorValues(weight) as Float32Array);
    const quantized = quantizeTensor(values, dims, this.type, axis);
    const base = weight.name || 'weight';
    const paramDims = axis === undefined ? [] : [dims[axis]!];
    const entry: StoredWeight = {
      data: this.names.fresh(`${base}_quantized`),
      scale: this.names.fresh(`${base}_scale`),
      zeroPoint: this.names.fresh(`${base}_zero_point`),
      quantized,
      dims,
    };
    this.graph.initializer.push(
      makeTensor(entry.data, quantized.values, dims),
      makeTensor(entry.scale, quantized.scales, paramDims),
      makeTensor(entry.zeroPoint, quantized.zeroPoints, paramDims),
    );
    this.stored.set(key, entry);
    this.replaced.add(weight.name);
    return entry;
  }

  /** The name of a float value equal to the quantized weight, made by one DequantizeLinear. */
  dequantized(weight: TensorProto, axis: number | undefined): string {
    const entry = this.store(weight, axis);
    const known = this.dequantizedNames.get(entry.data);
    if (known) return known;
    const output = this.names.fresh(`${weight.name || 'weight'}_dequantized`);
    const attrs: Record<string, AttributeValue> = axis === undefined ? {} : { axis: { int: axis } };
    this.nodes.push(
      makeNode('DequantizeLinear', [entry.data, entry.scale, entry.zeroPoint], [output], attrs, {
        name: this.names.fresh(`${output}_node`),
      }),
    );
    this.dequantizedNames.set(entry.data, output);
    return output;
  }

  get count(): number {
    return this.stored.size;
  }
}
