import type { VerbDefinition } from './types.js';

/** One verb of the catalog. */
export interface CatalogEntry {
  summary: string;
  load: () => Promise<VerbDefinition>;
  /**
   * A CLI-only verb has no action.yml and is not a `command:` of the root action: it runs until
   * stopped (serve), which a workflow step should not do.
   */
  cliOnly?: boolean;
}

/**
 * The verbs this build ships. Each loads lazily, so `modelops --help` and verbs that run no model
 * do not pay for onnxruntime, Octokit or ajv at startup.
 */
export const VERB_CATALOG: Record<string, CatalogEntry> = {
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
  convert: {
    summary: 'convert a model into ONNX (XGBoost JSON/UBJSON, linear coefficients) and prove parity on data',
    load: async () => (await import('./convert/definition.js')).convertVerb,
  },
  optimize: {
    summary:
      'make a model smaller or faster (graph, int8, fp16, pruning); measure every candidate, keep the best inside a budget',
    load: async () => (await import('./optimize/definition.js')).optimizeVerb,
  },
  tune: {
    summary:
      'hyperparameter search over your training command: parallel trials, pruning, resumable journal, Actions matrix',
    load: async () => (await import('./tune/definition.js')).tuneVerb,
  },
  serve: {
    summary:
      'serve a model over the KServe V2 / Open Inference Protocol (HTTP, gRPC) until stopped (CLI only)',
    load: async () => (await import('./serve/definition.js')).serveVerb,
    cliOnly: true,
  },
};

/** The verbs the product plans; listed by `--help` so nobody wonders where they went. */
export const PLANNED_VERBS: readonly string[] = [];

export function verbNames(): string[] {
  return Object.keys(VERB_CATALOG);
}

/** The verbs that have an action (actions/<verb>/action.yml and a root-action `command:`). */
export function actionVerbNames(): string[] {
  return Object.entries(VERB_CATALOG)
    .filter(([, entry]) => !entry.cliOnly)
    .map(([name]) => name);
}
