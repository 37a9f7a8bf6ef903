import { stringify } from 'yaml';

/** What an InferenceService manifest is rendered from. */
export interface KServeManifestInput {
  /** Kubernetes object name (DNS-1123 label). */
  resourceName: string;
  model: string;
  version: string;
  environment: string;
  tag: string | null;
  sha256: string | null;
  storageUri: string;
  namespace?: string | undefined;
  /** ServingRuntime name; undefined lets KServe pick one for modelFormat onnx. */
  runtime?: string | undefined;
}

/**
 * A KServe InferenceService (serving.kserve.io/v1beta1) whose predictor loads the ONNX model
 * (KServe picks Triton or MLServer for modelFormat onnx). Labels and annotations carry the
 * registry facts, so `kubectl get isvc -L modelops.dev/version` shows what runs where.
 */
export function renderKServeManifest(input: KServeManifestInput): string {
  const manifest = {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {
      name: input.resourceName,
      ...(input.namespace ? { namespace: input.namespace } : {}),
      labels: {
        'app.kubernetes.io/managed-by': 'modelops',
        'modelops.dev/environment': kubeLabel(input.environment),
        'modelops.dev/version': kubeLabel(`v${input.version}`),
      },
      annotations: {
        'modelops.dev/model': input.model,
        'modelops.dev/version': `v${input.version}`,
        ...(input.tag ? { 'modelops.dev/tag': input.tag } : {}),
        ...(input.sha256 ? { 'modelops.dev/sha256': input.sha256 } : {}),
      },
    },
    spec: {
      predictor: {
        model: {
          modelFormat: { name: 'onnx' },
          ...(input.runtime ? { runtime: input.runtime } : {}),
          protocolVersion: 'v2',
          storageUri: input.storageUri,
        },
      },
    },
  };
  return stringify(manifest, { lineWidth: 0 });
}

/** A Kubernetes label value: at most 63 of [A-Za-z0-9._-], starting and ending alphanumeric. */
function kubeLabel(text: string): string {
  return text
    .replace(/[^A-Za-z0-9._-]/g, '-')
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/** A DNS-1123 label for a model name: lower case, [a-z0-9-], at most 63 characters. */
export function kubeResourceName(model: string): string {
  const name = model
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name || 'model';
}
