import { open, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { extractSignature, producerInfo, readModel } from '../../core/onnx/index.js';
import type { ModelSignature, OpsetImport } from '../../core/onnx/signature-types.js';
import { parseLfsPointer, type LfsPointer } from '../../core/registry/lfs-pointer.js';
import { sniffFormat, SNIFF_BYTES } from '../../core/registry/sniff-format.js';
import { sha256File } from '../../platform/fs/index.js';
import type { Git } from '../../platform/git/index.js';
import type { Progress } from '../../platform/progress.js';

/** Plain blobs above this size must be in LFS: git history keeps every version of them forever. */
export const PLAIN_BLOB_LIMIT = 1024 * 1024;

export interface InspectedModel {
  path: string;
  sha256: string;
  size: number;
  format: string;
  /** 'pointer' when only the LFS pointer is checked out (GIT_LFS_SKIP_SMUDGE=1). */
  source: 'content' | 'pointer';
  signature?: ModelSignature;
  irVersion?: number;
  opsets: OpsetImport[];
  producer?: { name: string; version?: string };
}

/**
 * Hash, size, format and signature of a model as committed at `ref`, refusing what a registry
 * must not accept: uncommitted content, a pointer that does not match its content, large plain blobs.
 */
export async function inspectModel(
  root: string,
  path: string,
  ref: string,
  git: Git,
  progress: (label: string, total?: number) => Progress,
): Promise<InspectedModel> {
  const file = join(root, path);
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    throw new UsageError(`model file not found: ${path}`, {
      fix: 'check --model (paths are relative to the repository root)',
    });
  }
  const committed = await git.showFile(ref, path).catch(() => null);
  if (!committed) {
    throw new UsageError(`${path} is not committed at ${ref}`, {
      fix: `commit it first (git add ${path} && git commit): tags point at commits`,
    });
  }
  const committedPointer = parseLfsPointer(committed);
  const head = await readHead(file);
  const workingPointer = parseLfsPointer(head);

  if (workingPointer) {
    // Only the pointer is here: hash and size come from it, in time independent of model size.
    if (!committedPointer || committedPointer.oid !== workingPointer.oid) {
      throw new UsageError(`${path} differs from the committed version at ${ref}`, {
        fix: 'commit or discard the change first',
      });
    }
    return {
      path,
      sha256: workingPointer.oid,
      size: workingPointer.size,
      format: formatFromName(path),
      source: 'pointer',
      opsets: [],
    };
  }

  const bar = progress(`sha256 ${path}`, info.size);
  const sha256 = await sha256File(file, { onProgress: (done) => bar.update(done) });
  bar.done();
  checkStorage(path, info.size, sha256, committed, committedPointer, await git.isLfsTracked(path));
  const format = sniffFormat(head);
  if (path.toLowerCase().endsWith('.onnx') && format !== 'onnx') {
    throw new UsageError(
      `${path} is named .onnx but its content is ${format === 'unknown' ? 'not ONNX' : `a ${format} file`}`,
      {
        fix: 'convert it to ONNX first (modelops convert), or give it the extension of what it is',
      },
    );
  }
  if (format !== 'onnx') return { path, sha256, size: info.size, format, source: 'content', opsets: [] };

  // Named by its repository path so errors read the way the user wrote --model.
  const model = readModel(await readFile(file), path);
  const signature = extractSignature(model);
  const producer = producerInfo(model);
  return {
    path,
    sha256,
    size: info.size,
    format,
    source: 'content',
    signature,
    irVersion: Number(model.irVersion),
    opsets: signature.opsets,
    ...(producer.producerName
      ? {
          producer: {
            name: producer.producerName,
            ...(producer.producerVersion ? { version: producer.producerVersion } : {}),
          },
        }
      : {}),
  };
}

function checkStorage(
  path: string,
  size: number,
  sha256: string,
  committed: Buffer,
  pointer: LfsPointer | null,
  lfsTracked: boolean,
): void {
  if (pointer) {
    if (pointer.oid !== sha256 || pointer.size !== size) {
      throw new UsageError(
        `${path}: content (sha256 ${sha256.slice(0, 12)}…, ${size} bytes) does not match its committed LFS pointer (${pointer.oid.slice(0, 12)}…, ${pointer.size} bytes)`,
        { fix: 'commit the new content, or run git lfs pull to restore the committed one' },
      );
    }
    return;
  }
  if (committed.length !== size) {
    throw new UsageError(`${path} has uncommitted changes`, { fix: 'commit or discard them first' });
  }
  if (size > PLAIN_BLOB_LIMIT) {
    const fix = lfsTracked
      ? `it was committed before LFS tracked it; rewrite it into LFS: git lfs migrate import --include="${path}" --everything`
      : `track it with LFS and rewrite it: git lfs track "${path}" && git lfs migrate import --include="${path}" --everything`;
    throw new UsageError(`${path} is committed as a plain ${size}-byte git blob, not through Git LFS`, {
      fix,
    });
  }
}

async function readHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function formatFromName(path: string): string {
  const ext = path.toLowerCase().split('.').pop() ?? '';
  return ext === 'onnx' ? 'onnx' : ext || 'unknown';
}
