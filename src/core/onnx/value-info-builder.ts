import { create } from '@bufbuild/protobuf';
import {
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_MapSchema,
  TypeProto_OptionalSchema,
  TypeProto_SequenceSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type TypeProto,
  type ValueInfoProto,
} from 'onnx-buf';
import { elementTypeCode } from './element-types.js';
import type { Dim } from './signature-types.js';

/**
 * A value's type: a tensor (shape omitted or null = unknown rank; a dim may be a number, a
 * symbolic name like 'batch', or null for unknown), or a sequence, map or optional of types.
 */
export type TypeSpec =
  | { elementType: string; shape?: Dim[] | null }
  | { sequence: TypeSpec }
  | { map: { key: string; value: TypeSpec } }
  | { optional: TypeSpec };

/** A named graph input, output or value_info entry. */
export type ValueSpec = TypeSpec & { name: string; docString?: string };

/** Builds a TypeProto from a TypeSpec. */
export function makeType(spec: TypeSpec): TypeProto {
  if ('sequence' in spec) {
    return create(TypeProtoSchema, {
      value: {
        case: 'sequenceType',
        value: create(TypeProto_SequenceSchema, { elemType: makeType(spec.sequence) }),
      },
    });
  }
  if ('map' in spec) {
    const map = create(TypeProto_MapSchema, {
      keyType: elementTypeCode(spec.map.key),
      valueType: makeType(spec.map.value),
    });
    return create(TypeProtoSchema, { value: { case: 'mapType', value: map } });
  }
  if ('optional' in spec) {
    return create(TypeProtoSchema, {
      value: {
        case: 'optionalType',
        value: create(TypeProto_OptionalSchema, { elemType: makeType(spec.optional) }),
      },
    });
  }
  const tensor = create(TypeProto_TensorSchema, { elemType: elementTypeCode(spec.elementType) });
  if (spec.shape) {
    tensor.shape = create(TensorShapeProtoSchema, { dim: spec.shape.map(makeDim) });
  }
  return create(TypeProtoSchema, { value: { case: 'tensorType', value: tensor } });
}

/** Builds a ValueInfoProto (graph input/output) from a ValueSpec. */
export function makeValueInfo(spec: ValueSpec): ValueInfoProto {
  const info = create(ValueInfoProtoSchema, { name: spec.name, type: makeType(spec) });
  if (spec.docString) info.docString = spec.docString;
  return info;
}

function makeDim(dim: Dim) {
  if (dim === null) return create(TensorShapeProto_DimensionSchema);
  if (typeof dim === 'string')
    return create(TensorShapeProto_DimensionSchema, { value: { case: 'dimParam', value: dim } });
  return create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(dim) } });
}
