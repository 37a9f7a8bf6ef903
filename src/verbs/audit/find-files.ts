import { lstat, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';

/** Extensions that are scanned (and reported) even when their content is not recognized. */
export const MODEL_EXTENSIONS =
  /\.(pt|pth|bin|ckpt|pkl|pickle|dill|joblib|sav|npy|npz|h5|hdf5|keras|onnx|safetensors|gguf|ggml|zip|tar|gz|bz2|xz|7z|zst|pb|tflite|model|mar|nemo)$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.venv', '__pycache__']);
const MAX_FILES = 100_000;

export interface Target {
  /** Absolute path. */
  path: string;
  /** As shown in reports: relative to the working directory. */
  display: string;
  /** Named explicitly (not found by walking a directory). */
  explicit: boolean;
}

/** Expands the paths input into files; symbolic links are not followed. */
export async function findFiles(cwd: string, paths: readonly string[]): Promise<Target[]> {
  const targets: Target[] = [];
  for (const given of paths) {
    const abs = resolve(cwd, given);
    const stat = await lstat(abs).catch(() => undefined);
    if (!stat)
      throw new UsageError(`path '${given}' does not exist`, { fix: 'pass files or directories to scan' });
    if (stat.isDirectory()) await walk(abs, cwd, targets);
    else targets.push({ path: abs, display: relative(cwd, abs) || given, explicit: true });
  }
  return targets;
}

async function walk(dir: string, cwd: string, out: Target[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (out.length >= MAX_FILES) return;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) await walk(path, cwd, out);
    } else if (entry.isFile()) out.push({ path, display: relative(cwd, path), explicit: false });
  }
}
