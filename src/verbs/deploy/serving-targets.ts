import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import type { EnvironmentConfig, ModelopsConfig } from '../../core/config/index.js';
import { checkRenderedUnits } from '../../core/deploy/targets/check-rendered.js';
import {
  renderServingTargets,
  SERVING_TARGETS,
  type RenderedUnit,
  type ServingTarget,
} from '../../core/deploy/targets/render-targets.js';
import type { TritonOptions } from '../../core/deploy/targets/triton-config.js';
import { UsageError } from '../../core/errors.js';
import type { ModelSignature } from '../../core/onnx/signature-types.js';
import type { Git } from '../../platform/git/index.js';
import type { ParsedInputs } from '../types.js';
import { registryModelPath } from '../serve/resolve-model.js';
import { commitOnBranch, prepareBranchCommit } from './render-branch.js';

const DEFAULT_DIR = 'serving';
const DEFAULT_STORAGE_URI = 's3://YOUR-BUCKET/models/{name}/{version}';

/** What to render for one environment: modelops.yaml's `render`, overridden by the inputs. */
export interface RenderRequest {
  targets: ServingTarget[];
  /** GitOps directory relative to the repository (or branch) root, '/'-separated. */
  path: string;
  /** Commit the files to this branch instead of writing them into the working tree. */
  branch: string | undefined;
  storageUri: string;
  triton: TritonOptions;
  kserve: { runtime: string | undefined; namespace: string | undefined };
}

/**
 * The inputs render, render-dir and storage-uri win over the environment's `render` section; with
 * neither, nothing is rendered. Checked before anything is tagged.
 */
