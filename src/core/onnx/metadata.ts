import { create } from '@bufbuild/protobuf';
import { StringStringEntryProtoSchema, type ModelProto } from 'onnx-buf';

/** metadata_props as a plain object; when a key repeats (the spec says it should not) the last wins. */
export function getMetadata(model: ModelProto): Record<string, string> {
  return Object.fromEntries(model.metadataProps.map((e) => [e.key, e.value]));
}

/** One metadata value, or undefined. */
export function getMetadataValue(model: ModelProto, key: string): string | undefined {
  return model.metadataProps.findLast((e) => e.key === key)?.value;
}

/**
 * Sets (or with `undefined`, removes) metadata keys in place. Existing keys keep their position and
 * new ones are appended, so re-saving a model changes as few bytes as possible.
 */
export function setMetadata(model: ModelProto, values: Record<string, string | undefined>): void {
  for (const [key, value] of Object.entries(values)) {
    const index = model.metadataProps.findIndex((e) => e.key === key);
    if (value === undefined) {
      model.metadataProps = model.metadataProps.filter((e) => e.key !== key);
    } else if (index >= 0) {
      model.metadataProps[index]!.value = value;
      model.metadataProps = model.metadataProps.filter((e, i) => i <= index || e.key !== key);
    } else {
      model.metadataProps.push(create(StringStringEntryProtoSchema, { key, value }));
    }
  }
}

/** Who produced the model and what it declares about itself. */
export interface ProducerInfo {
  producerName: string;
  producerVersion: string;
  irVersion: number;
  domain: string;
  modelVersion: number;
  docString: string;
  graphName: string;
}

/** Producer and identity fields of a model, with numbers as plain numbers. */
export function producerInfo(model: ModelProto): ProducerInfo {
  return {
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    irVersion: Number(model.irVersion),
    domain: model.domain,
    modelVersion: Number(model.modelVersion),
    docString: model.docString,
    graphName: model.graph?.name ?? '',
  };
}
