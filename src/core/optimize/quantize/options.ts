import { UsageError } from '../../errors.js';
import type { PassContext } from '../pass.js';

type Options = PassContext['options'];

/** A boolean pass option ('true'/'false' strings from `--passes name:key=value` are accepted). */
export function boolOption(pass: string, options: Options, key: string, fallback: boolean): boolean {
  const value = options?.[key];
  if (value === undefined) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new UsageError(`pass ${pass}: option ${key}=${String(value)} is not a boolean`, {
    fix: `write ${pass}:${key}=true or ${pass}:${key}=false`,
  });
}

/** One of a fixed set of string values. */
export function choiceOption<T extends string>(
  pass: string,
  options: Options,
  key: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = options?.[key];
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`pass ${pass}: option ${key}=${String(value)} is not one of ${choices.join(', ')}`, {
    fix: `write ${pass}:${key}=${choices[0]}`,
  });
}

/** A number in [min, max]. */
export function numberOption(
  pass: string,
  options: Options,
  key: string,
  range: [number, number],
  fallback: number,
): number {
  const value = options?.[key];
  if (value === undefined) return fallback;
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n) || n < range[0] || n > range[1]) {
    throw new UsageError(
      `pass ${pass}: option ${key}=${String(value)} is not a number in [${range.join(', ')}]`,
      {
        fix: `write ${pass}:${key}=${fallback}`,
      },
    );
  }
  return n;
}

/** Readable size for pass notes. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(2)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}
