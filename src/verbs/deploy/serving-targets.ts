import { mkdir, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ModelopsConfig } from '../../core/config/index.js';
import { UsageError } from '../../core/errors.js';
import { readModel } from '../../core/onnx/model-codec.js';
import { extractSignature } from '../../core/onnx/signature.js';
import {
  renderServingTargets,
  SERVING_TARGETS,
  type RenderInput,
  type ServingTarget,
} from '../../core/deploy/targets/render-targets.js';
import { replaceTree, writeFileAtomic } from '../../platform/fs/index.js';
import type { Git } from '../../platform/git/index.js';
import { readModelAtCommit } from '../evaluate/model-at-commit.js';
import type { ParsedInputs } from '../types.js';
import { registryModelPath } from '../serve/resolve-model.js';

/** The --render, --render-dir and --storage-uri inputs, checked before anything is tagged. */
export interface RenderRequest {
  targets: ServingTarget[];
  /** Absolute path of the GitOps directory. */
  dir: string;
  storageUri: string;
}

export function renderRequest(inputs: ParsedInputs, root: string): RenderRequest | undefined {
  const targets = ((inputs.render as string[] | undefined) ?? []).flatMap((t) =>
    t
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  if (targets.length === 0) return undefined;
  const unknown = targets.find((t) => !(SERVING_TARGETS as readonly string[]).includes(t));
  if (unknown) {
    throw new UsageError(`--render ${unknown} is not a serving target`, {
      fix: `choose from ${SERVING_TARGETS.join(', ')} (comma separated)`,
    });
  }
  const dir = resolve(root, String(inputs['render-dir']));
  const inside = relative(root, dir);
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new UsageError(`--render-dir ${String(inputs['render-dir'])} is outside the repository`, {
      fix: 'give a directory inside the repository (the GitOps path Argo CD or Flux syncs), e.g. serving',
    });
  }
  return {
    targets: [...new Set(targets)] as ServingTarget[],
    dir,
    storageUri: String(inputs['storage-uri']),
  };
}

/** Renders the targets for the version an environment now holds; returns the written paths (repository-relative). */
export async function writeServingTargets(options: {
  request: RenderRequest;
  root: string;
  git: Git;
  config: ModelopsConfig;
  remote: { name: string; exists: boolean };
  model: string;
  environment: string;
  version: string;
  commit: string;
  tag: string | null;
  counter: number | null;
  sha256: string | null;
}): Promise<string[]> {
  const path = registryModelPath(options.model, options.config);
  const modelBytes = await readModelAtCommit(options.git, options.commit, path, options.remote);
  const card = await options.git
    .showFile(options.commit, `${dirname(path)}/card.md`)
    .then((b) => b.toString('utf8'))
    .catch(() => undefined);
  const input: RenderInput = {
    model: options.model,
    version: options.version.replace(/^v/, ''),
    environment: options.environment,
    tag: options.tag,
    counter: options.counter,
    sha256: options.sha256,
    signature: extractSignature(readModel(modelBytes, `${options.model}@${options.version}`)),
    modelBytes,
    card,
    storageUri: options.request.storageUri,
    maxBatchSize: 8,
  };
  const written: string[] = [];
  for (const unit of renderServingTargets(input, options.request.targets)) {
    const target = join(options.request.dir, unit.path);
    if (unit.kind === 'file') {
      await mkdir(dirname(target), { recursive: true });
      await writeFileAtomic(target, unit.files['']!);
    } else await replaceTree(target, unit.files);
    written.push(relative(options.root, target).split('\\').join('/'));
  }
  return written;
}

/** After unassign: the environment serves nothing, so its rendered entries go. */
export async function removeServingTargets(
  request: RenderRequest,
  root: string,
  model: string,
  environment: string,
): Promise<string[]> {
  const units = renderServingTargets(
    {
      model,
      version: '0.0.0',
      environment,
      tag: null,
      counter: null,
      sha256: null,
      signature: { inputs: [], outputs: [], opsets: [] },
      modelBytes: new Uint8Array(),
      card: '',
      storageUri: '',
      maxBatchSize: 0,
    },
    request.targets,
  );
  const removed: string[] = [];
  for (const unit of units) {
    const target = join(request.dir, unit.path);
    await rm(target, { recursive: true, force: true });
    removed.push(relative(root, target).split('\\').join('/'));
  }
  return removed;
}
