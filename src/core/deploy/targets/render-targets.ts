import type { ModelSignature } from '../../onnx/signature-types.js';
import { kubeResourceName, renderKServeManifest } from './kserve-manifest.js';
import { renderTritonConfig, type TritonOptions } from './triton-config.js';

export const SERVING_TARGETS = ['triton', 'kserve', 'edge'] as const;
export type ServingTarget = (typeof SERVING_TARGETS)[number];

/** Everything the serving targets are rendered from: one version in one environment. */
export interface RenderInput {
  model: string;
  /** SemVer without the `v`. */
  version: string;
  environment: string;
  /** The stage tag and its counter (Triton's version directory); null in a dry run. */
  tag: string | null;
  counter: number | null;
  sha256: string | null;
  signature: ModelSignature;
  modelBytes: Uint8Array;
  /** The model card at the version's commit, if the repository has one. */
  card: string | undefined;
  /** KServe storageUri; `{name}`, `{version}`, `{environment}` are filled in. */
  storageUri: string;
  triton: TritonOptions;
  kserve?: { runtime?: string | undefined; namespace?: string | undefined };
}

/** One unit replaced as a whole (a directory or a file), relative to the render directory. */
export interface RenderedUnit {
  target: ServingTarget;
  /** `production/triton/churn` (a directory) or `production/kserve/churn.yaml` (a file). */
  path: string;
  kind: 'directory' | 'file';
  /** Files inside a directory unit (relative to it), or the file's content under ''. */
  files: Record<string, string | Uint8Array>;
}

/**
 * Renders the chosen serving targets into units under `<environment>/<target>/…`:
 * a Triton model-repository entry, a KServe InferenceService, an edge bundle.
 */
export function renderServingTargets(input: RenderInput, targets: readonly ServingTarget[]): RenderedUnit[] {
  const safe = input.model.replace(/[^A-Za-z0-9_.-]+/g, '_');
  const env = input.environment;
  return targets.map((target): RenderedUnit => {
    switch (target) {
      case 'triton':
        return {
          target,
          path: `${env}/triton/${safe}`,
          kind: 'directory',
          files: {
            'config.pbtxt': renderTritonConfig(safe, input.signature, input.triton),
            // Triton serves the highest numbered directory; the stage counter only grows.
            [`${input.counter ?? 1}/model.onnx`]: input.modelBytes,
          },
        };
      case 'kserve': {
        const resourceName = kubeResourceName(input.model);
        return {
          target,
          path: `${env}/kserve/${resourceName}.yaml`,
          kind: 'file',
          files: {
            '': renderKServeManifest({
              resourceName,
              model: input.model,
              version: input.version,
              environment: env,
              tag: input.tag,
              sha256: input.sha256,
              runtime: input.kserve?.runtime,
              namespace: input.kserve?.namespace,
              storageUri: input.storageUri
                .replaceAll('{name}', input.model)
                .replaceAll('{version}', `v${input.version}`)
                .replaceAll('{environment}', env),
            }),
          },
        };
      }
      case 'edge':
        return {
          target,
          path: `${env}/edge/${safe}`,
          kind: 'directory',
          files: {
            'model.onnx': input.modelBytes,
            'signature.json':
              JSON.stringify(
                {
                  model: input.model,
                  version: `v${input.version}`,
                  environment: env,
                  tag: input.tag,
                  sha256: input.sha256,
                  ...input.signature,
                },
                null,
                2,
              ) + '\n',
            'card.md': input.card ?? defaultCard(input),
          },
        };
    }
  });
}

function defaultCard(input: RenderInput): string {
  const rows = (list: ModelSignature['inputs']) =>
    list.map(
      (t) => `| ${t.name} | ${t.elementType} | [${(t.shape ?? []).map((d) => d ?? '?').join(', ')}] |`,
    );
  return [
    `# ${input.model} v${input.version}`,
    '',
    `Deployed to ${input.environment}${input.tag ? ` by ${input.tag}` : ''}.${input.sha256 ? ` sha256 ${input.sha256}.` : ''}`,
    '',
    '| tensor | type | shape |',
    '| --- | --- | --- |',
    ...rows(input.signature.inputs),
    ...rows(input.signature.outputs),
    '',
  ].join('\n');
}
