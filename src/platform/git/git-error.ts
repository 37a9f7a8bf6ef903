/**
 * A git command that failed. The message is one line — the command and git's own stderr — so
 * adapters can print it as is; `stderr` and `exitCode` are kept for callers that branch on them.
 */
export class GitError extends Error {
  override readonly name = 'GitError';
  readonly args: readonly string[];
  /** Process exit code, or null when git could not be started or was killed. */
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly stdout: string;

  constructor(
    args: readonly string[],
    exitCode: number | null,
    stderr: string,
    stdout = '',
    reason?: string,
  ) {
    const detail = oneLine(stderr) || oneLine(stdout) || reason || 'no output';
    const status = exitCode === null ? (reason ?? 'failed to run') : `exit ${exitCode}`;
    super(`git ${formatArgs(args)} failed (${status}): ${detail}`);
    this.args = args;
    this.exitCode = exitCode;
    this.stderr = stderr;
    this.stdout = stdout;
  }
}

/** Shell-like rendering of an argument list, for messages only (nothing is ever run through a shell). */
export function formatArgs(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./#!^{}-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

function oneLine(text: string): string {
  const joined = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' | ');
  return joined.length > 600 ? `${joined.slice(0, 600)}…` : joined;
}
