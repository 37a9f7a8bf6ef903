import type { ModelProto, TensorShapeProto, TypeProto, ValueInfoProto } from 'onnx-buf';
import { ModelFormatError } from '../errors.js';
import { elementTypeName } from './element-types.js';
import type { Dim, ModelSignature, OpsetImport, TensorSignature } from './signature-types.js';

/**
 * The I/O signature callers depend on. Inputs backed by an initializer are left out for every IR
 * version: before IR 4 all initializers had to be listed as inputs, and from IR 4 on such inputs
 * are optional overrides that onnxruntime does not list among the inputs a caller must feed.
 */
export function extractSignature(model: ModelProto): ModelSignature {
  const graph = model.graph;
  if (!graph)
    throw new ModelFormatError('model has no graph, so it has no signature', {
      fix: 'export the model again',
    });
  const initialized = new Set(graph.initializer.map((t) => t.name));
  for (const sparse of graph.sparseInitializer) if (sparse.values) initialized.add(sparse.values.name);
  return {
    inputs: graph.input.filter((v) => !initialized.has(v.name)).map(valueSignature),
    outputs: graph.output.map(valueSignature),
    opsets: opsetImports(model),
  };
}

/** The model's opset imports; the default domain is reported as ''. */
export function opsetImports(model: ModelProto): OpsetImport[] {
  return model.opsetImport.map((o) => ({
    domain: o.domain === 'ai.onnx' ? '' : o.domain,
    version: Number(o.version),
  }));
}

/**
 * One value's signature. Tensors and sparse tensors give their element type and shape; other kinds
 * (sequence, map, optional) give their whole ONNX type string as elementType, e.g. ZipMap's
 * 'seq(map(int64,tensor(float)))', with shape null, so a signature diff still sees any change.
 */
export function valueSignature(value: ValueInfoProto): TensorSignature {
  const type = value.type?.value;
  switch (type?.case) {
    case 'tensorType':
    case 'sparseTensorType':
      return {
        name: value.name,
        kind: type.case === 'tensorType' ? 'tensor' : 'sparse_tensor',
        elementType: elementTypeName(type.value.elemType),
        shape: shapeDims(type.value.shape),
      };
    case 'sequenceType':
    case 'mapType':
    case 'optionalType':
      return {
        name: value.name,
        kind: type.case === 'sequenceType' ? 'sequence' : type.case === 'mapType' ? 'map' : 'optional',
        elementType: typeString(value.type),
        shape: null,
      };
    default:
      return { name: value.name, kind: 'unknown', elementType: 'undefined', shape: null };
  }
}

/** Dims of a shape: numbers, symbolic dim_param names, null when unknown; null for unknown rank. */
export function shapeDims(shape: TensorShapeProto | undefined): Dim[] | null {
  if (!shape) return null;
  return shape.dim.map((d): Dim => {
    if (d.value.case === 'dimValue') return Number(d.value.value);
    if (d.value.case === 'dimParam') return d.value.value;
    return null;
  });
}

/** The type in ONNX's notation (as onnxruntime prints it): tensor(float), seq(map(int64,tensor(float))). */
export function typeString(type: TypeProto | undefined): string {
  const value = type?.value;
  switch (value?.case) {
    case 'tensorType':
      return `tensor(${elementTypeName(value.value.elemType)})`;
    case 'sparseTensorType':
      return `sparse_tensor(${elementTypeName(value.value.elemType)})`;
    case 'sequenceType':
      return `seq(${typeString(value.value.elemType)})`;
    case 'mapType':
      return `map(${elementTypeName(value.value.keyType)},${typeString(value.value.valueType)})`;
    case 'optionalType':
      return `optional(${typeString(value.value.elemType)})`;
    default:
      return 'unknown';
  }
}
