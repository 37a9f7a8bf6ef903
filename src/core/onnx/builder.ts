import { create } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  OperatorSetIdProtoSchema,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from 'onnx-buf';
import { setMetadata } from './metadata.js';
import { makeValueInfo, type ValueSpec } from './value-info-builder.js';

export { makeTensor } from './tensor-builder.js';
export { makeAttribute, makeNode, type AttributeValue, type NodeOptions } from './node-builder.js';
export { makeType, makeValueInfo, type TypeSpec, type ValueSpec } from './value-info-builder.js';

/** Everything {@link buildModel} needs; only inputs, outputs and nodes are required. */
export interface ModelSpec {
  inputs: ValueSpec[];
  outputs: ValueSpec[];
  nodes: NodeProto[];
  initializers?: TensorProto[];
  /** Intermediate values with known types (optional; helps readers, not runtimes). */
  valueInfo?: ValueSpec[];
  /** Opset per domain, e.g. { '': 17, 'ai.onnx.ml': 3 }; default { '': 17 }. */
  opsets?: Record<string, number>;
  /** Default: the IR version the default-domain opset was released with. */
  irVersion?: number;
  graphName?: string;
  docString?: string;
  producerVersion?: string;
  metadata?: Record<string, string>;
}

/** Name every model this builder writes carries in producer_name. */
export const PRODUCER_NAME = 'modelops';

/**
 * Builds a ModelProto from plain values. The result is a normal protobuf message: it can be
 * written, checked with checkModel and run in onnxruntime.
 */
export function buildModel(spec: ModelSpec): ModelProto {
  const opsets = spec.opsets ?? { '': 17 };
  const graph = create(GraphProtoSchema, {
    name: spec.graphName ?? 'main',
    node: spec.nodes,
    initializer: spec.initializers ?? [],
    input: spec.inputs.map(makeValueInfo),
    output: spec.outputs.map(makeValueInfo),
    valueInfo: (spec.valueInfo ?? []).map(makeValueInfo),
  });
  const model = create(ModelProtoSchema, {
    irVersion: BigInt(spec.irVersion ?? irVersionForOpset(opsets[''] ?? opsets['ai.onnx'] ?? 17)),
    producerName: PRODUCER_NAME,
    opsetImport: Object.entries(opsets).map(([domain, version]) =>
      create(OperatorSetIdProtoSchema, { domain, version: BigInt(version) }),
    ),
    graph,
  });
  if (spec.producerVersion) model.producerVersion = spec.producerVersion;
  if (spec.docString) model.docString = spec.docString;
  if (spec.metadata) setMetadata(model, spec.metadata);
  return model;
}

/**
 * The IR version ONNX released alongside each default-domain opset. Stamping a newer IR than the
 * opset needs would make older runtimes refuse a model they could run.
 */
export function irVersionForOpset(opset: number): number {
  if (opset <= 8) return 3;
  if (opset <= 12) return opset - 5; // 9→4, 10→5, 11→6, 12→7
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset <= 22) return 10;
  return 11;
}
