import { create } from '@bufbuild/protobuf';
import { OperatorSetIdProtoSchema, type ModelProto, type NodeProto, type TensorProto } from 'onnx-buf';
import { UsageError } from '../../errors.js';
import { makeNode, makeTensor, tensorValues, type AttributeValue } from '../../onnx/index.js';
import type { OptimizationPass, PassContext, PassResult } from '../pass.js';
import {
  attrFloat,
  attrInt,
  cloneModel,
  defaultOpset,
  dropUnused,
  findWeightUses,
  NameScope,
  tensorBytes,
  type WeightUse,
} from './graph-edit.js';
import { countBy } from './int8-weight.js';
import { boolOption, choiceOption, formatBytes, numberOption } from './options.js';
import { quantizeBlockwise } from './quant-math.js';
import { WeightStore } from './weight-store.js';

const NAME = 'int8';

/**
 * Dynamic int8: MatMul and Gemm weights stored as int8; activations are quantized at run time by
 * DynamicQuantizeLinear and multiplied in integers by MatMulInteger, then scaled back to float
 * (Cast, Mul). onnxruntime fuses exactly this pattern into its DynamicQuantizeMatMul kernel, which
 * is what makes it faster than fp32 on CPUs with int8 dot products. Gemm becomes MatMul + Add
 * (alpha folded into the weight, beta into the bias). Conv is left in float: onnxruntime's
 * ConvInteger is slower than its float Conv, so `int8-static` or `int8-weight` serve CNNs better.
 *
 * Options: `per-channel` (default true: one weight scale per output column); `form` integer
 * (default), qdq (DynamicQuantizeLinear → DequantizeLinear → MatMul, the form other runtimes
 * fuse; onnxruntime 1.30 on CPU ran it 1.0–14× slower than the integer form, docs/performance.md)
 * or nbits (onnxruntime's com.microsoft MatMulNBits with bits=8 and accuracy_level=4: weights int8
 * in blocks of `block-size` values along K with a scale each, activations quantized to int8 per
 * block at run time; its one-row kernel makes batch-1 MLPs fast, at 32 rows it is no faster than
 * fp32, so it is an option, not the default).
 */
export const int8DynamicPass: OptimizationPass = {
  name: NAME,
  summary:
    'dynamic int8: MatMul/Gemm weights int8, activations quantized at run time (DynamicQuantizeLinear + MatMulInteger)',
  apply: (model, context) => quantizeDynamic(model, context),
};

interface Rewrite {
  use: WeightUse;
  /** The weight as MatMul's [K, N] right-hand side, alpha applied. */
  values: Float32Array;
  dims: number[];
  variant: string;
  /** Gemm's bias, already multiplied by beta (a new initializer) or as it was. */
  bias: string | undefined;
}

