// Writes the one-operator models bench/optimize-int8-kernels.bench.mjs times:
// `node kernels.mjs OUT_DIR`. For each weight shape K×N: fp32 (Gemm with bias, what torch's Linear
// exports), its `int8` result (DynamicQuantizeLinear + MatMulInteger, run by onnxruntime as
// DynamicQuantizeMatMul), its `int8:form=nbits` result (MatMulNBits, block 64), and the bare
// integer GEMM (com.microsoft MatMulIntegerToFloat on an already-quantized uint8 input).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildModel, makeNode, makeTensor, writeModel, type ModelProto } from '../src/core/onnx/index.js';
import { int8DynamicPass } from '../src/core/optimize/quantize/index.js';
import { quantizeTensor } from '../src/core/optimize/quantize/quant-math.js';

const out = process.argv[2]!;
let state = 7;
const random = (n: number, scale: number): Float32Array =>
  Float32Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return ((state / 2 ** 32) * 2 - 1) * scale;
  });

for (const [k, n] of [
  [128, 128],
  [128, 512],
  [256, 512],
] as const) {
  const weight = random(k * n, 0.1);
  const bias = random(n, 0.1);
  const fp32 = buildModel({
    inputs: [{ name: 'input', elementType: 'float', shape: ['M', k] }],
    outputs: [{ name: 'output', elementType: 'float', shape: ['M', n] }],
    initializers: [makeTensor('W', weight, [k, n]), makeTensor('B', bias, [n])],
    nodes: [makeNode('Gemm', ['input', 'W', 'B'], ['output'])],
  });
  const changed = async (options: Record<string, string | number>): Promise<ModelProto> => {
    const result = await int8DynamicPass.apply(fp32, { options });
    if (result.kind !== 'changed') throw new Error(result.reason);
    return result.model;
  };
  const q = quantizeTensor(weight, [k, n], 'int8', 1);
  const gemmOnly = buildModel({
    inputs: [{ name: 'input', elementType: 'uint8', shape: ['M', k] }],
    outputs: [{ name: 'output', elementType: 'float', shape: ['M', n] }],
    initializers: [
      makeTensor('W', q.values, [k, n]),
      makeTensor('a_scale', new Float32Array([0.01]), []),
      makeTensor('w_scale', q.scales, [n]),
      makeTensor('a_zero_point', new Uint8Array([128]), []),
      makeTensor('w_zero_point', q.zeroPoints, [n]),
      makeTensor('B', bias, [n]),
    ],
    nodes: [
      makeNode(
        'MatMulIntegerToFloat',
        ['input', 'W', 'a_scale', 'w_scale', 'a_zero_point', 'w_zero_point', 'B'],
        ['output'],
        {},
        { domain: 'com.microsoft' },
      ),
    ],
    opsets: { '': 17, 'com.microsoft': 1 },
  });
  const models: Record<string, ModelProto> = {
    fp32,
    int8: await changed({}),
    'int8 (form=nbits)': await changed({ form: 'nbits', 'block-size': 64 }),
    'integer GEMM only': gemmOnly,
  };
  for (const [name, model] of Object.entries(models))
    writeFileSync(join(out, `${k}x${n} ${name}.onnx`), writeModel(model));
}
// onnxruntime-node's fixed cost per run: a model that only copies its input.
const overhead = buildModel({
  inputs: [{ name: 'input', elementType: 'float', shape: ['M', 128] }],
  outputs: [{ name: 'output', elementType: 'float', shape: ['M', 128] }],
  nodes: [makeNode('Identity', ['input'], ['output'])],
});
writeFileSync(join(out, '128x0 overhead.onnx'), writeModel(overhead));
