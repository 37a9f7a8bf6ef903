/**
 * The I/O signature of a model: what callers depend on. `version` diffs two of these to pick a
 * semver bump, `evaluate` maps data columns onto inputs, `deploy` renders serving configs from it.
 */

/** ONNX TensorProto.DataType names in lower case, e.g. 'float', 'int64', 'string', 'float16'. */
export type ElementType = string;

/** One dimension: a fixed size, a symbolic name ('batch'), or null when unknown. */
export type Dim = number | string | null;

export interface TensorSignature {
  name: string;
  /** 'tensor' for dense tensors; sequences/maps (ai.onnx.ml outputs such as ZipMap) are described by kind. */
  kind: 'tensor' | 'sequence' | 'map' | 'sparse_tensor' | 'optional' | 'unknown';
  elementType: ElementType;
  /** null when the rank itself is unknown. */
  shape: Dim[] | null;
}

export interface OpsetImport {
  /** '' (or 'ai.onnx') is the default domain. */
  domain: string;
  version: number;
}

export interface ModelSignature {
  inputs: TensorSignature[];
  outputs: TensorSignature[];
  opsets: OpsetImport[];
}
