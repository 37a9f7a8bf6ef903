import type { ModelProto, NodeProto, TensorProto } from 'onnx-buf';
import { makeNode, makeTensor, tensorValues, type AttributeValue } from '../../onnx/index.js';
import type { OptimizationPass, PassContext, PassResult } from '../pass.js';
import { activationRange, checkCalibration } from './calibration.js';
import { attrFloat, dropUnused, findWeightUses, NameScope, type WeightUse } from './graph-edit.js';
import { hoistedNote } from './constant-weights.js';
import { boolOption, choiceOption, numberOption } from './options.js';
import { rangeParams, roundHalfEven } from './quant-math.js';
import { countBy, startWeightPass } from './weight-pass.js';
import { WeightStore } from './weight-store.js';

const NAME = 'int8-static';

/**
 * Static int8 in the QDQ form: each MatMul/Gemm/Conv reads its activation through a
 * QuantizeLinear → DequantizeLinear pair whose uint8 scale and zero point come from calibration
 * data, its weight from an int8 initializer (per channel) through DequantizeLinear, and its bias
 * from an int32 initializer at scale activation × weight. onnxruntime fuses these pairs into
 * integer kernels (QLinearConv, QLinearMatMul, MatMulIntegerToFloat).
 *
 * Needs calibration feeds (PassContext.calibration) and a way to run the model (observe); without
 * them the pass is skipped. Options: `calibration` minmax (default) or percentile, `percentile`
 * (default 99.99), `per-channel` (default true).
 */
export const int8StaticPass: OptimizationPass = {
  name: NAME,
  summary: 'static int8 (QDQ): activation ranges from calibration data (min-max or percentile), int8 weights',
  apply: (model, context) => quantizeStatic(model, context),
};

async function quantizeStatic(model: ModelProto, context: PassContext): Promise<PassResult> {
  const perChannelAsked = boolOption(NAME, context.options, 'per-channel', true);
  const method = choiceOption(
    NAME,
    context.options,
    'calibration',
    ['minmax', 'percentile'] as const,
    'minmax',
  );
  const percentile = numberOption(NAME, context.options, 'percentile', [50, 100], 99.99);
  const start = startWeightPass(model, { op: 'QuantizeLinear', opset: 10 }, ['MatMul', 'Gemm', 'Conv']);
  if (start.kind === 'skipped') return start;
  const { model: out, graph, opset, hoisted } = start;
  const initialized = new Set(graph.initializer.map((t) => t.name));
  const uses = findWeightUses(graph, ['MatMul', 'Gemm', 'Conv']).filter(
    (u) => !initialized.has(u.node.input[0]!),
  );
  if (uses.length === 0) {
    return {
      kind: 'skipped',
      reason: 'no MatMul, Gemm or Conv node reads an activation and a float weight initializer',
    };
  }
  const calibration = context.calibration ?? [];
  if (calibration.length === 0 || !context.observe) {
    return {
      kind: 'skipped',
      reason: 'static int8 needs calibration data: give --data with rows the model can run on',
    };
  }
  checkCalibration(model, calibration);

  const activations = [...new Set(uses.map((u) => u.node.input[0]!))];
  const observed = await context.observe(model, calibration, activations);
  const names = new NameScope(graph);
  const params = new Map<string, { scale: number; zeroPoint: number; q: [string, string, string] }>();
  for (const name of activations) {
    const [min, max] = activationRange(observed.get(name) ?? [], method, percentile);
    const p = rangeParams(min, max, 'uint8');
    const scale = names.fresh(`${name}_scale`);
    const zeroPoint = names.fresh(`${name}_zero_point`);
    graph.initializer.push(
      makeTensor(scale, new Float32Array([p.scale]), []),
      makeTensor(zeroPoint, new Uint8Array([p.zeroPoint]), []),
    );
    params.set(name, { ...p, q: [name, scale, zeroPoint] });
  }

  const perChannel = perChannelAsked && opset >= 13;
  const store = new WeightStore(graph, names, 'int8');
  const byNode = new Map(uses.map((u) => [u.node, u]));
  const dequantizedActivation = new Map<string, string>();
  const replacedBiases: string[] = [];
  const nodes: NodeProto[] = [];
  for (const node of graph.node) {
    const use = byNode.get(node);
    if (!use) {
      nodes.push(node);
      continue;
    }
    const input = node.input[0]!;
    const { scale, q } = params.get(input)!;
    let dequantized = dequantizedActivation.get(input);
    if (!dequantized) {
      const quantized = names.fresh(`${input}_quantized`);
      dequantized = names.fresh(`${input}_dequantized`);
      nodes.push(
        makeNode('QuantizeLinear', q, [quantized], {}, { name: names.fresh(`${input}_quantize`) }),
        makeNode(
          'DequantizeLinear',
          [quantized, q[1], q[2]],
          [dequantized],
          {},
          {
            name: names.fresh(`${input}_dequantize`),
          },
        ),
      );
      dequantizedActivation.set(input, dequantized);
    }
    const axis = perChannel ? use.axis : undefined;
    node.input[0] = dequantized;
    node.input[1] = store.dequantized(use.weight, axis);
    const bias = quantizedBias(use, graph.initializer, scale, store, axis, names, nodes);
    if (bias) {
      replacedBiases.push(node.input[2]!);
      node.input[2] = bias;
    }
    nodes.push(node);
  }
  graph.node = [...store.nodes, ...nodes];
  dropUnused(graph, [...store.replaced, ...replacedBiases]);

  const notes = [
    `${countBy(uses.map((u) => u.op))} in QDQ int8: ${activations.length} activation ranges from ` +
      `${calibration.length} calibration batch${calibration.length === 1 ? '' : 'es'} (${
        method === 'minmax' ? 'min-max' : `percentile ${percentile}`
      }), ${store.count} weights int8 ${perChannel ? 'per channel' : 'per tensor'}`,
  ];
  if (perChannelAsked && !perChannel)
    notes.push(`per-tensor weight scales: opset ${opset} has no per-axis DequantizeLinear (13+)`);
  if (hoisted > 0) notes.push(hoistedNote(hoisted));
  return { kind: 'changed', model: out, notes };
}

