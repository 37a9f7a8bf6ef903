import type { VerbDefinition } from './types.js';

/**
 * The verbs this build ships. Each loads lazily, so `modelops --help` and verbs that run no model
 * do not pay for onnxruntime, Octokit or ajv at startup.
 */
export const VERB_CATALOG: Record<string, { summary: string; load: () => Promise<VerbDefinition> }> = {
  version: {
    summary: 'register a model: content hash, I/O signature, semver bump from the signature diff, GTO tag',
    load: async () => (await import('./version/definition.js')).versionVerb,
  },
  registry: {
    summary: 'read the registry: list models and stages, show evidence, history of events, diff versions',
    load: async () => (await import('./registry/definition.js')).registryVerb,
  },
  evaluate: {
    summary:
      'run a model on data: scikit-learn metrics, latency, baseline diff, gates, one sticky PR comment',
    load: async () => (await import('./evaluate/definition.js')).evaluateVerb,
  },
  audit: {
    summary:
      'static security scan of model files (pickle, PyTorch, Keras, ONNX, safetensors, GGUF, archives)',
    load: async () => (await import('./audit/definition.js')).auditVerb,
  },
  deploy: {
    summary:
      'promote a version to an environment by stage tag, with stage order, evidence, rollback, GitHub Deployments',
    load: async () => (await import('./deploy/definition.js')).deployVerb,
  },
};

/** The verbs the product plans; listed by `--help` so nobody wonders where they went. */
export const PLANNED_VERBS = ['convert', 'optimize', 'tune'] as const;

export function verbNames(): string[] {
  return Object.keys(VERB_CATALOG);
}
