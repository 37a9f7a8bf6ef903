/**
 * Errors a user can fix (bad flag, bad config, missing or corrupt file) are kept apart from bugs.
 * Adapters print a UsageError as one line and exit 2; anything else is a bug and keeps its stack.
 */
export class UsageError extends Error {
  override readonly name: string = 'UsageError';
  /** Exit code the CLI and actions use for bad input. */
  readonly exitCode = 2;
  /** How to fix it, appended to the one-line message. */
  readonly fix: string | undefined;

  constructor(message: string, options: { fix?: string; cause?: unknown } = {}) {
    super(options.fix ? `${message} — ${options.fix}` : message, { cause: options.cause });
    this.fix = options.fix;
  }
}

/** A problem in modelops.yaml; the message carries file:line:column. */
export class ConfigError extends UsageError {
  override readonly name = 'ConfigError';
}

/** A model file that cannot be parsed (truncated, corrupt, not the format it claims). */
export class ModelFormatError extends UsageError {
  override readonly name = 'ModelFormatError';
}

export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError;
}
