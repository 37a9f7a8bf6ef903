import { UsageError } from '../../core/errors.js';
import type { Column, ColumnType } from '../../core/data/types.js';

/** What one JSON key holds across rows: a float64 tensor of `rowShape`, a bool, or a string. */
export interface JsonColumnKind {
  type: Extract<ColumnType, 'float64' | 'bool' | 'string'>;
  rowShape: number[];
}

/** Kind of one value; null for null/absent; undefined for what no column can hold (objects, ragged or non-numeric arrays). */
export function kindOf(value: unknown): JsonColumnKind | null | undefined {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return { type: 'float64', rowShape: [] };
  if (typeof value === 'boolean') return { type: 'bool', rowShape: [] };
  if (typeof value === 'string') return { type: 'string', rowShape: [] };
  if (Array.isArray(value)) {
    const shape = numericShape(value);
    return shape ? { type: 'float64', rowShape: shape } : undefined;
  }
  return undefined;
}

/** Shape of a rectangular nested array of numbers, or undefined. */
function numericShape(value: unknown[]): number[] | undefined {
  if (value.length === 0 || value.every((v) => typeof v === 'number')) return [value.length];
  if (!value.every(Array.isArray)) return undefined;
  const inner = numericShape(value[0] as unknown[]);
  if (!inner) return undefined;
  for (const item of value as unknown[][]) {
    const shape = numericShape(item);
    if (!shape || !sameShape(shape, inner)) return undefined;
  }
  return [value.length, ...inner];
}

export function sameKind(a: JsonColumnKind, b: JsonColumnKind): boolean {
  return a.type === b.type && sameShape(a.rowShape, b.rowShape);
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

export function describeKind(kind: JsonColumnKind | null | undefined): string {
  if (kind === null) return 'null';
  if (kind === undefined) return 'an object or an array that is not a rectangle of numbers';
  if (kind.type !== 'float64' || kind.rowShape.length === 0)
    return `a ${kind.type === 'float64' ? 'number' : kind.type}`;
  return `a number array of shape [${kind.rowShape.join(', ')}]`;
}

/** Fills one column of a batch from JSON values, checking each against the column's kind. */
export class JsonColumnWriter {
  private readonly size: number;
  private floats: Float64Array;
  private flags: Uint8Array;
  private texts: string[];

  constructor(
    private readonly path: string,
    readonly name: string,
    readonly kind: JsonColumnKind,
    private readonly capacity: number,
  ) {
    this.size = kind.rowShape.reduce((a, b) => a * b, 1);
    this.floats = new Float64Array(0);
    this.flags = new Uint8Array(0);
    this.texts = [];
    this.reset();
  }

  reset(): void {
    if (this.kind.type === 'float64') this.floats = new Float64Array(this.capacity * this.size);
    else if (this.kind.type === 'bool') this.flags = new Uint8Array(this.capacity);
    else this.texts = new Array<string>(this.capacity);
  }

  write(row: number, value: unknown, line: number): void {
    const { type } = this.kind;
    if (type === 'float64' && this.size === 1 && this.kind.rowShape.length === 0) {
      if (typeof value === 'number') this.floats[row] = value;
      else if (value === null || value === undefined) this.floats[row] = NaN;
      else throw this.mismatch(value, line);
    } else if (type === 'float64') {
      if (value === null || value === undefined) {
        this.floats.fill(NaN, row * this.size, (row + 1) * this.size);
        return;
      }
      const kind = kindOf(value);
      if (!kind || !sameKind(kind, this.kind)) throw this.mismatch(value, line);
      this.floats.set((value as unknown[]).flat(Infinity) as number[], row * this.size);
    } else if (type === 'bool') {
      if (typeof value !== 'boolean') throw this.mismatch(value, line);
      this.flags[row] = value ? 1 : 0;
    } else if (typeof value === 'string') {
      this.texts[row] = value;
    } else if (value === null || value === undefined) {
      this.texts[row] = '';
    } else {
      throw this.mismatch(value, line);
    }
  }

  column(rows: number): Column {
    const { type, rowShape } = this.kind;
    const data =
      type === 'float64'
        ? this.floats.subarray(0, rows * this.size)
        : type === 'bool'
          ? this.flags.subarray(0, rows)
          : rows === this.capacity
            ? this.texts
            : this.texts.slice(0, rows);
    return { name: this.name, type, rowShape, data };
  }

  private mismatch(value: unknown, line: number): UsageError {
    return new UsageError(
      `${this.path}:${line}: '${this.name}' is ${describeKind(kindOf(value))} but the column holds ${describeKind(this.kind)}`,
      { fix: 'give the key the same kind of value on every line (null for a missing number or string)' },
    );
  }
}
