import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readEvidence, type DeployEvidenceFile } from '../../core/deploy/evidence.js';
import { UsageError } from '../../core/errors.js';

/** Reads and classifies each `--evidence` file (paths as the user wrote them, relative to cwd). */
export async function readEvidenceFiles(
  cwd: string,
  paths: readonly string[],
): Promise<DeployEvidenceFile[]> {
  const files: DeployEvidenceFile[] = [];
  for (const path of paths) {
    let bytes: Buffer;
    try {
      bytes = await readFile(resolve(cwd, path));
    } catch (error) {
      throw new UsageError(
        `cannot read --evidence ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        {
          fix: 'pass the path of a file written by modelops evaluate --json or modelops audit --json',
        },
      );
    }
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new UsageError(`--evidence ${path} is not valid JSON`, {
        fix: 'write it with modelops evaluate --json > FILE (logs go to stderr, so stdout is pure JSON)',
      });
    }
    files.push(readEvidence(path, createHash('sha256').update(bytes).digest('hex'), value));
  }
  return files;
}