export function renderRequest(
  inputs: ParsedInputs,
  environment: EnvironmentConfig,
): RenderRequest | undefined {
  const configured = environment.render;
  const given = ((inputs.render as string[] | undefined) ?? []).flatMap((t) =>
    t
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  if (given.length === 0 && !configured) return undefined;
  const unknown = given.find((t) => !(SERVING_TARGETS as readonly string[]).includes(t));
  if (unknown) {
    throw new UsageError(`--render ${unknown} is not a serving target`, {
      fix: `choose from ${SERVING_TARGETS.join(', ')} (comma separated)`,
    });
  }
  const dirInput = inputs['render-dir'] as string | undefined;
  const dir = dirInput ?? configured?.path ?? DEFAULT_DIR;
  const normal = posix.normalize(dir.replaceAll('\\', '/')).replace(/\/+$/, '');
  if (posix.isAbsolute(normal) || /^[A-Za-z]:/.test(normal) || normal === '..' || normal.startsWith('../')) {
    throw new UsageError(`--render-dir ${dir} is outside the repository`, {
      fix: 'give a directory inside the repository (the GitOps path Argo CD or Flux syncs), e.g. serving',
    });
  }
  return {
    targets: [...new Set(given.length > 0 ? given : configured!.targets)] as ServingTarget[],
    path: normal === '.' ? '' : normal,
    branch: configured?.branch,
    storageUri:
      (inputs['storage-uri'] as string | undefined) ?? configured?.kserve.storageUri ?? DEFAULT_STORAGE_URI,
    triton: configured?.triton ?? { platform: 'onnxruntime_onnx', maxBatchSize: 8, instanceCount: undefined },
    kserve: { runtime: configured?.kserve.runtime, namespace: configured?.kserve.namespace },
  };
}

/** The version facts every target is rendered from. */
export interface RenderSource {
  model: string;
  environment: string;
  version: string;
  sha256: string | null;
  signature: ModelSignature;
  modelBytes: Uint8Array;
  card: string | undefined;
}

/** The model card at the version's commit, if the repository has one. */
export async function cardAtCommit(git: Git, config: ModelopsConfig, model: string, commit: string) {
  const path = registryModelPath(model, config);
  return git
    .showFile(commit, `${posix.dirname(path)}/card.md`)
    .then((b) => b.toString('utf8'))
    .catch(() => undefined);
}

/** Renders in memory and checks every unit's required fields; throws before anything is written. */
export function renderUnits(
  request: RenderRequest,
  source: RenderSource,
  tag: string | null,
  counter: number | null,
): RenderedUnit[] {
  const units = renderServingTargets(
    {
      ...source,
      version: source.version.replace(/^v/, ''),
      tag,
      counter,
      storageUri: request.storageUri,
      triton: request.triton,
      kserve: request.kserve,
    },
    request.targets,
  );
  checkRenderedUnits(units);
  return units;
}

/** Rendered files written aside, not yet in place: `commit` swaps them in, `discard` leaves no trace. */
export interface StagedRender {
  commit(tag: string | null, counter: number | null): Promise<string[]>;
  discard(): Promise<void>;
}

/**
 * Renders, checks and writes the targets aside (temporary siblings in the working tree, or
 * unreferenced git objects for a branch) — everything that can fail, before the stage tag exists.
 * `commit` then only renames (or moves a branch ref); a different tag after a lost race re-renders.
 */
export async function stageServingTargets(options: {
  request: RenderRequest;
  source: RenderSource;
  root: string;
  git: Git;
  remote: { name: string; exists: boolean };
  push: boolean;
  tag: string | null;
  counter: number | null;
}): Promise<StagedRender> {
  const { request, source } = options;
  let staged = { tag: options.tag, counter: options.counter };
  const units = () => renderUnits(request, source, staged.tag, staged.counter);
  if (request.branch) {
    const branch = request.branch;
    const place = { git: options.git, remote: options.remote, push: options.push, branch, dir: request.path };
    let prepared = await prepareBranchCommit(place, units(), staged.tag);
    return {
      async commit(tag, counter) {
        if (tag !== staged.tag || counter !== staged.counter) {
          staged = { tag, counter };
          prepared = await prepareBranchCommit(place, units(), tag);
        }
        return commitOnBranch(place, prepared, units, tag);
      },
      discard: async () => undefined,
    };
  }
  let written = await writeAside(options.root, request.path, units());
  return {
    async commit(tag, counter) {
      if (tag !== staged.tag || counter !== staged.counter) {
        await discardAside(written);
        staged = { tag, counter };
        written = await writeAside(options.root, request.path, units());
      }
      const paths: string[] = [];
      for (const entry of written) {
        await swapInto(entry.temp, entry.target);
        paths.push(entry.relative);
      }
      return paths;
    },
    discard: () => discardAside(written),
  };
}

interface AsideEntry {
  temp: string;
  target: string;
  relative: string;
  /** Directories created for it (the first one made), removed again on discard. */
  created: string | undefined;
}

async function writeAside(root: string, dir: string, units: readonly RenderedUnit[]): Promise<AsideEntry[]> {
  const entries: AsideEntry[] = [];
  try {
    for (const unit of units) {
      const relative = posix.join(dir, unit.path);
      const target = join(root, relative);
      const created = await mkdir(dirname(target), { recursive: true });
      const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.new`);
      entries.push({ temp, target, relative, created });
      if (unit.kind === 'file') await writeFile(temp, unit.files['']!);
      else
        for (const [file, content] of Object.entries(unit.files)) {
          await mkdir(dirname(join(temp, file)), { recursive: true });
          await writeFile(join(temp, file), content);
        }
    }
  } catch (error) {
    await discardAside(entries);
    throw new UsageError(
      `cannot write the serving targets under ${dir || '.'}: ${(error as Error).message}`,
      {
        fix: 'make the render directory a writable directory inside the repository (render.path or --render-dir); nothing was tagged or written',
      },
    );
  }
  return entries;
}

async function discardAside(entries: readonly AsideEntry[]): Promise<void> {
  for (const entry of [...entries].reverse()) {
    await rm(entry.temp, { recursive: true, force: true });
    if (entry.created) await rm(entry.created, { recursive: true, force: true });
  }
}

/** Replaces `target` (a file or a directory) by `temp` with renames, so a reader sees old or new. */
async function swapInto(temp: string, target: string): Promise<void> {
  const old = `${temp.slice(0, -'.new'.length)}.old`;
  const hadOld = await rename(target, old).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  try {
    await rename(temp, target);
  } catch (error) {
    if (hadOld) await rename(old, target);
    throw error;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

/** After unassign: the environment serves nothing, so its rendered entries go. */
export async function removeServingTargets(
  request: RenderRequest,
  place: { root: string; git: Git; remote: { name: string; exists: boolean }; push: boolean },
  model: string,
  environment: string,
): Promise<string[]> {
  const root = place.root;
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
      triton: request.triton,
    },
    request.targets,
  );
  if (request.branch) {
    const branch = { ...place, branch: request.branch, dir: request.path };
    const prepared = await prepareBranchCommit(branch, units, null, { remove: true });
    return commitOnBranch(branch, prepared, () => units, null, { remove: true });
  }
  const removed: string[] = [];
  for (const unit of units) {
    const relative = posix.join(request.path, unit.path);
    await rm(join(root, relative), { recursive: true, force: true });
    removed.push(relative);
  }
  return removed;
}
