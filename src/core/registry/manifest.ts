/**
 * models/<name>/model.json: what `version` records about a model version, committed beside the
 * model so a reviewer sees content hash, signature and lineage change in the PR diff. Keys are
 * written in a fixed order so regenerating an unchanged manifest produces no diff.
 */
import { UsageError } from '../errors.js';
import type { Dim, ModelSignature, OpsetImport, TensorSignature } from '../onnx/signature-types.js';
import { parseSemver } from './semver.js';
import { validateModelName } from './tag-grammar.js';

/** A dataset used to train the model, pinned by content hash. */
export interface DatasetRef {
  path: string;
  sha256: string;
}

/** Where a version came from. */
export interface Lineage {
  /** Commit the model file was registered from. */
  commit: string;
  training_params?: Record<string, unknown>;
  datasets?: DatasetRef[];
}

/** The manifest, schema 1. Field names are snake_case because the file is read by other tools too. */
export interface ModelManifest {
  schema: 1;
  name: string;
  /** SemVer without `v`; absent until the version is registered. */
  version?: string;
  sha256: string;
  size: number;
  /** A sniffed format name, e.g. 'onnx'. */
  format: string;
  ir_version?: number;
  opsets: OpsetImport[];
  signature: ModelSignature;
  producer?: { name: string; version?: string };
  /** The version this one was derived from (fine-tune, re-export). */
  parent?: string;
  lineage: Lineage;
  /** ISO 8601 timestamp. */
  created_at: string;
}

/** Serializes with a stable key order, 2-space indent and a trailing newline. */
export function serializeManifest(m: ModelManifest): string {
  const ordered = {
    schema: m.schema,
    name: m.name,
    version: m.version,
    sha256: m.sha256,
    size: m.size,
    format: m.format,
    ir_version: m.ir_version,
    opsets: m.opsets.map(orderOpset),
    signature: {
      inputs: m.signature.inputs.map(orderTensor),
      outputs: m.signature.outputs.map(orderTensor),
      opsets: m.signature.opsets.map(orderOpset),
    },
    producer: m.producer && { name: m.producer.name, version: m.producer.version },
    parent: m.parent,
    lineage: {
      commit: m.lineage.commit,
      training_params: m.lineage.training_params && sortKeysDeep(m.lineage.training_params),
      datasets: m.lineage.datasets?.map((d) => ({ path: d.path, sha256: d.sha256 })),
    },
    created_at: m.created_at,
  };
  // JSON.stringify drops undefined members, so optional fields simply disappear.
  return JSON.stringify(ordered, null, 2) + '\n';
}

