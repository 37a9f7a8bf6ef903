import { execFile } from 'node:child_process';
import { GitError } from './git-error.js';

/** How to run git. */
export interface ExecGitOptions {
  cwd: string;
  /** Merged over process.env (variables set to undefined are removed). */
  env?: Record<string, string | undefined>;
  /** Written to git's stdin, which is otherwise closed at once so git never waits on it. */
  input?: string | Uint8Array;
  /** Largest stdout accepted; blobs read with cat-file can be big. Default 1 GiB. */
  maxBuffer?: number;
  /** Path or name of the git executable. */
  gitBinary?: string;
}

/** What a finished git process produced. */
export interface ExecGitResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs git with an argument array via execFile — never a shell — and resolves with its output
 * whatever the exit code. It rejects only when git cannot run at all (not installed, killed,
 * output over maxBuffer), with a one-line GitError.
 */
export function execGit(args: readonly string[], options: ExecGitOptions): Promise<ExecGitResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      options.gitBinary ?? 'git',
      [...args],
      {
        cwd: options.cwd,
        env: gitEnv(options.env),
        encoding: 'buffer',
        maxBuffer: options.maxBuffer ?? 1024 * 1024 * 1024,
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        const err = error as
          (NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: string }) | null;
        const stderrText = stderr.toString('utf8');
        if (err && typeof err.code !== 'number') {
          const reason =
            err.code === 'ENOENT'
              ? 'git is not installed or not on PATH'
              : err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'
                ? 'output larger than maxBuffer'
                : err.signal
                  ? `killed by ${err.signal}`
                  : (err.message.split('\n')[0] ?? 'failed to run');
          reject(new GitError(args, null, stderrText, '', reason));
          return;
        }
        resolve({ exitCode: err ? Number(err.code) : 0, stdout, stderr: stderrText });
      },
    );
    // EPIPE when git exits before reading all of stdin is reported through the exit code instead.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

// Stable English messages (push rejections are recognised by text) and no credential prompts
// that would hang a CI job.
function gitEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}
