import { UsageError } from '../errors.js';
import type { Dim, TensorSignature } from '../onnx/index.js';

/** One declared input or output: `name: type[dim, …]`; a dim is a size, a symbol (any size) or `?`. */
export interface DeclaredValue {
  name: string;
  elementType: string;
  shape: Array<number | null> | null;
}

const VALUE = /^\s*([^:\s][^:]*?)\s*:\s*([a-z0-9]+)\s*(?:\[([^\]]*)\])?\s*$/i;

/**
 * Parses `--expect-inputs` / `--expect-outputs`: values separated by `;`, each `name: type[dims]`,
 * e.g. `input: float[N, 4]` or `label: int64[N]; probabilities: float[N, 2]`. A symbolic dim (`N`,
 * `batch`) or `?` accepts any size; a number must match exactly; no brackets accepts any shape.
 */
export function parseDeclared(text: string, flag: string): DeclaredValue[] {
  return text
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = VALUE.exec(part);
      if (!match) {
        throw new UsageError(`--${flag} '${part}' is not name: type[dims]`, {
          fix: `declare each value as name: type[dims], separated by ';', e.g. --${flag} "input: float[N, 4]"`,
        });
      }
      const dims = match[3];
      return {
        name: match[1]!,
        elementType: match[2]!.toLowerCase(),
        shape:
          dims === undefined
            ? null
            : dims.trim() === ''
              ? []
              : dims.split(',').map((d) => {
                  const t = d.trim();
                  return /^\d+$/.test(t) ? Number(t) : null;
                }),
      };
    });
}

/** Every way the model's values differ from the declared ones, one line each; empty when they agree. */
export function checkDeclared(
  kind: 'input' | 'output',
  declared: readonly DeclaredValue[],
  actual: readonly TensorSignature[],
): string[] {
  const problems: string[] = [];
  for (const want of declared) {
    const got = actual.find((v) => v.name === want.name);
    if (!got) {
      problems.push(
        `${kind} '${want.name}' was declared but the model has none (its ${kind}s: ${actual.map((v) => v.name).join(', ') || 'none'})`,
      );
      continue;
    }
    if (got.elementType !== want.elementType) {
      problems.push(`${kind} '${want.name}' is ${got.elementType}, declared ${want.elementType}`);
    }
    if (want.shape === null) continue;
    if (got.shape === null) {
      problems.push(`${kind} '${want.name}' has no known shape, declared rank ${want.shape.length}`);
    } else if (got.shape.length !== want.shape.length) {
      problems.push(
        `${kind} '${want.name}' has shape [${got.shape.map(showDim).join(', ')}], declared rank ${want.shape.length}`,
      );
    } else {
      want.shape.forEach((size, axis) => {
        const dim = got.shape![axis];
        if (size !== null && dim !== size) {
          problems.push(
            `${kind} '${want.name}' has ${showDim(dim ?? null)} at axis ${axis}, declared ${size}`,
          );
        }
      });
    }
  }
  return problems;
}

function showDim(dim: Dim): string {
  return dim === null ? '?' : String(dim);
}
