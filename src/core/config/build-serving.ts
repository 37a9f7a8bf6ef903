import { issue, renderPath, type PathSegment, type Report } from './issue.js';
import type { RawEnvironment } from './raw-types.js';
import { checkRepoPath } from './repo-path.js';
import type { RenderConfig } from './types.js';

/** Default GitOps directory and KServe storageUri of a rendered environment. */
export const DEFAULT_RENDER_PATH = 'serving';
export const DEFAULT_STORAGE_URI = 's3://YOUR-BUCKET/models/{name}/{version}';
export const DEFAULT_MAX_BATCH_SIZE = 8;

/**
 * The `render` section of one environment: which serving targets deploy writes before it tags,
 * where (a directory, optionally on another branch), and the per-target knobs. Semantic checks
 * the schema cannot express are reported with the key's path, so they get a file:line.
 */
export function buildRender(
  raw: RawEnvironment['render'],
  path: PathSegment[],
  report: Report,
): RenderConfig | undefined {
  if (raw === undefined) return undefined;
  const dir = raw.path ?? DEFAULT_RENDER_PATH;
  checkRepoPath(dir, [...path, 'path'], report);
  if (raw.branch !== undefined && !isBranchName(raw.branch)) {
    report(
      issue(
        [...path, 'branch'],
        'is not a valid branch name',
        raw.branch,
        "use a name git accepts (no spaces, '..', '~', '^', ':', '?', '*', '[' or leading '-'), e.g. gitops",
      ),
    );
  }
  const triton = raw.triton ?? {};
  const kserve = raw.kserve ?? {};
  const targets = raw.targets ?? ['triton', 'kserve', 'edge'];
  for (const [key, target] of [
    ['triton', 'triton'],
    ['kserve', 'kserve'],
  ] as const) {
    if (raw[key] !== undefined && !targets.includes(target)) {
      report(
        issue(
          [...path, key],
          `configures a target this environment does not render`,
          targets,
          `add ${target} to ${renderPath([...path, 'targets'])}, or remove ${key}`,
          'key',
        ),
      );
    }
  }
  return {
    targets: [...targets],
    path: dir.replace(/\/+$/, '') || DEFAULT_RENDER_PATH,
    branch: raw.branch,
    triton: {
      platform: triton.platform ?? 'onnxruntime_onnx',
      maxBatchSize: triton['max-batch-size'] ?? DEFAULT_MAX_BATCH_SIZE,
      instanceCount: triton['instance-count'],
    },
    kserve: {
      runtime: kserve.runtime,
      storageUri: kserve['storage-uri'] ?? DEFAULT_STORAGE_URI,
      namespace: kserve.namespace,
    },
  };
}

/** The local target's smoke port is only meaningful with `target: local`. */
export function checkLocalTarget(raw: RawEnvironment, path: PathSegment[], report: Report): void {
  if (raw.port !== undefined && raw.target !== 'local') {
    report(
      issue(
        [...path, 'port'],
        'is the port of the local smoke test, but the target is not local',
        raw.port,
        'set target: local, or remove port',
        'key',
      ),
    );
  }
}

/** git check-ref-format's rules for a branch, minus the ones the schema pattern already enforces. */
function isBranchName(name: string): boolean {
  return (
    name.length > 0 &&
    !name.startsWith('-') &&
    !name.startsWith('/') &&
    !name.endsWith('/') &&
    !name.endsWith('.') &&
    !name.endsWith('.lock') &&
    !name.includes('..') &&
    !name.includes('//') &&
    !name.includes('@{') &&
    !name.split('/').some((part) => part.startsWith('.')) &&
    // eslint-disable-next-line no-control-regex
    !/[\x00-\x20\x7f~^:?*[\\]/.test(name)
  );
}
