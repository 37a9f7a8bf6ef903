import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { TensorProto } from 'onnx-buf';
import { ModelFormatError } from '../errors.js';

/** Where a tensor's bytes live when data_location is EXTERNAL (ONNX external_data keys). */
export interface ExternalDataRef {
  /** File path relative to the model's directory, '/'-separated. */
  location: string;
  offset: number;
  /** Undefined means "to the end of the file". */
  length: number | undefined;
}

/**
 * Reads and validates a tensor's external_data entries. Throws ModelFormatError for a missing or
 * unsafe location (absolute, or leaving the model directory) and for non-numeric offset/length.
 */
export function externalDataRef(tensor: TensorProto): ExternalDataRef {
  const entries = new Map(tensor.externalData.map((e) => [e.key, e.value]));
  const location = entries.get('location');
  if (!location) {
    throw new ModelFormatError(`tensor '${tensor.name}' is marked external but has no 'location' entry`, {
      fix: 'export the model again with its external data file',
    });
  }
  assertSafeLocation(location, tensor.name);
  return {
    location,
    offset: parseCount(entries.get('offset') ?? '0', 'offset', tensor.name),
    length: entries.has('length')
      ? parseCount(entries.get('length') ?? '', 'length', tensor.name)
      : undefined,
  };
}

/**
 * Refuses a location that could read or overwrite files outside the model directory: absolute
 * paths (POSIX, Windows drive or UNC), and relative paths that climb out with '..'. A model file
 * from an untrusted pull request must not be able to make us read ~/.ssh/id_rsa into a tensor.
 */
export function assertSafeLocation(location: string, tensorName = '(external data)'): void {
  const unsafe =
    location.includes('\0') ||
    isAbsolute(location) ||
    /^[\\/]/.test(location) ||
    /^[A-Za-z]:/.test(location) ||
    escapes('/model-dir', location.replaceAll('\\', '/'));
  if (unsafe) {
    throw new ModelFormatError(
      `tensor '${tensorName}' has external data location '${location}' outside the model directory`,
      { fix: 'use a relative path inside the model directory, without absolute paths or ..' },
    );
  }
}

/** Resolves a validated location against the model directory. */
export function resolveLocation(modelDir: string, location: string): string {
  return resolve(modelDir, location.replaceAll('\\', '/'));
}

/** True when `target`, resolved against `dir`, is not inside `dir`. */
export function escapes(dir: string, target: string): boolean {
  const rel = relative(resolve(dir), resolve(dir, target));
  return rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || rel.startsWith('../') || isAbsolute(rel);
}

function parseCount(text: string, key: string, tensorName: string): number {
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new ModelFormatError(
      `tensor '${tensorName}' has external data ${key} '${text}', not a byte count`,
      {
        fix: 'export the model again; offset and length must be non-negative integers',
      },
    );
  }
  return Number(text);
}
