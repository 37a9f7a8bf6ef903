import { readFile, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { loadConfig, type DatasetConfig, type ModelopsConfig } from '../../core/config/index.js';
import type { DataFormat, Shard } from '../../core/data/types.js';
import { UsageError } from '../../core/errors.js';
import type { Task } from '../../core/evaluate/index.js';
import { GitCli } from '../../platform/git/index.js';
import type { ParsedInputs, VerbDeps } from '../types.js';
import { nameForPath } from '../version/find-models.js';

/** What an evaluation needs, resolved once from the inputs, the repository and modelops.yaml. */
export interface EvaluateContext {
  /** Repository root, or the working directory outside a repository. */
  root: string;
  git: GitCli | undefined;
  config: ModelopsConfig;
  /** Registry name (config key, models/<name>/ folder, --name, else the file's stem). */
  name: string;
  /** The model file: absolute, as the user wrote it, and relative to the repository when inside it. */
  modelFile: string;
  modelPath: string;
  repoPath: string | undefined;
  dataset: DatasetConfig | undefined;
  dataFile: string;
  dataPath: string;
  dataFormat: DataFormat | undefined;
  labelColumn: string | undefined;
  task: Task | undefined;
  shard: Shard | undefined;
  remote: { name: string; exists: boolean };
}

export async function resolveEvaluateContext(inputs: ParsedInputs, deps: VerbDeps): Promise<EvaluateContext> {
  const probe = new GitCli({ cwd: deps.cwd });
  const top = await probe.run(['rev-parse', '--show-toplevel']).catch(() => null);
  const root = top ? top.trim() : deps.cwd;
  const git = top ? new GitCli({ cwd: root }) : undefined;
  const configPath = String(inputs.config);
  const config = await loadConfig(configPath, {
    required: configPath !== 'modelops.yaml',
    readFile: (path) => readFile(join(root, path), 'utf8'),
  });

  const explicitName = inputs.name as string | undefined;
  let modelPath = inputs.model as string | undefined;
  if (!modelPath) {
    const configured = explicitName ? config.models[explicitName] : onlyOne(Object.values(config.models));
    if (!configured) {
      throw new UsageError("--model is required for 'modelops evaluate'", {
        fix: 'pass --model PATH (or --name of a model declared in modelops.yaml)',
      });
    }
    modelPath = configured.path;
  }
  const modelFile = resolve(isAbsolute(modelPath) || !inputs.model ? root : deps.cwd, modelPath);
  if (!(await stat(modelFile).catch(() => null))?.isFile()) {
    throw new UsageError(`model file not found: ${modelPath}`, { fix: 'check --model' });
  }
  const inside = relative(root, modelFile);
  const repoPath =
    git && !inside.startsWith('..') && !isAbsolute(inside) ? inside.split('\\').join('/') : undefined;
  const name = explicitName ?? registryName(repoPath, config) ?? basename(modelFile).replace(/\.[^.]+$/, '');

  const datasetName = inputs.dataset as string | undefined;
  const dataInput = inputs.data as string | undefined;
  let dataset: DatasetConfig | undefined;
  if (datasetName) {
    dataset = config.datasets[datasetName];
    if (!dataset) {
      throw new UsageError(`dataset '${datasetName}' is not in ${config.source ?? 'modelops.yaml'}`, {
        fix: `declare it under datasets:, or use one of: ${Object.keys(config.datasets).join(', ') || '(none declared)'}`,
      });
    }
  } else if (!dataInput) {
    const first = config.models[name]?.datasets[0];
    dataset = first ? config.datasets[first] : undefined;
    if (!dataset) {
      throw new UsageError("--data is required for 'modelops evaluate'", {
        fix: `pass --data PATH, or --dataset NAME, or list datasets for model ${name} in modelops.yaml`,
      });
    }
  } else {
    const wanted = relative(root, resolve(deps.cwd, dataInput)).split('\\').join('/');
    dataset = Object.values(config.datasets).find((d) => d.path === wanted);
  }
  const dataPath = dataInput ?? dataset!.path;
  const dataFile = resolve(dataInput ? deps.cwd : root, dataPath);
  if (!(await stat(dataFile).catch(() => null))?.isFile()) {
    throw new UsageError(`data file not found: ${dataPath}`, {
      fix: 'check --data (or the dataset path in modelops.yaml)',
    });
  }
  const remoteName = String(inputs.remote);
  const remotes = git ? (await git.run(['remote'])).split('\n').map((r) => r.trim()) : [];
  return {
    root,
    git,
    config,
    name,
    modelFile,
    modelPath,
    repoPath,
    dataset,
    dataFile,
    dataPath,
    dataFormat: dataInput ? undefined : dataset?.format,
    labelColumn: (inputs['label-column'] as string | undefined) ?? dataset?.labelColumn,
    task: (inputs.task as Task | undefined) ?? dataset?.task,
    shard: parseShard(inputs.shard as string | undefined),
    remote: { name: remoteName, exists: remotes.includes(remoteName) },
  };
}

/** `I/N`, 1-based as an Actions matrix counts: shard I holds the rows where row % N = I − 1. */
export function parseShard(value: string | undefined): Shard | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard ${value} is not I/N with 1 ≤ I ≤ N`, {
      fix: 'e.g. --shard 2/4 (the second of four shards)',
    });
  }
  return { index: index - 1, count };
}

function registryName(repoPath: string | undefined, config: ModelopsConfig): string | undefined {
  if (!repoPath) return undefined;
  try {
    return nameForPath(repoPath, config);
  } catch {
    return undefined;
  }
}

function onlyOne<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}