function quantizeDynamic(model: ModelProto, context: PassContext): PassResult {
  const perChannel = boolOption(NAME, context.options, 'per-channel', true);
  const form = choiceOption(NAME, context.options, 'form', ['integer', 'qdq', 'nbits'] as const, 'integer');
  const blockSize = numberOption(NAME, context.options, 'block-size', [16, 4096], 64);
  if (!Number.isInteger(Math.log2(blockSize))) {
    throw new UsageError(`pass ${NAME}: option block-size=${blockSize} is not a power of 2`, {
      fix: `write ${NAME}:block-size=64 (16, 32, 64, 128, …)`,
    });
  }
  const opset = defaultOpset(model);
  if (opset < 11) {
    return {
      kind: 'skipped',
      reason: `opset ${opset} has no DynamicQuantizeLinear (needs opset 11 or newer); export the model with opset 13 or newer, or upgrade it with modelops convert --from onnx --opset 13`,
    };
  }
  const out = cloneModel(model);
  const graph = out.graph!;
  const names = new NameScope(graph);
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const rewrites = new Map<NodeProto, Rewrite>();
  for (const use of findWeightUses(graph, ['MatMul', 'Gemm'])) {
    if (initializers.has(use.node.input[0]!) || use.weight.dims.length !== 2) continue;
    const rewrite =
      use.op === 'MatMul' ? matMulRewrite(use) : gemmRewrite(use, initializers, names, graph.initializer);
    if (rewrite) rewrites.set(use.node, rewrite);
  }
  if (rewrites.size === 0) {
    const convs = findWeightUses(graph, ['Conv']).length;
    return {
      kind: 'skipped',
      reason:
        convs > 0
          ? `dynamic int8 covers MatMul and Gemm; the model's ${convs} Conv need int8-static or int8-weight`
          : 'no MatMul or Gemm node multiplies an activation by a 2-D float weight initializer ' +
            '(Gemm: without transA, with beta ≠ 1 only on a constant bias)',
    };
  }

  if (form === 'nbits') return matMulNBits(out, rewrites, names, blockSize);
  const store = new WeightStore(graph, names, 'int8');
  const activations = new Map<string, [string, string, string]>();
  const nodes: NodeProto[] = [];
  for (const node of graph.node) {
    const rewrite = rewrites.get(node);
    if (!rewrite) {
      nodes.push(node);
      continue;
    }
    const input = node.input[0]!;
    const base = node.name || node.output[0]!;
    const label = (what: string): string => names.fresh(`${base}_${what}`);
    let quantized = activations.get(input);
    if (!quantized) {
      quantized = [
        names.fresh(`${input}_quantized`),
        names.fresh(`${input}_scale`),
        names.fresh(`${input}_zero_point`),
      ];
      nodes.push(makeNode('DynamicQuantizeLinear', [input], quantized, {}, { name: label('quantize') }));
      activations.set(input, quantized);
    }
    const weight = store.store(rewrite.use.weight, perChannel ? 1 : undefined, {
      values: rewrite.values,
      dims: rewrite.dims,
      variant: rewrite.variant,
    });
    const [q, scale, zeroPoint] = quantized;
    const integer = label('integer');
    const asFloat = label('float');
    const scales = label('scales');
    const product = rewrite.bias ? label('product') : node.output[0]!;
    if (form === 'qdq') {
      const x = label('dequantized');
      const w = label('weight');
      const axis: Record<string, AttributeValue> = perChannel ? { axis: { int: 1 } } : {};
      nodes.push(
        makeNode('DequantizeLinear', [q, scale, zeroPoint], [x], {}, { name: label('dq_input') }),
        makeNode('DequantizeLinear', [weight.data, weight.scale, weight.zeroPoint], [w], axis, {
          name: label('dq_weight'),
        }),
        makeNode('MatMul', [x, w], [product], {}, { name: label('matmul') }),
      );
    } else {
      nodes.push(
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
      nodes.push(makeNode('Add', [product, rewrite.bias], [node.output[0]!], {}, { name: label('bias') }));
  }
  graph.node = nodes;
  dropUnused(graph, [...store.replaced, ...[...rewrites.values()].map((r) => r.use.node.input[2] ?? '')]);

  const weights = [...rewrites.values()].map((r) => r.use.weight).filter((w, i, all) => all.indexOf(w) === i);
  const before = tensorBytes(weights);
  const notes = [
    `${countBy([...rewrites.values()].map((r) => r.use.op))} run as ` +
      (form === 'qdq'
        ? 'DynamicQuantizeLinear + DequantizeLinear + MatMul'
        : 'DynamicQuantizeLinear + MatMulInteger') +
      `; ${store.count} weights int8 ${perChannel ? 'per column' : 'per tensor'}: ${formatBytes(before)} → ${formatBytes(Math.ceil(before / 4))} plus scales`,
  ];
  const convs = graph.node.filter((n) => n.opType === 'Conv').length;
  if (convs > 0) notes.push(`${convs} Conv left in float (use int8-static or int8-weight for them)`);
  return { kind: 'changed', model: out, notes };
}

/**
 * The nbits form: every rewritten MatMul/Gemm becomes one com.microsoft MatMulNBits (bits 8,
 * accuracy_level 4 = int8 compute) reading the weight quantized per block along K; a 1-D bias of
 * N values goes into its bias input, any other bias stays an Add.
 */
function matMulNBits(
  model: ModelProto,
  rewrites: Map<NodeProto, Rewrite>,
  names: NameScope,
  blockSize: number,
): PassResult {
  const graph = model.graph!;
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const nodes: NodeProto[] = [];
  const sizes = new Set<number>();
  for (const node of graph.node) {
    const rewrite = rewrites.get(node);
    if (!rewrite) {
      nodes.push(node);
      continue;
    }
    const [k, n] = rewrite.dims as [number, number];
    const base = node.name || node.output[0]!;
    const weight = rewrite.use.weight.name || 'weight';
    // A block never spans more than K rounded up to a power of 2 (≥ 16, MatMulNBits' minimum):
    // K = 8 in blocks of 64 would store 8× the values.
    const size = Math.min(blockSize, Math.max(16, 2 ** Math.ceil(Math.log2(k))));
    sizes.add(size);
    const blocks = quantizeBlockwise(rewrite.values, k, n, size);
    const data = names.fresh(`${weight}_int8_blocks`);
    const scales = names.fresh(`${weight}_block_scales`);
    graph.initializer.push(
      makeTensor(data, blocks.data, [n, blocks.blocks, size]),
      makeTensor(scales, blocks.scales, [n, blocks.blocks]),
    );
    const bias = rewrite.bias;
    const biasTensor = bias === undefined ? undefined : initializers.get(bias);
    const fused =
      biasTensor !== undefined && biasTensor.dims.length === 1 && Number(biasTensor.dims[0]) === n;
    const product = bias && !fused ? names.fresh(`${base}_product`) : node.output[0]!;
    nodes.push(
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
      nodes.push(
        makeNode('Add', [product, bias], [node.output[0]!], {}, { name: names.fresh(`${base}_bias`) }),
      );
  }
  graph.node = nodes;
  const replaced = [...rewrites.values()].flatMap((r) => [r.use.weight.name, r.use.node.input[2] ?? '']);
  dropUnused(graph, replaced);
  if (!model.opsetImport.some((o) => o.domain === MS_DOMAIN))
    model.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: MS_DOMAIN, version: 1n }));

  const weights = [...rewrites.values()].map((r) => r.use.weight).filter((w, i, all) => all.indexOf(w) === i);
  const before = tensorBytes(weights);
  const notes = [
    `${countBy([...rewrites.values()].map((r) => r.use.op))} run as MatMulNBits (com.microsoft, bits 8, ` +
      `accuracy_level 4); weights int8 in blocks of ${[...sizes].sort((a, b) => b - a).join('/')} along K: ` +
      `${formatBytes(before)} → ` +
      `${formatBytes(Math.ceil(before / 4))} plus scales`,
  ];
  const convs = graph.node.filter((n) => n.opType === 'Conv').length;
  if (convs > 0) notes.push(`${convs} Conv left in float (use int8-static or int8-weight for them)`);
  return { kind: 'changed', model, notes };
}

const MS_DOMAIN = 'com.microsoft';

function matMulRewrite(use: WeightUse): Rewrite {
  return {
    use,
    values: tensorValues(use.weight) as Float32Array,
    dims: use.weight.dims.map(Number),
    variant: '',
    bias: undefined,
  };
}

/** Gemm(A, B, C) = alpha·A·op(B) + beta·C as MatMul + Add; undefined when A is transposed or C cannot be scaled. */
function gemmRewrite(
  use: WeightUse,
  initializers: Map<string, TensorProto>,
  names: NameScope,
  added: TensorProto[],
): Rewrite | undefined {
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