/**
 * Conv's bias, or Gemm's C when alpha = beta = 1 and C is one value per output, as int32 at scale
 * activation scale × weight scale (zero point 0): the layout integer kernels add directly.
 */
function quantizedBias(
  use: WeightUse,
  initializers: TensorProto[],
  activationScale: number,
  store: WeightStore,
  axis: number | undefined,
  names: NameScope,
  nodes: NodeProto[],
): string | undefined {
  const { node } = use;
  const bias = initializers.find((t) => t.name === (node.input[2] ?? ''));
  if (!bias || bias.dataType !== use.weight.dataType || bias.dims.length !== 1) return undefined;
  if (use.op === 'Gemm' && (attrFloat(node, 'alpha', 1) !== 1 || attrFloat(node, 'beta', 1) !== 1))
    return undefined;
  if (use.op === 'MatMul' || use.axis === undefined) return undefined;
  const channels = use.weight.dims.map(Number)[use.axis]!;
  if (Number(bias.dims[0]) !== channels) return undefined;
  const stored = store.store(use.weight, axis);
  const values = tensorValues(bias) as Float32Array;
  const scales = Float32Array.from({ length: axis === undefined ? 1 : channels }, (_, c) =>
    Math.fround(activationScale * stored.quantized.scales[c]!),
  );
  const q = Int32Array.from(values, (v, c) => {
    const s = scales[axis === undefined ? 0 : c]!;
    return s === 0 ? 0 : Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, roundHalfEven(v / s)));
  });
  const base = bias.name || 'bias';
  const data = names.fresh(`${base}_quantized`);
  const scale = names.fresh(`${base}_scale`);
  const zeroPoint = names.fresh(`${base}_zero_point`);
  const output = names.fresh(`${base}_dequantized`);
  const paramDims = axis === undefined ? [] : [channels];
  initializers.push(
    makeTensor(data, q, [channels]),
    makeTensor(scale, scales, paramDims),
    makeTensor(zeroPoint, new Int32Array(scales.length), paramDims),
  );
  const attrs: Record<string, AttributeValue> = axis === undefined ? {} : { axis: { int: 0 } };
  nodes.push(
    makeNode('DequantizeLinear', [data, scale, zeroPoint], [output], attrs, {
      name: names.fresh(`${output}_node`),
    }),
  );
  return output;
}
