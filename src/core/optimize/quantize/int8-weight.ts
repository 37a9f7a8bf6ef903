import type { OptimizationPass, PassContext, PassResult } from '../pass.js';
import { dropUnused, findWeightUses, NameScope, tensorBytes } from './graph-edit.js';
import { hoistedNote } from './constant-weights.js';
import { boolOption, choiceOption } from './options.js';
import { countBy, int8SizeNote, startWeightPass, unique } from './weight-pass.js';
import { WeightStore } from './weight-store.js';
import type { ModelProto } from 'onnx-buf';

const NAME = 'int8-weight';

/**
 * Weight-only int8: MatMul, Gemm and Conv weights are stored as int8 (or uint8) with a scale and
 * zero point, per output channel by default, and a DequantizeLinear restores the float weight in
 * front of the unchanged op. About 4× smaller weights; compute stays float.
 *
 * Options: `per-channel` (default true; per-tensor below opset 13, which has no per-axis
 * DequantizeLinear), `type` int8 (symmetric, default) or uint8 (asymmetric).
 */
export const int8WeightPass: OptimizationPass = {
  name: NAME,
  summary:
    'MatMul/Gemm/Conv weights stored as int8 + scale with DequantizeLinear (about 4x smaller; float compute)',
  apply: (model, context) => quantizeWeightsOnly(model, context),
};

function quantizeWeightsOnly(model: ModelProto, context: PassContext): PassResult {
  const perChannelAsked = boolOption(NAME, context.options, 'per-channel', true);
  const type = choiceOption(NAME, context.options, 'type', ['int8', 'uint8'] as const, 'int8');
  const start = startWeightPass(model, { op: 'DequantizeLinear', opset: 10 }, ['MatMul', 'Gemm', 'Conv']);
  if (start.kind === 'skipped') return start;
  const { model: out, graph, opset, hoisted } = start;
  const uses = findWeightUses(graph, ['MatMul', 'Gemm', 'Conv']);
  if (uses.length === 0) {
    return { kind: 'skipped', reason: 'no MatMul, Gemm or Conv node reads a float weight initializer' };
  }
  const notes: string[] = [];
  const perChannel = perChannelAsked && opset >= 13;
  if (perChannelAsked && !perChannel)
    notes.push(`per-tensor scales: opset ${opset} has no per-axis DequantizeLinear (13+)`);

  const before = tensorBytes(uses.map((u) => u.weight).filter(unique));
  const store = new WeightStore(graph, new NameScope(graph), type);
  for (const use of uses)
    use.node.input[1] = store.dequantized(use.weight, perChannel ? use.axis : undefined);
  graph.node.unshift(...store.nodes);
  dropUnused(graph, store.replaced);

  const ops = countBy(uses.map((u) => u.op));
  notes.unshift(
    `${store.count} weights of ${ops} stored as ${type} ${perChannel ? 'per channel' : 'per tensor'}: ` +
      int8SizeNote(before),
  );
  if (hoisted > 0) notes.push(hoistedNote(hoisted));
  return { kind: 'changed', model: out, notes };
}
