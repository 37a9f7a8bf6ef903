import { buildModel, makeNode, makeTensor, writeModel } from '../../src/core/onnx/index.js';
import { createSession } from '../../src/platform/runtime/session.js';
import { loadServedModel } from '../../src/serve/load-served-model.js';
import type { ServedModel } from '../../src/serve/served-model.js';

/** Deterministic pseudo-random values in [-1, 1) (a small LCG), so fixtures are reproducible. */
export function seeded(count: number, seed = 1): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/**
 * An MLP x[batch, sizes[0]] → y[batch, sizes.at(-1)]: MatMul + Add + Relu per hidden layer,
 * a plain affine output layer. Weights are seeded, scaled by 1/sqrt(fan-in).
 */
export function mlpBytes(sizes: readonly number[] = [8, 16, 3]): Uint8Array {
  const nodes = [];
  const initializers = [];
  let current = 'x';
  for (let layer = 0; layer < sizes.length - 1; layer++) {
    const [fanIn, fanOut] = [sizes[layer]!, sizes[layer + 1]!];
    const w = seeded(fanIn * fanOut, 7 + layer).map((v) => v / Math.sqrt(fanIn));
    initializers.push(makeTensor(`w${layer}`, w, [fanIn, fanOut]));
    initializers.push(makeTensor(`b${layer}`, seeded(fanOut, 100 + layer), [fanOut]));
    const last = layer === sizes.length - 2;
    nodes.push(makeNode('MatMul', [current, `w${layer}`], [`m${layer}`]));
    nodes.push(makeNode('Add', [`m${layer}`, `b${layer}`], [last ? 'y' : `a${layer}`]));
    if (!last) nodes.push(makeNode('Relu', [`a${layer}`], [`h${layer}`]));
    current = `h${layer}`;
  }
  return writeModel(
    buildModel({
      inputs: [{ name: 'x', elementType: 'float', shape: ['batch', sizes[0]!] }],
      outputs: [{ name: 'y', elementType: 'float', shape: ['batch', sizes.at(-1)!] }],
      initializers,
      nodes,
      opsets: { '': 17 },
    }),
  );
}

/** y = x * 2 over x[batch, n] with n symbolic too, so requests may differ in their trailing dim. */
export function doublerBytes(elementType = 'float'): Uint8Array {
  const two = elementType === 'int64' ? new BigInt64Array([2n]) : new Float32Array([2]);
  return writeModel(
    buildModel({
      inputs: [{ name: 'x', elementType, shape: ['batch', 'n'] }],
      outputs: [{ name: 'y', elementType, shape: ['batch', 'n'] }],
      initializers: [makeTensor('two', two, [1], elementType)],
      nodes: [makeNode('Mul', ['x', 'two'], ['y'])],
      opsets: { '': 17 },
    }),
  );
}

/** int64 ids[batch] and a BYTES-free float: two inputs of different types, outputs an int64 and a bool. */
export function mixedBytes(): Uint8Array {
  return writeModel(
    buildModel({
      inputs: [
        { name: 'ids', elementType: 'int64', shape: ['batch', 2] },
        { name: 'flags', elementType: 'bool', shape: ['batch', 2] },
      ],
      outputs: [
        { name: 'next', elementType: 'int64', shape: ['batch', 2] },
        { name: 'negated', elementType: 'bool', shape: ['batch', 2] },
      ],
      initializers: [makeTensor('one', new BigInt64Array([1n]), [1], 'int64')],
      nodes: [makeNode('Add', ['ids', 'one'], ['next']), makeNode('Not', ['flags'], ['negated'])],
      opsets: { '': 17 },
    }),
  );
}

/** sum = a + b over a[batch, 2], b[batch, 2]: a request whose two inputs disagree on rows fails in onnxruntime. */
export function adderBytes(): Uint8Array {
  return writeModel(
    buildModel({
      inputs: [
        { name: 'a', elementType: 'float', shape: ['batch', 2] },
        { name: 'b', elementType: 'float', shape: ['batch', 2] },
      ],
      outputs: [{ name: 'sum', elementType: 'float', shape: ['batch', 2] }],
      nodes: [makeNode('Add', ['a', 'b'], ['sum'])],
      opsets: { '': 17 },
    }),
  );
}

export function loadModel(name: string, bytes: Uint8Array, version?: string): Promise<ServedModel> {
  return loadServedModel({ name, version, bytes, source: name, createSession });
}
