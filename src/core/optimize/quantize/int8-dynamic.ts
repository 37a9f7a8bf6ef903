import { create } from '@bufbuild/protobuf';
import { OperatorSetIdProtoSchema, type ModelProto, type NodeProto } from 'onnx-buf';
import { UsageError } from '../../errors.js';
import type { OptimizationPass, PassContext, PassResult } from '../pass.js';
import { hoistedNote } from './constant-weights.js';
import type { DynamicContext } from './dynamic-context.js';
import { emitConv, planConv, type ConvRewrite } from './dynamic-conv.js';
import {
  emitMatMul,
  emitNBits,
  gemmRewrite,
  matMulRewrite,
  MS_DOMAIN,
  type MatMulRewrite,
} from './dynamic-matmul.js';
import { dropUnused, findWeightUses, NameScope, tensorBytes } from './graph-edit.js';
import { boolOption, choiceOption, numberOption } from './options.js';
import { countBy, int8SizeNote, startWeightPass, unique } from './weight-pass.js';
import { WeightStore } from './weight-store.js';

const NAME = 'int8';

/**
 * Dynamic int8: MatMul, Gemm and Conv weights stored as int8; activations are quantized at run
 * time by DynamicQuantizeLinear (once per tensor, however many nodes read it) and multiplied in
 * integers, then scaled back to float (Cast, Mul). MatMul/Gemm run as MatMulInteger, which
 * onnxruntime fuses into its DynamicQuantizeMatMul kernel (faster than fp32 on CPUs with int8 dot
 * products); Gemm becomes MatMul + Add (alpha folded into the weight, beta into the bias). 1-D and
 * 2-D Conv run as ConvInteger (its attributes kept) + Cast + Mul by the per-channel scales + Add of
 * the bias. Weights held in Constant nodes count like initializers.
 *
 * Options: `per-channel` (default true: one weight scale per output column or channel); `conv`
 * (default true; false leaves Conv in float: onnxruntime runs ConvInteger without a fused kernel,
 * docs/performance.md); `form` integer (default), qdq (DynamicQuantizeLinear → DequantizeLinear →
 * MatMul/Conv, the form other runtimes fuse; onnxruntime 1.30 on CPU ran it 1.0–14× slower than
 * the integer form) or nbits (MatMul/Gemm as onnxruntime's com.microsoft MatMulNBits with bits=8
 * and accuracy_level=4: weights int8 in blocks of `block-size` values along K with a scale each,
 * activations quantized to int8 per block at run time; its one-row kernel makes batch-1 MLPs
 * fast, at 32 rows it is no faster than fp32, so it is an option, not the default; Conv takes the
 * integer form).
 */
export const int8DynamicPass: OptimizationPass = {
  name: NAME,
  summary:
    'dynamic int8: MatMul/Gemm/Conv weights int8, activations quantized at run time (DynamicQuantizeLinear + MatMulInteger / ConvInteger)',
  apply: (model, context) => quantizeDynamic(model, context),
};

