import { describe, it, expect } from 'vitest';
import type { ModelSignature, TensorSignature } from '../../../src/core/onnx/signature-types.js';
import { bumpFor, diffSignatures } from '../../../src/core/registry/signature-diff.js';

const tensor = (
  name: string,
  shape: TensorSignature['shape'] = ['batch', 4],
  elementType = 'float',
): TensorSignature => ({
  name,
  kind: 'tensor',
  elementType,
  shape,
});

function makeSignature(overrides: Partial<ModelSignature> = {}): ModelSignature {
  return {
    inputs: [tensor('features')],
    outputs: [tensor('label', ['batch'], 'int64'), tensor('probabilities', ['batch', 2])],
    opsets: [{ domain: '', version: 17 }],
    ...overrides,
  };
}

const lines = (before: ModelSignature, after: ModelSignature, optionalInputs?: string[]) =>
  diffSignatures(before, after, { optionalInputs }).map((c) => c.line);

describe('diffSignatures', () => {
  const base = makeSignature();

  it('is a patch when only the weights changed', () => {
    const changes = diffSignatures(base, makeSignature());
    expect(changes).toEqual([]);
    expect(bumpFor(changes)).toBe('patch');
  });

  it('reports symbol renames as patch-level lines', () => {
    const after = makeSignature({ inputs: [tensor('features', ['N', 4])] });
    expect(lines(base, after)).toEqual(['patch: input "features" dim 0 symbol batch → N']);
    expect(bumpFor(diffSignatures(base, after))).toBe('patch');
  });

  it('major: removed output, renamed input, dtype, rank, fixed dim, new required input', () => {
    const after = makeSignature({
      inputs: [tensor('x', ['batch', 8], 'float16'), tensor('mask', ['batch', 4], 'bool')],
      outputs: [tensor('label', ['batch', 1], 'int64')],
    });
    const renamed = makeSignature({ inputs: [tensor('x')] });
    expect(lines(base, renamed)).toEqual(['major: input "features" renamed to "x"']);
    expect(bumpFor(diffSignatures(base, renamed))).toBe('major');

    expect(lines(base, after)).toEqual([
      'major: input "features" removed (float [batch, 4])',
      'major: input "x" added as required (float16 [batch, 8]); existing callers do not feed it',
      'major: input "mask" added as required (bool [batch, 4]); existing callers do not feed it',
      'major: output "probabilities" removed (float [batch, 2])',
      'major: output "label" rank 1 → 2 ([batch] → [batch, 1])',
    ]);

    const dtype = makeSignature({ inputs: [tensor('features', ['batch', 4], 'double')] });
    expect(lines(base, dtype)).toEqual(['major: input "features" element type float → double']);
    const dim = makeSignature({ inputs: [tensor('features', ['batch', 5])] });
    expect(lines(base, dim)).toEqual(['major: input "features" dim 1 4 → 5']);
    expect(bumpFor(diffSignatures(base, dim))).toBe('major');
    const tightened = makeSignature({ inputs: [tensor('features', [1, 4])] });
    expect(lines(base, tightened)).toEqual([
      'major: input "features" dim 0 batch → 1 (callers sending other sizes fail)',
    ]);
    const kind = makeSignature({
      outputs: [
        { ...tensor('label', ['batch'], 'int64'), kind: 'sequence' },
        tensor('probabilities', ['batch', 2]),
      ],
    });
    expect(lines(base, kind)).toEqual(['major: output "label" kind tensor → sequence']);
  });

  it('minor: new output, new optional input, opset change, loosened fixed dim', () => {
    const fixed = makeSignature({ inputs: [tensor('features', [1, 4])] });
    const after = makeSignature({
      inputs: [tensor('features', ['batch', 4]), tensor('temperature', [], 'float')],
      outputs: [...base.outputs, tensor('embedding', ['batch', 64])],
      opsets: [
        { domain: 'ai.onnx', version: 18 },
        { domain: 'ai.onnx.ml', version: 3 },
      ],
    });
    const changes = diffSignatures(fixed, after, { optionalInputs: ['temperature'] });
    expect(changes.map((c) => c.line)).toEqual([
      'minor: input "temperature" added as optional (float [])',
      'minor: input "features" dim 0 1 → batch (now dynamic)',
      'minor: output "embedding" added (float [batch, 64])',
      'minor: opset ai.onnx 17 → 18',
      'minor: opset ai.onnx.ml added (3)',
    ]);
    expect(changes.map((c) => c.kind)).toEqual([
      'input-added',
      'dim-loosened',
      'output-added',
      'opset-changed',
      'opset-added',
    ]);
    expect(bumpFor(changes)).toBe('minor');
  });

  it('sorts major changes first and takes the most severe level', () => {
    const after = makeSignature({
      inputs: [tensor('features', ['batch', 4], 'int8')],
      outputs: [...base.outputs, tensor('extra', null)],
      opsets: [{ domain: '', version: 18 }],
    });
    const changes = diffSignatures(base, after);
    expect(changes.map((c) => c.level)).toEqual(['major', 'minor', 'minor']);
    expect(bumpFor(changes)).toBe('major');
  });

  it('treats unknown rank by direction', () => {
    const unknown = makeSignature({ inputs: [tensor('features', null)] });
    expect(lines(base, unknown)).toEqual(['minor: input "features" shape [batch, 4] → [*]']);
    expect(lines(unknown, base)).toEqual(['major: input "features" shape [*] → [batch, 4]']);
  });
});
