import type { NodeProto, TensorProto } from 'onnx-buf';
import { makeNode, makeTensor, tensorValues, type AttributeValue } from '../../onnx/index.js';
import { labeller, quantizedActivation, type DynamicContext } from './dynamic-context.js';
import { attrFloat, attrInt, type NameScope, type WeightUse } from './graph-edit.js';
import { quantizeBlockwise } from './quant-math.js';

/** A MatMul or Gemm the dynamic pass rewrites, with its weight as MatMul's right-hand side. */
export interface MatMulRewrite {
  use: WeightUse;
  /** The weight as MatMul's [K, N] right-hand side, alpha applied. */
  values: Float32Array;
  dims: number[];
  variant: string;
  /** Gemm's bias, already multiplied by beta (a new initializer) or as it was. */
  bias: string | undefined;
}

export function matMulRewrite(use: WeightUse): MatMulRewrite {
  return {
    use,
    values: tensorValues(use.weight) as Float32Array,
    dims: use.weight.dims.map(Number),
    variant: '',
    bias: undefined,
  };
}

/** Gemm(A, B, C) = alpha·A·op(B) + beta·C as MatMul + Add; undefined when A is transposed or C cannot be scaled. */
export function gemmRewrite(
  use: WeightUse,
  initializers: Map<string, TensorProto>,
  names: NameScope,
  added: TensorProto[],
): MatMulRewrite | undefined {
  const { node, weight } = use;
  if (attrInt(node, 'transA', 0) !== 0) return undefined;
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  let bias = node.input[2] || undefined;
  if (bias && beta !== 1) {
    const c = initializers.get(bias);
    if (!c || c.dataType !== weight.dataType) return undefined;
    const scaled = Float32Array.from(tensorValues(c) as Float32Array, (v) => v * beta);
    const name = names.fresh(`${bias}_times_beta`);
    added.push(makeTensor(name, scaled, c.dims.map(Number)));
    bias = name;
  }
  if (bias && beta === 0) bias = undefined;
  const [rows, cols] = weight.dims.map(Number) as [number, number];
  const source = tensorValues(weight) as Float32Array;
  const transB = attrInt(node, 'transB', 0) !== 0;
  const dims = transB ? [cols, rows] : [rows, cols];
  const values = new Float32Array(source.length);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      const v = source[r * cols + c]! * alpha;
      values[transB ? c * rows + r : r * cols + c] = v;
    }
  return { use, values, dims, variant: `${transB ? 'T' : ''}${alpha}`, bias };
}

/**
 * The integer form (DynamicQuantizeLinear → MatMulInteger → Cast → Mul, which onnxruntime fuses
 * into DynamicQuantizeMatMul) or the QDQ form (DynamicQuantizeLinear → DequantizeLinear → MatMul),
 * then the bias Add.
 */
export function emitMatMul(
  context: DynamicContext,
  node: NodeProto,
  rewrite: MatMulRewrite,
  form: 'integer' | 'qdq',
): void {
  const label = labeller(context, node);
  const [q, scale, zeroPoint] = quantizedActivation(context, node.input[0]!, label);
  const weight = context.store.store(rewrite.use.weight, context.perChannel ? 1 : undefined, {
    values: rewrite.values,
    dims: rewrite.dims,
    variant: rewrite.variant,
  });
  const product = rewrite.bias ? label('product') : node.output[0]!;
  if (form === 'qdq') {
    const x = label('dequantized');
    const w = label('weight');
    const axis: Record<string, AttributeValue> = context.perChannel ? { axis: { int: 1 } } : {};
    context.nodes.push(
      makeNode('DequantizeLinear', [q, scale, zeroPoint], [x], {}, { name: label('dq_input') }),
      makeNode('DequantizeLinear', [weight.data, weight.scale, weight.zeroPoint], [w], axis, {
        name: label('dq_weight'),
      }),
      makeNode('MatMul', [x, w], [product], {}, { name: label('matmul') }),
    );
  } else {
    const integer = label('integer');
    const asFloat = label('float');
    const scales = label('scales');
    context.nodes.push(
      makeNode(
        'MatMulInteger',
        [q, weight.data, zeroPoint, weight.zeroPoint],
        [integer],
        {},
        { name: label('matmul') },
      ),
      makeNode('Mul', [scale, weight.scale], [scales], {}, { name: label('scale') }),
      makeNode('Cast', [integer], [asFloat], { to: { int: 1 } }, { name: label('cast') }),
      makeNode('Mul', [asFloat, scales], [product], {}, { name: label('rescale') }),
    );
  }
  if (rewrite.bias)
    context.nodes.push(
      makeNode('Add', [product, rewrite.bias], [node.output[0]!], {}, { name: label('bias') }),
    );
}

export const MS_DOMAIN = 'com.microsoft';

/**
 * The nbits form: one com.microsoft MatMulNBits (bits 8, accuracy_level 4 = int8 compute) reading
 * the weight quantized per block along K; a 1-D bias of N values goes into its bias input, any
 * other bias stays an Add. Returns the block size used.
 */
export function emitNBits(
  context: DynamicContext,
  node: NodeProto,
  rewrite: MatMulRewrite,
  blockSize: number,
  initializers: Map<string, TensorProto>,
): number {
  const { graph, names } = context;
  const [k, n] = rewrite.dims as [number, number];
  const base = node.name || node.output[0]!;
  const weight = rewrite.use.weight.name || 'weight';
  // A block never spans more than K rounded up to a power of 2 (≥ 16, MatMulNBits' minimum):
  // K = 8 in blocks of 64 would store 8× the values.
  const size = Math.min(blockSize, Math.max(16, 2 ** Math.ceil(Math.log2(k))));
  const blocks = quantizeBlockwise(rewrite.values, k, n, size);
  const data = names.fresh(`${weight}_int8_blocks`);
  const scales = names.fresh(`${weight}_block_scales`);
  graph.initializer.push(
    makeTensor(data, blocks.data, [n, blocks.blocks, size]),
    makeTensor(scales, blocks.scales, [n, blocks.blocks]),
  );
  const bias = rewrite.bias;
  const biasTensor = bias === undefined ? undefined : initializers.get(bias);
  const fused = biasTensor !== undefined && biasTensor.dims.length === 1 && Number(biasTensor.dims[0]) === n;
  const product = bias && !fused ? names.fresh(`${base}_product`) : node.output[0]!;
  context.nodes.push(
    makeNode(
      'MatMulNBits',
      [node.input[0]!, data, scales, ...(fused ? ['', '', bias!] : [])],
      [product],
      {
        K: { int: k },
        N: { int: n },
        bits: { int: 8 },
        block_size: { int: size },
        accuracy_level: { int: 4 },
      },
      { name: names.fresh(`${base}_nbits`), domain: MS_DOMAIN },
    ),
  );
  if (bias && !fused)
    context.nodes.push(
      makeNode('Add', [product, bias], [node.output[0]!], {}, { name: names.fresh(`${base}_bias`) }),
    );
  return size;
}
