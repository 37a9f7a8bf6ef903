import { readFile } from 'node:fs/promises';
import { UsageError } from '../../core/errors.js';
import type { ModelopsConfig } from '../../core/config/index.js';
import { validateModelName } from '../../core/registry/tag-grammar.js';
import type { Git } from '../../platform/git/index.js';

export interface ModelTarget {
  /** Registry name (GTO full name, `dir=name` in monorepos). */
  name: string;
  path: string;
}

/** `models/<name>/model.onnx`, optionally below a monorepo directory. */
const CONVENTIONAL = /^(?:(.+)\/)?models\/([^/]+)\/model\.onnx$/;

/** The registry name for a model path: from modelops.yaml, else from the conventional layout. */
export function nameForPath(path: string, config: ModelopsConfig, explicit?: string): string {
  if (explicit) {
    validateModelName(explicit);
    return explicit;
  }
  const configured = Object.values(config.models).find((m) => m.path === path);
  if (configured) return configured.id;
  const match = CONVENTIONAL.exec(path);
  if (!match) {
    throw new UsageError(`cannot tell the registry name of ${path}`, {
      fix: 'pass --name NAME, or declare the model in modelops.yaml, or keep it at models/<name>/model.onnx',
    });
  }
  const name = match[1] ? `${match[1]}=${match[2]}` : match[2]!;
  validateModelName(name);
  return name;
}

/** Paths that are models: configured ones, and files following the conventional layout. */
function isModelPath(path: string, config: ModelopsConfig): boolean {
  return CONVENTIONAL.test(path) || Object.values(config.models).some((m) => m.path === path);
}

/**
 * Which models to version: the one named, the ones changed between base and head (a PR's
 * base..head, a push's before..after), or, with no base, every model the repository has.
 */
export async function findModels(options: {
  git: Git;
  config: ModelopsConfig;
  model?: string;
  name?: string;
  base?: string;
  head: string;
}): Promise<ModelTarget[]> {
  const { git, config } = options;
  if (options.model) {
    const path = options.model.replace(/^\.\//, '');
    return [{ path, name: nameForPath(path, config, options.name) }];
  }
  let paths: string[];
  if (options.base && !/^0+$/.test(options.base)) {
    const changes = await git.diffNames(options.base, options.head).catch((error: Error) => {
      throw new UsageError(`cannot diff ${options.base}..${options.head}: ${error.message}`, {
        fix: 'fetch enough history (actions/checkout with fetch-depth: 0) or pass --model',
      });
    });
    paths = changes.filter((c) => c.status !== 'D').map((c) => c.path);
  } else {
    paths = await git.lsFiles();
  }
  const models = paths.filter((p) => isModelPath(p, config)).sort();
  if (options.name && models.length > 1) {
    throw new UsageError(`--name ${options.name} names one model but ${models.length} changed`, {
      fix: 'pass --model PATH too',
    });
  }
  return models.map((path) => ({ path, name: nameForPath(path, config, options.name) }));
}

/** The base commit from the event that triggered the run: a PR's base sha, a push's before-sha. */
export async function baseFromEvent(
  env: Readonly<Record<string, string | undefined>>,
): Promise<string | undefined> {
  if (!env.GITHUB_EVENT_PATH) return undefined;
  const event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8').catch(() => '{}')) as {
    pull_request?: { base?: { sha?: string } };
    before?: string;
  };
  return event.pull_request?.base?.sha ?? event.before;
}
