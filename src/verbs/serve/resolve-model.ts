import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { loadConfig, type ModelopsConfig } from '../../core/config/index.js';
import { UsageError } from '../../core/errors.js';
import { isLfsPointer } from '../../core/registry/lfs-pointer.js';
import { GitCli } from '../../platform/git/index.js';
import { readModelAtCommit } from '../evaluate/model-at-commit.js';
import type { VerbDeps } from '../types.js';
import { hasRemote, readRegistry } from '../version/publish-tag.js';

/** The model bytes to serve and what to call them. */
export interface ModelToServe {
  name: string;
  version: string | undefined;
  bytes: Uint8Array;
  source: string;
}

const VERSION_SPEC = /^(.+)@v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/;

/**
 * `--model` is a file path or a registered version `NAME@vX.Y.Z`. A version is read from its
 * register tag's commit (an LFS pointer is resolved), so what is served is exactly what was
 * registered, whatever the working tree holds.
 */
export async function resolveModelToServe(
  spec: string | undefined,
  options: { name: string | undefined; remote: string; config: string },
  deps: VerbDeps,
): Promise<ModelToServe> {
  if (!spec) {
    throw new UsageError('serve needs the model', {
      fix: 'pass --model PATH (an .onnx file) or --model NAME@vX.Y.Z (a registered version)',
    });
  }
  const path = resolve(deps.cwd, spec);
  const version = VERSION_SPEC.exec(spec);
  if (version && !(await stat(path).catch(() => null))?.isFile()) {
    return fromRegistry(version[1]!, version[2]!, options, deps);
  }
  const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot read model file '${spec}' (${error.code ?? error.message})`, {
      fix: 'pass --model PATH of an .onnx file, or NAME@vX.Y.Z of a registered version',
    });
  });
  if (isLfsPointer(bytes)) {
    throw new UsageError(`'${spec}' is a Git LFS pointer, not the model`, {
      fix: `fetch the content with git lfs pull --include='${spec}', or serve NAME@vX.Y.Z`,
    });
  }
  const file = basename(path);
  const name =
    options.name ?? (file === 'model.onnx' ? basename(dirname(path)) : file.replace(/\.onnx$/, ''));
  return { name, version: undefined, bytes, source: `'${spec}'` };
}

async function fromRegistry(
  name: string,
  version: string,
  options: { name: string | undefined; remote: string; config: string },
  deps: VerbDeps,
): Promise<ModelToServe> {
  const git = new GitCli({ cwd: deps.cwd });
  const root = (
    await git.run(['rev-parse', '--show-toplevel']).catch(() => {
      throw new UsageError(
        `--model ${name}@v${version} needs the registry, but ${deps.cwd} is not a git repository`,
        {
          fix: 'run serve inside the repository that holds the model, or pass --model as a file path',
        },
      );
    })
  ).trim();
  const config = await loadConfig(options.config, {
    required: options.config !== 'modelops.yaml',
    readFile: (path) => readFile(join(root, path), 'utf8'),
  });
  const remote = { name: options.remote, exists: await hasRemote(git, options.remote) };
  const registry = await readRegistry(git, { ...remote, required: false }, deps.logger);
  const model = registry.models.get(name);
  const registered = model?.versions.find((v) => v.version === version && v.status === 'registered');
  if (!registered?.commit) {
    const known = model?.versions.map((v) => `v${v.version}`).join(', ');
    throw new UsageError(
      `${name}@v${version} is not in the registry${known ? ` (versions: ${known})` : ''}`,
      {
        fix: 'pass a registered version (modelops registry list shows them; modelops version registers one)',
      },
    );
  }
  const path = registryModelPath(name, config);
  const bytes = await readModelAtCommit(git, registered.commit, path, remote);
  return { name: options.name ?? name, version, bytes, source: `${name}@v${version}` };
}

/** Where a registry model lives: declared in modelops.yaml, else models/<name>/model.onnx. */
export function registryModelPath(name: string, config: ModelopsConfig): string {
  const configured = Object.values(config.models).find((m) => m.id === name);
  if (configured) return configured.path;
  const [dir, base] = name.includes('=') ? name.split('=', 2) : [undefined, name];
  return `${dir ? `${dir}/` : ''}models/${base}/model.onnx`;
}