function quantizeDynamic(model: ModelProto, context: PassContext): PassResult {
  const perChannelAsked = boolOption(NAME, context.options, 'per-channel', true);
  const withConv = boolOption(NAME, context.options, 'conv', true);
  const form = choiceOption(NAME, context.options, 'form', ['integer', 'qdq', 'nbits'] as const, 'integer');
  const blockSize = numberOption(NAME, context.options, 'block-size', [16, 4096], 64);
  if (!Number.isInteger(Math.log2(blockSize))) {
    throw new UsageError(`pass ${NAME}: option block-size=${blockSize} is not a power of 2`, {
      fix: `write ${NAME}:block-size=64 (16, 32, 64, 128, …)`,
    });
  }
  const start = startWeightPass(
    model,
    { op: 'DynamicQuantizeLinear', opset: 11 },
    withConv ? ['MatMul', 'Gemm', 'Conv'] : ['MatMul', 'Gemm'],
  );
  if (start.kind === 'skipped') return start;
  const { model: out, graph, opset, hoisted } = start;
  const names = new NameScope(graph);
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const matMuls = new Map<NodeProto, MatMulRewrite>();
  for (const use of findWeightUses(graph, ['MatMul', 'Gemm'])) {
    if (initializers.has(use.node.input[0]!) || use.weight.dims.length !== 2) continue;
    const rewrite =
      use.op === 'MatMul' ? matMulRewrite(use) : gemmRewrite(use, initializers, names, graph.initializer);
    if (rewrite) matMuls.set(use.node, rewrite);
  }
  const convs = new Map<NodeProto, ConvRewrite>();
  const convsLeft = new Map<string, number>();
  const allConvs = graph.node.filter(
    (n) => n.opType === 'Conv' && (n.domain === '' || n.domain === 'ai.onnx'),
  );
  if (withConv) {
    for (const use of findWeightUses(graph, ['Conv'])) {
      const plan = planConv(use, initializers);
      if (typeof plan === 'string') convsLeft.set(plan, (convsLeft.get(plan) ?? 0) + 1);
      else convs.set(use.node, plan);
    }
    const unweighted = allConvs.length - convs.size - [...convsLeft.values()].reduce((a, b) => a + b, 0);
    if (unweighted > 0) convsLeft.set('weight is not a float constant', unweighted);
  } else if (allConvs.length > 0) convsLeft.set('option conv=false', allConvs.length);
  if (matMuls.size === 0 && convs.size === 0) {
    return {
      kind: 'skipped',
      reason:
        'no MatMul, Gemm or Conv node multiplies an activation by a float weight constant ' +
        '(MatMul/Gemm: 2-D weight, Gemm without transA, with beta ≠ 1 only on a constant bias; ' +
        `Conv: 1-D or 2-D, constant bias)${leftNote(convsLeft)}`,
    };
  }

  // Per-axis DequantizeLinear (the QDQ form) needs opset 13; the integer forms apply scales by Mul.
  const perChannel = perChannelAsked && (form !== 'qdq' || opset >= 13);
  const dynamic: DynamicContext = {
    graph,
    names,
    store: new WeightStore(graph, names, 'int8'),
    perChannel,
    nodes: [],
    activations: new Map(),
    added: new Map(),
    superseded: [],
  };
  const sizes = new Set<number>();
  const biases = new Map([...graph.initializer].map((t) => [t.name, t]));
  for (const node of graph.node) {
    const matMul = matMuls.get(node);
    const conv = convs.get(node);
    const integerOrQdq = form === 'qdq' ? 'qdq' : 'integer';
    if (matMul && form === 'nbits') sizes.add(emitNBits(dynamic, node, matMul, blockSize, biases));
    else if (matMul) emitMatMul(dynamic, node, matMul, integerOrQdq);
    else if (conv) emitConv(dynamic, node, conv, integerOrQdq);
    else dynamic.nodes.push(node);
  }
  graph.node = [...dynamic.store.nodes, ...dynamic.nodes];
  const replaced = [...matMuls.values(), ...convs.values()].flatMap((r) => [
    r.use.weight.name,
    r.use.node.input[2] ?? '',
  ]);
  dropUnused(graph, [...dynamic.store.replaced, ...replaced, ...dynamic.superseded]);
  if (form === 'nbits' && matMuls.size > 0 && !out.opsetImport.some((o) => o.domain === MS_DOMAIN))
    out.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: MS_DOMAIN, version: 1n }));

  const notes: string[] = [];
  if (matMuls.size > 0) {
    const weights = [...matMuls.values()].map((r) => r.use.weight).filter(unique);
    const before = tensorBytes(weights);
    const ops = countBy([...matMuls.values()].map((r) => r.use.op));
    const shrunk = int8SizeNote(before);
    notes.push(
      form === 'nbits'
        ? `${ops} run as MatMulNBits (com.microsoft, bits 8, accuracy_level 4); weights int8 in blocks of ` +
            `${[...sizes].sort((a, b) => b - a).join('/')} along K: ${shrunk}`
        : `${ops} run as DynamicQuantizeLinear + ${form === 'qdq' ? 'DequantizeLinear + MatMul' : 'MatMulInteger'}; ` +
            `${plural(weights.length, 'weight')} int8 ${perChannel ? 'per column' : 'per tensor'}: ${shrunk}`,
    );
  }
  if (convs.size > 0) {
    const weights = [...convs.values()].map((r) => r.use.weight).filter(unique);
    const before = tensorBytes(weights);
    notes.push(
      `${convs.size} Conv run as DynamicQuantizeLinear + ${form === 'qdq' ? 'DequantizeLinear + Conv' : 'ConvInteger'}; ` +
        `${plural(weights.length, 'weight')} int8 ${perChannel ? 'per output channel' : 'per tensor'}: ` +
        int8SizeNote(before),
    );
  }
  if (!perChannel && perChannelAsked)
    notes.push(`per-tensor weight scales: opset ${opset} has no per-axis DequantizeLinear (13+)`);
  const left = [...convsLeft.values()].reduce((a, b) => a + b, 0);
  if (left > 0) notes.push(`${left} Conv left in float${leftNote(convsLeft)}`);
  if (hoisted > 0) notes.push(hoistedNote(hoisted));
  return { kind: 'changed', model: out, notes };
}

/** ": 2 weight is not a float constant, 1 bias is not a constant" (empty when nothing was left). */
function leftNote(left: Map<string, number>): string {
  return left.size === 0 ? '' : `: ${[...left].map(([why, n]) => `${n} ${why}`).join(', ')}`;
}

/** "1 weight", "3 weights" */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
