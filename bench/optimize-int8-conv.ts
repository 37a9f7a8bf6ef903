// Writes the one-Conv models bench/optimize-int8-conv.bench.mjs times: `node conv.mjs OUT_DIR`.
// A Conv 16→32 channels, 3×3, pads 1 (+bias) on a 16×16 input, as fp32; as `int8` writes it
// (DynamicQuantizeLinear → ConvInteger with uint8 weights → Cast → Mul → Add); and two bare
// integer convolutions (DynamicQuantizeLinear → ConvInteger, int32 out) with the same weights
// stored as uint8 (+128, zero point 128) and as int8 (zero point 0): the choice the pass made.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildModel,
  makeNode,
  makeTensor,
  writeModel,
  type ModelProto,
  type ValueSpec,
} from '../src/core/onnx/index.js';
import { int8DynamicPass } from '../src/core/optimize/quantize/index.js';
import { quantizeTensor } from '../src/core/optimize/quantize/quant-math.js';

const out = process.argv[2]!;
let state = 11;
const random = (n: number, scale: number): Float32Array =>
  Float32Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ((state / 2 ** 32) * 2 - 1) * scale;
  });

const [c, m, size] = [16, 32, 16];
const dims = [m, c, 3, 3];
const weight = random(m * c * 9, 0.2);
const input: ValueSpec = { name: 'input', elementType: 'float', shape: ['N', c, size, size] };
const fp32 = buildModel({
  inputs: [input],
  outputs: [{ name: 'output', elementType: 'float', shape: ['N', m, size, size] }],
  initializers: [makeTensor('W', weight, dims), makeTensor('B', random(m, 0.1), [m])],
  nodes: [makeNode('Conv', ['input', 'W', 'B'], ['output'], { pads: { ints: [1, 1, 1, 1] } })],
});
const result = await int8DynamicPass.apply(fp32, {});
if (result.kind !== 'changed') throw new Error(result.reason);
const q = quantizeTensor(weight, dims, 'int8', 0);
const bare = (data: Int8Array | Uint8Array, zero: Int8Array | Uint8Array): ModelProto =>
  buildModel({
    inputs: [input],
    outputs: [{ name: 'output', elementType: 'int32', shape: ['N', m, size, size] }],
    initializers: [makeTensor('W', data, dims), makeTensor('W_zero_point', zero, [])],
    nodes: [
      makeNode('DynamicQuantizeLinear', ['input'], ['x', 'x_scale', 'x_zero_point']),
      makeNode('ConvInteger', ['x', 'W', 'x_zero_point', 'W_zero_point'], ['output'], {
        pads: { ints: [1, 1, 1, 1] },
      }),
    ],
  });
const models: Record<string, ModelProto> = {
  fp32,
  int8: result.model,
  'ConvInteger uint8 weights': bare(
    Uint8Array.from(q.values, (v) => v + 128),
    new Uint8Array([128]),
  ),
  'ConvInteger int8 weights': bare(q.values, new Int8Array(1)),
};
for (const [name, model] of Object.entries(models))
  writeFileSync(join(out, `${name}.onnx`), writeModel(model));