const orderOpset = (o: OpsetImport): OpsetImport => ({ domain: o.domain, version: o.version });
const orderTensor = (t: TensorSignature): TensorSignature => ({
  name: t.name,
  kind: t.kind,
  elementType: t.elementType,
  shape: t.shape,
});

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeysDeep((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Parses and validates a manifest read from disk. Throws a UsageError naming the file, the field
 * and the bad value. Unknown keys are ignored so newer writers stay readable.
 */
export function parseManifest(text: string, file = 'model.json'): ModelManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message.split('\n')[0]})`, {
      fix: 'fix the file or delete it and re-run `modelops version`',
      cause: error,
    });
  }
  const v = new Checker(file);
  const m = v.object(raw, '');
  if (m.schema !== 1)
    v.fail('schema', m.schema, 'this modelops reads schema 1; upgrade modelops to read newer manifests');
  const name = v.string(m.name, 'name');
  try {
    validateModelName(name);
  } catch (error) {
    v.fail('name', name, (error as UsageError).fix ?? 'use a valid model name');
  }
  const lineage = v.object(m.lineage, 'lineage');
  const manifest: ModelManifest = {
    schema: 1,
    name,
    version: v.optional(m.version, 'version', (x, p) => v.semver(x, p)),
    sha256: v.hex(m.sha256, 'sha256', [64]),
    size: v.integer(m.size, 'size', 0),
    format: v.string(m.format, 'format'),
    ir_version: v.optional(m.ir_version, 'ir_version', (x, p) => v.integer(x, p, 1)),
    opsets: v.array(m.opsets, 'opsets', (x, p) => v.opset(x, p)),
    signature: v.signature(m.signature, 'signature'),
    producer: v.optional(m.producer, 'producer', (x, p) => {
      const o = v.object(x, p);
      return {
        name: v.string(o.name, `${p}.name`),
        version: v.optional(o.version, `${p}.version`, (y, q) => v.string(y, q)),
      };
    }),
    parent: v.optional(m.parent, 'parent', (x, p) => v.semver(x, p)),
    lineage: {
      // sha1 or sha256 object names.
      commit: v.hex(lineage.commit, 'lineage.commit', [40, 64]),
      training_params: v.optional(lineage.training_params, 'lineage.training_params', (x, p) =>
        v.object(x, p),
      ),
      datasets: v.optional(lineage.datasets, 'lineage.datasets', (x, p) =>
        v.array(x, p, (d, q) => {
          const o = v.object(d, q);
          return { path: v.string(o.path, `${q}.path`), sha256: v.hex(o.sha256, `${q}.sha256`, [64]) };
        }),
      ),
    },
    created_at: v.timestamp(m.created_at, 'created_at'),
  };
  return stripUndefined(manifest);
}

function stripUndefined<T extends object>(value: T): T {
  for (const k of Object.keys(value) as (keyof T)[]) if (value[k] === undefined) delete value[k];
  if ('lineage' in value) stripUndefined(value.lineage as object);
  return value;
}

const TENSOR_KINDS = new Set<TensorSignature['kind']>([
  'tensor',
  'sequence',
  'map',
  'sparse_tensor',
  'optional',
  'unknown',
]);

/** Field checks that throw one-line UsageErrors carrying the file and the field path. */
class Checker {
  constructor(private readonly file: string) {}

  fail(path: string, value: unknown, expected: string): never {
    const shown = value === undefined ? 'missing' : `got ${JSON.stringify(value)?.slice(0, 80)}`;
    throw new UsageError(`${this.file}: "${path || '(root)'}" is invalid (${shown})`, { fix: expected });
  }
  object(x: unknown, p: string): Record<string, unknown> {
    if (x === null || typeof x !== 'object' || Array.isArray(x)) this.fail(p, x, 'expected a JSON object');
    return x as Record<string, unknown>;
  }
  string(x: unknown, p: string): string {
    if (typeof x !== 'string' || x === '') this.fail(p, x, 'expected a non-empty string');
    return x;
  }
  integer(x: unknown, p: string, min: number): number {
    if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min)
      this.fail(p, x, `expected an integer ≥ ${min}`);
    return x;
  }
  hex(x: unknown, p: string, lengths: number[]): string {
    if (typeof x !== 'string' || !/^[0-9a-f]+$/.test(x) || !lengths.includes(x.length)) {
      this.fail(p, x, `expected ${lengths.join(' or ')} lower-case hex digits`);
    }
    return x;
  }
  semver(x: unknown, p: string): string {
    if (typeof x !== 'string' || !parseSemver(x))
      this.fail(p, x, 'expected a SemVer 2.0 version without "v", e.g. "1.2.3"');
    return x;
  }
  timestamp(x: unknown, p: string): string {
    if (typeof x !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(x) || Number.isNaN(Date.parse(x))) {
      this.fail(p, x, 'expected an ISO 8601 timestamp, e.g. "2026-01-31T12:00:00Z"');
    }
    return x;
  }
  optional<T>(x: unknown, p: string, check: (x: unknown, p: string) => T): T | undefined {
    return x === undefined ? undefined : check(x, p);
  }
  array<T>(x: unknown, p: string, check: (x: unknown, p: string) => T): T[] {
    if (!Array.isArray(x)) this.fail(p, x, 'expected a JSON array');
    return x.map((item, i) => check(item, `${p}[${i}]`));
  }
  opset(x: unknown, p: string): OpsetImport {
    const o = this.object(x, p);
    if (typeof o.domain !== 'string')
      this.fail(`${p}.domain`, o.domain, 'expected a string ("" for the default domain)');
    return { domain: o.domain, version: this.integer(o.version, `${p}.version`, 1) };
  }
  signature(x: unknown, p: string): ModelSignature {
    const o = this.object(x, p);
    return {
      inputs: this.array(o.inputs, `${p}.inputs`, (t, q) => this.tensor(t, q)),
      outputs: this.array(o.outputs, `${p}.outputs`, (t, q) => this.tensor(t, q)),
      opsets: this.array(o.opsets, `${p}.opsets`, (t, q) => this.opset(t, q)),
    };
  }
  tensor(x: unknown, p: string): TensorSignature {
    const o = this.object(x, p);
    if (!TENSOR_KINDS.has(o.kind as TensorSignature['kind']))
      this.fail(`${p}.kind`, o.kind, `expected one of ${[...TENSOR_KINDS].join(', ')}`);
    const shape: Dim[] | null =
      o.shape === null
        ? null
        : this.array(o.shape, `${p}.shape`, (d, q) => {
            if (
              d === null ||
              typeof d === 'string' ||
              (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)
            )
              return d as Dim;
            return this.fail(q, d, 'expected a dimension: a non-negative integer, a symbol name or null');
          });
    return {
      name: this.string(o.name, `${p}.name`),
      kind: o.kind as TensorSignature['kind'],
      elementType: this.string(o.elementType, `${p}.elementType`),
      shape,
    };
  }
}
