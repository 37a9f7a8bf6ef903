import type { NodeProto, TensorProto } from 'onnx-buf';
import { makeNode, makeTensor, tensorValues } from '../../onnx/index.js';
import { labeller, quantizedActivation, type DynamicContext } from './dynamic-context.js';
import type { WeightUse } from './graph-edit.js';
import { quantizeTensor } from './quant-math.js';

/** A Conv the dynamic pass rewrites: its constant weight and its constant bias (if any). */
export interface ConvRewrite {
  use: WeightUse;
  bias: TensorProto | undefined;
}

/**
 * Whether a Conv can run as ConvInteger: the weight is a constant of rank 3 or 4 (1-D and 2-D
 * convolutions) and the bias, if any, a constant of one value per output channel. Returns the
 * reason when not, for the pass notes.
 */
export function planConv(use: WeightUse, initializers: Map<string, TensorProto>): ConvRewrite | string {
  const { node, weight } = use;
  if (initializers.has(node.input[0]!)) return 'input is a constant';
  const rank = weight.dims.length;
  if (rank !== 3 && rank !== 4) return `${rank - 2}-D convolution (1-D and 2-D only)`;
  const biasName = node.input[2] ?? '';
  if (!biasName) return { use, bias: undefined };
  const bias = initializers.get(biasName);
  if (!bias || bias.dataType !== weight.dataType) return 'bias is not a constant';
  if (bias.dims.length !== 1 || Number(bias.dims[0]) !== Number(weight.dims[0]))
    return 'bias is not one value per output channel';
  return { use, bias };
}

/**
 * Emits one Conv in the integer form: ConvInteger(uint8 activation, uint8 weight) with the Conv's
 * attributes (group, dilations, pads, strides, auto_pad, kernel_shape), Cast to float, Mul by
 * activation scale × weight scale (one per output channel, shaped [M, 1, …] to broadcast over the
 * spatial axes) and Add of the bias reshaped the same way.
 *
 * The weights are quantized symmetrically (int8, ±127, per channel or per tensor) and stored
 * offset by 128 as uint8 with one scalar zero point 128: onnxruntime 1.30's ConvInteger takes only
 * a scalar weight zero point ("Non per-tensor quantization is not supported now"), which a
 * symmetric quantization has in every channel, and it ran uint8 weights about 3× faster than
 * int8 ones (16→32 channels, 3×3, 16×16, batch 32, one thread: 1.5 vs 4.5 ms; fp32 Conv 1.3 ms).
 * In the QDQ form the Conv stays and reads DequantizeLinear outputs instead.
 */
export function emitConv(
  context: DynamicContext,
  node: NodeProto,
  rewrite: ConvRewrite,
  form: 'integer' | 'qdq',
): void {
  const { use, bias } = rewrite;
  const label = labeller(context, node);
  const [q, scale, zeroPoint] = quantizedActivation(context, node.input[0]!, label);
  const axis = context.perChannel ? 0 : undefined;
  if (form === 'qdq') {
    const x = label('dequantized');
    context.nodes.push(
      makeNode('DequantizeLinear', [q, scale, zeroPoint], [x], {}, { name: label('dq_input') }),
    );
    node.input[0] = x;
    node.input[1] = context.store.dequantized(use.weight, axis);
    context.nodes.push(node);
    return;
  }
  const weight = convWeight(context, use.weight, axis);
  const integer = label('integer');
  const asFloat = label('float');
  const scales = label('scales');
  const output = node.output[0]!;
  const product = bias ? label('product') : output;
  const integerNode = makeNode(
    'ConvInteger',
    [q, weight.data, zeroPoint, weight.zeroPoint],
    [integer],
    {},
    {
      name: label('conv'),
    },
  );
  integerNode.attribute = node.attribute; // same attributes as Conv
  context.nodes.push(
    integerNode,
    makeNode('Mul', [scale, weight.scale], [scales], {}, { name: label('scale') }),
    makeNode('Cast', [integer], [asFloat], { to: { int: 1 } }, { name: label('cast') }),
    makeNode('Mul', [asFloat, scales], [product], {}, { name: label('rescale') }),
  );
  if (bias) {
    const values = tensorValues(bias) as Float32Array;
    const reshaped = shaped(context, bias.name, values, weight.broadcast);
    context.nodes.push(makeNode('Add', [product, reshaped], [output], {}, { name: label('bias') }));
  }
}

/** A copy of a 1-D initializer with dims [M, 1, …] (once per source and shape). */
function shaped(context: DynamicContext, source: string, values: Float32Array, dims: number[]): string {
  const key = `${source}\u0000${dims.join(',')}`;
  let name = context.added.get(key);
  if (!name) {
    name = context.names.fresh(`${source}_per_channel`);
    context.graph.initializer.push(makeTensor(name, values, dims));
    context.added.set(key, name);
  }
  return name;
}

/**
 * A Conv weight as ConvInteger reads it (once per weight and layout): uint8 data (symmetric int8
 * + 128), the shared scalar zero point 128, and the scale — a scalar, or per output channel
 * shaped [M, 1, …].
 */
function convWeight(
  context: DynamicContext,
  weight: TensorProto,
  axis: number | undefined,
): { data: string; scale: string; zeroPoint: string; broadcast: number[] } {
  const dims = weight.dims.map(Number);
  const broadcast = [dims[0]!, ...Array<number>(dims.length - 2).fill(1)];
  const base = weight.name || 'weight';
  const key = `${base}\u0000conv\u0000${axis ?? '-'}`;
  let data = context.added.get(key);
  if (!data) {
    const quantized = quantizeTensor(tensorValues(weight) as Float32Array, dims, 'int8', axis);
    data = context.names.fresh(`${base}_quantized`);
    const scale = context.names.fresh(`${base}_scale`);
    context.graph.initializer.push(
      makeTensor(
        data,
        Uint8Array.from(quantized.values, (v) => v + 128),
        dims,
      ),
      makeTensor(scale, quantized.scales, axis === undefined ? [] : broadcast),
    );
    context.added.set(key, data);
    context.added.set(`${key}\u0000scale`, scale);
    context.superseded.push(weight.name);
  }
  const scale = context.added.get(`${key}\u0000scale`)!;
  let zeroPoint = context.added.get('');
  if (!zeroPoint) {
    zeroPoint = context.names.fresh('conv_weight_zero_point');
    context.graph.initializer.push(makeTensor(zeroPoint, new Uint8Array([128]), []));
    context.added.set('', zeroPoint);
  }
  return { data, scale, zeroPoint, broadcast };
}
